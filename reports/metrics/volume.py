"""When tickets arrive: the hour × weekday heat map and the time-of-day bands (seed table 4)."""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Count,
)
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay
from django.utils.translation import gettext_lazy

from .. import registry
from ..aggregates import rate
from ..filters import ReportFilters
from ..registry import ReportResult, report, report_result
from .cohort import RESOLVED, cohort, local_zone

TIME_BANDS: list[tuple[str, int, int, Any]] = [
    ("00-08", 0, 8, gettext_lazy("Night")),
    ("08-12", 8, 12, gettext_lazy("Morning")),
    ("12-14", 12, 14, gettext_lazy("Midday")),
    ("14-18", 14, 18, gettext_lazy("Afternoon")),
    ("18-24", 18, 24, gettext_lazy("Evening")),
]


@report(
    "volume",
    title=gettext_lazy("Volume by hour and weekday"),
    description=gettext_lazy("Tickets received per hour of day and weekday, with the share resolved."),
    columns=registry.VOLUME_COLUMNS,
)
def build_volume(filters: ReportFilters) -> ReportResult:
    zone = local_zone()
    counts = {
        (row["weekday"], row["hour"]): row
        for row in cohort(filters)
        .order_by()
        .annotate(weekday=ExtractIsoWeekDay("received_at", tzinfo=zone), hour=ExtractHour("received_at", tzinfo=zone))
        .values("weekday", "hour")
        .annotate(received=Count("id"), resolved=Count("id", filter=RESOLVED))
    }
    rows = []
    for weekday in range(1, 8):
        for hour in range(24):
            found = counts.get((weekday, hour), {"received": 0, "resolved": 0})
            rows.append(
                {
                    "weekday": weekday,
                    "hour": hour,
                    "received": found["received"],
                    "resolved": found["resolved"],
                    "resolution_rate": rate(found["resolved"], found["received"]),
                }
            )
    return report_result("volume", rows, filters)


@report(
    "time_bands",
    title=gettext_lazy("Resolution rate by time of day"),
    description=gettext_lazy("Tickets received per time band, with the share resolved."),
    columns=registry.TIME_BAND_COLUMNS,
)
def build_time_bands(filters: ReportFilters) -> ReportResult:
    by_hour = {
        row["hour"]: row
        for row in cohort(filters)
        .order_by()
        .annotate(hour=ExtractHour("received_at", tzinfo=local_zone()))
        .values("hour")
        .annotate(received=Count("id"), resolved=Count("id", filter=RESOLVED))
    }
    rows = []
    for band, first_hour, end_hour, label in TIME_BANDS:
        hours = [by_hour[hour] for hour in range(first_hour, end_hour) if hour in by_hour]
        received = sum(row["received"] for row in hours)
        resolved = sum(row["resolved"] for row in hours)
        rows.append(
            {
                "band": band,
                "label": str(label),
                "received": received,
                "resolved": resolved,
                "resolution_rate": rate(resolved, received),
            }
        )
    return report_result("time_bands", rows, filters)
