"""The filters every report takes: a period (local dates, inclusive) and optionally a team, a kind, a channel.

The period selects tickets by when the buyer wrote (``received_at``) in the helpdesk's time zone
(``TIME_ZONE``, Asia/Shanghai); CSAT-by-period reports select responses by when they were submitted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import ValidationFailed
from core.integers import parse_id
from tickets.enums import Channel, TicketKind
from tickets.models import Team

DEFAULT_DAYS = 30


def helpdesk_zone() -> ZoneInfo:
    """Reports count days in ``TIME_ZONE``, whatever zone the reader has chosen for their own pages."""
    return ZoneInfo(settings.TIME_ZONE)


PERIODS: dict[str, Any] = {
    "last_7_days": gettext_lazy("Last 7 days"),
    "last_30_days": gettext_lazy("Last 30 days"),
    "last_90_days": gettext_lazy("Last 90 days"),
    "this_month": gettext_lazy("This month"),
    "last_month": gettext_lazy("Last month"),
    "this_quarter": gettext_lazy("This quarter"),
    "last_quarter": gettext_lazy("Last quarter"),
    "this_year": gettext_lazy("This year"),
}


@dataclass(frozen=True)
class ReportFilters:
    start: date  # first local day, inclusive
    end: date  # last local day, inclusive
    team_id: int | None = None
    kind: str = ""  # "" = every kind
    channel: str = ""  # "" = every channel
    # Whose report: only the tickets this user may see count (``tickets.access``); None = every ticket (the
    # benchmark and tests that compute over everything).
    viewer: Any = field(default=None, compare=False, repr=False)

    @property
    def start_at(self) -> datetime:
        """Midnight starting the first day, in the helpdesk's zone (not the reader's own)."""
        return datetime.combine(self.start, time.min, tzinfo=helpdesk_zone())

    @property
    def end_at(self) -> datetime:
        """Exclusive: midnight after the last day, in the helpdesk's zone."""
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=helpdesk_zone())

    def as_query(self) -> dict[str, str]:
        query = {"start": self.start.isoformat(), "end": self.end.isoformat()}
        if self.team_id:
            query["team"] = str(self.team_id)
        if self.kind:
            query["kind"] = self.kind
        if self.channel:
            query["channel"] = self.channel
        return query


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def period_range(period: str, today: date) -> tuple[date, date]:
    if period == "last_7_days":
        return today - timedelta(days=6), today
    if period == "last_30_days":
        return today - timedelta(days=29), today
    if period == "last_90_days":
        return today - timedelta(days=89), today
    if period == "this_month":
        return today.replace(day=1), today
    if period == "last_month":
        end = today.replace(day=1) - timedelta(days=1)
        return end.replace(day=1), end
    if period == "this_quarter":
        return _quarter_start(today), today
    if period == "last_quarter":
        end = _quarter_start(today) - timedelta(days=1)
        return _quarter_start(end), end
    if period == "this_year":
        return date(today.year, 1, 1), today
    raise KeyError(period)


def parse_filters(params: Any, *, viewer: Any = None, today: date | None = None) -> ReportFilters:
    """Read ``period`` or ``start``/``end`` (YYYY-MM-DD), ``team``, ``kind`` and ``channel`` from a query dict.

    Empty values mean "not filtered". Anything malformed is a ``ValidationFailed`` (400) naming the field.
    """
    today = today or timezone.localdate(timezone=helpdesk_zone())
    errors: dict[str, list[str]] = {}

    def get(name: str) -> str:
        value = params.get(name, "")
        return value.strip() if isinstance(value, str) else ""

    start, end = today - timedelta(days=DEFAULT_DAYS - 1), today
    period = get("period")
    if period:
        if period in PERIODS:
            start, end = period_range(period, today)
        else:
            errors["period"] = [_("Unknown period. Use one of: %(choices)s.") % {"choices": ", ".join(PERIODS)}]
    for name in ("start", "end"):
        raw = get(name)
        if not raw:
            continue
        try:
            parsed = parse_date(raw)
        except ValueError:
            parsed = None
        if parsed is None or not (date(2000, 1, 1) <= parsed <= date(2100, 12, 31)):
            errors[name] = [_("Enter a date as YYYY-MM-DD.")]
        elif name == "start":
            start = parsed
        else:
            end = parsed
    if "start" not in errors and "end" not in errors and start > end:
        errors["end"] = [_("The end date must not be before the start date.")]

    team_id: int | None = None
    raw_team = get("team")
    if raw_team:
        team_id = parse_id(raw_team)
        if team_id is None:
            errors["team"] = [_("Give the team's id, a whole number.")]
        elif not Team.objects.filter(pk=team_id).exists():
            errors["team"] = [_("Unknown team.")]
    kind = get("kind")
    if kind and kind not in TicketKind.values:
        errors["kind"] = [_("Unknown kind.")]
    channel = get("channel")
    if channel and channel not in Channel.values:
        errors["channel"] = [_("Unknown channel.")]
    if errors:
        raise ValidationFailed(_("Check the report filters."), fields=errors)
    return ReportFilters(start=start, end=end, team_id=team_id, kind=kind, channel=channel, viewer=viewer)
