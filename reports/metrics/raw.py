"""The raw data: one row per ticket of the cohort, streamed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import (
    Count,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy

from tickets.enums import EscalationTarget
from tickets.models import REFERENCE_PREFIX, Escalation

from .. import registry
from ..aggregates import round_score, round_seconds
from ..filters import ReportFilters
from ..registry import ReportResult, report, report_result
from .cohort import FIRST_RESPONSE_TIME, cohort, local_zone, user_name


def _ticket_rows(filters: ReportFilters) -> Iterator[dict[str, Any]]:
    zone = local_zone()
    help_request = Q(target=EscalationTarget.REQUESTED)
    escalations = (
        Escalation.objects.filter(ticket_id=OuterRef("pk"))
        .order_by()
        .values("ticket_id")
        .annotate(n=Count("id", filter=~help_request), help=Count("id", filter=help_request))
    )
    queryset = (
        cohort(filters)
        .annotate(
            escalation_count=Coalesce(Subquery(escalations.values("n")), Value(0)),
            help_request_count=Coalesce(Subquery(escalations.values("help")), Value(0)),
            first_response_time=FIRST_RESPONSE_TIME,
        )
        .order_by("received_at", "id")
        .values(
            "id",
            "received_at",
            "kind",
            "category",
            "channel",
            "team__name",
            "assignee__display_name",
            "assignee__first_name",
            "assignee__last_name",
            "assignee__username",
            "status",
            "first_response_time",
            "resolved_at",
            "sla_elapsed",
            "first_response_breached_at",
            "next_reply_breached_at",
            "resolution_breached_at",
            "escalation_count",
            "help_request_count",
            "survey_response__average_score",
        )
    )
    for row in queryset.iterator(chunk_size=2000):
        breached = (
            row["first_response_breached_at"] or row["next_reply_breached_at"] or row["resolution_breached_at"]
        ) is not None
        resolved = row["resolved_at"] is not None
        first_response = row["first_response_time"]
        yield {
            "reference": f"{REFERENCE_PREFIX}{row['id']:06d}",
            "received_at": row["received_at"].astimezone(zone).isoformat(),
            "kind": row["kind"],
            "category": row["category"],
            "channel": row["channel"],
            "team": row["team__name"] or "",
            "agent": user_name(
                row["assignee__display_name"] or "",
                row["assignee__first_name"] or "",
                row["assignee__last_name"] or "",
                row["assignee__username"] or "",
            ),
            "status": row["status"],
            "first_response": round_seconds(first_response.total_seconds()) if first_response is not None else None,
            "resolution": round_seconds(row["sla_elapsed"].total_seconds()) if resolved else None,
            "sla_met": "no" if breached else ("yes" if resolved else ""),
            "escalations": row["escalation_count"],
            "help_requests": row["help_request_count"],
            "csat": round_score(row["survey_response__average_score"]),
        }


@report(
    "tickets",
    title=gettext_lazy("Tickets (raw data)"),
    description=gettext_lazy("One row per ticket received in the period, for your own analysis."),
    columns=registry.TICKET_COLUMNS,
    on_dashboard=False,
)
def build_tickets(filters: ReportFilters) -> ReportResult:
    return report_result("tickets", _ticket_rows(filters), filters)
