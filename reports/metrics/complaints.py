"""Complaints by category: handling time, resolved within 24 h, satisfaction (seed table 8)."""

from __future__ import annotations

from django.db.models import (
    Count,
    Q,
)
from django.utils.translation import gettext_lazy

from surveys.models import SurveyResponse
from tickets.enums import Category, TicketKind

from .. import registry
from ..aggregates import rate, round_score, round_seconds
from ..filters import ReportFilters
from ..registry import ReportResult, report, report_result
from .cohort import COMPLAINT_TARGET, RESOLUTION, RESOLVED, cohort, cohort_q, satisfaction_measures, ticket_measures


@report(
    "complaints",
    title=gettext_lazy("Complaints by category"),
    description=gettext_lazy("Complaints per category with handling time and satisfaction."),
    columns=registry.COMPLAINT_COLUMNS,
)
def build_complaints(filters: ReportFilters) -> ReportResult:
    if filters.kind and filters.kind != TicketKind.COMPLAINT:
        return report_result("complaints", [], filters)
    complaints = cohort(filters).filter(kind=TicketKind.COMPLAINT)
    within_target = {"within_target": Count("id", filter=RESOLVED & Q(sla_elapsed__lte=COMPLAINT_TARGET))}
    by_category = ticket_measures(complaints, "category", extra=within_target, times=(RESOLUTION,))
    responses = {
        row["ticket__category"]: row
        for row in SurveyResponse.objects.filter(cohort_q(filters, "ticket__"), ticket__kind=TicketKind.COMPLAINT)
        .order_by()
        .values("ticket__category")
        .annotate(**satisfaction_measures())
    }
    rows = []
    for category in sorted(by_category, key=lambda code: (-by_category[code]["tickets"], code)):
        measures = by_category[category]
        satisfaction = responses.get(category, {"responses": 0, "csat": None, "satisfied": 0})
        rows.append(
            {
                "category": category,
                "label": str(Category(category).label) if category in Category.values else category,
                "complaints": measures["tickets"],
                "resolved": measures["resolved"],
                "handling_median": round_seconds(measures["resolution_median"]),
                "handling_p90": round_seconds(measures["resolution_p90"]),
                "within_24h_rate": rate(measures["within_target"], measures["tickets"]),
                "responses": satisfaction["responses"],
                "csat": round_score(satisfaction["csat"]),
                "satisfied_rate": rate(satisfaction["satisfied"], satisfaction["responses"]),
            }
        )
    return report_result("complaints", rows, filters)
