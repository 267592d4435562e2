"""After-sales Pareto: the few reasons and products that cause most of the work (seed 002)."""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Count,
    Max,
    QuerySet,
    Sum,
)
from django.utils.translation import gettext_lazy

from aftersales.models import AfterSalesRequest, RequestLine
from tickets.enums import TicketKind

from .. import registry
from ..aggregates import rate
from ..filters import ReportFilters
from ..registry import ReportResult, report, report_result
from .cohort import VITAL_FEW_SHARE, cohort_q


def _pareto(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add share, cumulative share and the vital-few flag to rows already sorted by requests, descending."""
    total = sum(row["requests"] for row in rows)
    running, cut_reached = 0, False
    numerator, denominator = VITAL_FEW_SHARE
    for row in rows:
        running += row["requests"]
        row["share"] = rate(row["requests"], total)
        row["cumulative_share"] = rate(running, total)
        row["vital_few"] = "no" if cut_reached else "yes"
        cut_reached = cut_reached or running * denominator >= total * numerator
    return rows


def _aftersales_requests(filters: ReportFilters) -> QuerySet[AfterSalesRequest] | None:
    if filters.kind and filters.kind != TicketKind.AFTERSALES:
        return None
    return AfterSalesRequest.objects.filter(cohort_q(filters, "ticket__"), ticket__kind=TicketKind.AFTERSALES)


@report(
    "aftersales_reasons",
    title=gettext_lazy("After-sales by reason"),
    description=gettext_lazy("Which reasons cause most after-sales requests (Pareto)."),
    columns=registry.PARETO_REASON_COLUMNS,
)
def build_aftersales_reasons(filters: ReportFilters) -> ReportResult:
    requests = _aftersales_requests(filters)
    if requests is None:
        return report_result("aftersales_reasons", [], filters)
    counted = (
        requests.order_by()
        .values("reason__code")
        .annotate(label=Max("reason__label"), requests=Count("id"))
        .order_by("-requests", "reason__code")
    )
    rows = [{"reason": row["reason__code"], "label": row["label"], "requests": row["requests"]} for row in counted]
    return report_result("aftersales_reasons", _pareto(rows), filters)


@report(
    "aftersales_products",
    title=gettext_lazy("After-sales by product"),
    description=gettext_lazy("Which products cause most after-sales requests (Pareto)."),
    columns=registry.PARETO_PRODUCT_COLUMNS,
)
def build_aftersales_products(filters: ReportFilters) -> ReportResult:
    requests = _aftersales_requests(filters)
    if requests is None:
        return report_result("aftersales_products", [], filters)
    counted = (
        RequestLine.objects.filter(cohort_q(filters, "request__ticket__"), request__ticket__kind=TicketKind.AFTERSALES)
        .order_by()
        .values("order_line__sku")
        .annotate(
            title=Max("order_line__title"),
            requests=Count("request_id", distinct=True),
            quantity=Sum("quantity"),
        )
        .order_by("-requests", "order_line__sku")
    )
    rows = [
        {"sku": row["order_line__sku"], "title": row["title"], "requests": row["requests"], "quantity": row["quantity"]}
        for row in counted
    ]
    return report_result("aftersales_products", _pareto(rows), filters)
