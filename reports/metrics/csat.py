"""Satisfaction by month and by quarter, per question, with the improvement actions (seed table 9)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from django.db.models import (
    Avg,
    Count,
    Q,
)
from django.db.models.functions import TruncMonth, TruncQuarter
from django.utils.translation import get_language, gettext_lazy

from surveys.models import LOW_SCORE, SurveyAnswer, SurveyDimension, SurveyResponse
from tickets.access import visible_tickets_q

from .. import registry
from ..aggregates import rate, round_score
from ..filters import ReportFilters
from ..models import ImprovementAction
from ..registry import Column, ReportResult, report, report_result
from .cohort import local_zone, period_bounds, satisfaction_measures


def _months(start: date, end: date) -> list[date]:
    first, months = start.replace(day=1), []
    while first <= end:
        months.append(first)
        first = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return months


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _period_label(start: date, quarterly: bool) -> str:
    return f"{start.year}-Q{(start.month - 1) // 3 + 1}" if quarterly else f"{start.year}-{start.month:02d}"


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def _csat_q(filters: ReportFilters, prefix: str = "") -> Q:
    """The responses submitted in the period, of the filter's kind and channel (the ticket's) and team (the
    response's), reached through ``prefix`` ("response__" from an answer)."""
    start_at, end_at = period_bounds(filters)
    condition = Q(**{f"{prefix}submitted_at__gte": start_at, f"{prefix}submitted_at__lt": end_at})
    if filters.kind:
        condition &= Q(**{f"{prefix}ticket__kind": filters.kind})
    if filters.channel:
        condition &= Q(**{f"{prefix}ticket__channel": filters.channel})
    if filters.team_id:
        condition &= Q(**{f"{prefix}team_id": filters.team_id})
    if filters.viewer is not None:
        condition &= visible_tickets_q(filters.viewer, prefix=f"{prefix}ticket__")
    return condition


def build_csat(filters: ReportFilters, *, quarterly: bool) -> ReportResult:
    name = "csat_quarter" if quarterly else "csat_month"
    condition = _csat_q(filters)
    trunc = TruncQuarter if quarterly else TruncMonth
    zone = local_zone()

    responses = {
        _as_date(row["period"]): row
        for row in SurveyResponse.objects.filter(condition)
        .order_by()
        .annotate(period=trunc("submitted_at", tzinfo=zone))
        .values("period")
        .annotate(
            **satisfaction_measures(),
            answered_solved=Count("id", filter=Q(solved__isnull=False)),
            solved=Count("id", filter=Q(solved=True)),
            low_scores=Count("id", filter=Q(lowest_score__lte=LOW_SCORE)),
        )
    }
    dimension_scores: dict[tuple[date, str], Any] = {
        (_as_date(row["period"]), row["code"]): row["score"]
        for row in SurveyAnswer.objects.filter(_csat_q(filters, "response__"))
        .order_by()
        .annotate(period=trunc("response__submitted_at", tzinfo=zone))
        .values("period", "code")
        .annotate(score=Avg("score"))
    }
    codes = {code for _period, code in dimension_scores}
    dimensions: dict[str, SurveyDimension] = {}
    for dimension in SurveyDimension.objects.filter(code__in=codes).order_by("position", "id"):
        dimensions.setdefault(dimension.code, dimension)
    language = get_language()
    ordered_codes = sorted(
        codes, key=lambda code: (code not in dimensions, getattr(dimensions.get(code), "position", 0), code)
    )
    columns = [
        *registry.CSAT_COLUMNS,
        *[
            Column(f"dim_{code}", dimensions[code].label(language) if code in dimensions else code, "score")
            for code in ordered_codes
        ],
        registry.CSAT_ACTIONS_COLUMN,
    ]

    starts = _months(filters.start, filters.end)
    if quarterly:
        starts = sorted({_quarter_start(month) for month in starts})
    labels = [_period_label(start, quarterly) for start in starts]
    actions: dict[str, list[str]] = defaultdict(list)
    for period, text in ImprovementAction.objects.filter(period__in=labels).values_list("period", "text"):
        actions[period].append(text)

    rows = []
    for start, label in zip(starts, labels, strict=True):
        found = responses.get(start, {"responses": 0, "csat": None, "satisfied": 0})
        row: dict[str, Any] = {
            "period": label,
            "period_start": start.isoformat(),
            "responses": found["responses"],
            "csat": round_score(found["csat"]),
            "satisfied_rate": rate(found["satisfied"], found["responses"]),
            "solved_rate": rate(found.get("solved", 0), found.get("answered_solved", 0)),
            "low_scores": found.get("low_scores", 0),
        }
        for code in ordered_codes:
            row[f"dim_{code}"] = round_score(dimension_scores.get((start, code)))
        row[registry.CSAT_ACTIONS_COLUMN.key] = "; ".join(actions.get(label, []))
        rows.append(row)
    return report_result(name, rows, filters, columns=columns)


@report(
    "csat_month",
    title=gettext_lazy("Satisfaction by month"),
    description=gettext_lazy("Satisfaction per dimension, by month of response."),
    columns=[*registry.CSAT_COLUMNS, registry.CSAT_ACTIONS_COLUMN],  # + one dim_<code> per question, per run
)
def build_csat_month(filters: ReportFilters) -> ReportResult:
    return build_csat(filters, quarterly=False)


@report(
    "csat_quarter",
    title=gettext_lazy("Satisfaction by quarter"),
    description=gettext_lazy("Satisfaction per dimension, by quarter of response."),
    columns=[*registry.CSAT_COLUMNS, registry.CSAT_ACTIONS_COLUMN],
)
def build_csat_quarter(filters: ReportFilters) -> ReportResult:
    return build_csat(filters, quarterly=True)
