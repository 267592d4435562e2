"""The report computations. The definitions in this docstring are the contract the tests check.

Cohort. A report about tickets looks at the tickets whose ``received_at`` falls in the period (local days in
``TIME_ZONE``, ``ReportFilters.start_at`` ≤ received_at < ``end_at``), of the filter's team (the ticket's
current team), kind and channel.

- **Resolved**: ``resolved_at`` is set (resolved or closed now). A ticket reopened and still open is not.
- **Resolution rate**: resolved / received.
- **First response time**: ``first_responded_at − received_at`` (wall clock, what the buyer waited), over the
  tickets that have a first response.
- **Resolution time** (and complaints' *handling time*): the time the SLA clock ran until resolution,
  ``sla_elapsed`` of a resolved ticket: time waiting on the buyer (pending customer), the time a reopened
  ticket sat resolved, and hours outside a business calendar are not counted. Over resolved tickets.
- **Median and 90th percentile**: continuous (linear interpolation between the two nearest values, as
  PostgreSQL's ``percentile_cont``), rounded to whole seconds; ``None`` for an empty group.
- **First response within SLA**: tickets responded without a first-response breach / decided tickets, the
  responded ones plus the unanswered ones with a first-response breach (a ticket answered late counts once,
  in the denominator only). **Resolution within SLA**: likewise, resolved without a resolution breach /
  (resolved + unresolved with a resolution breach).
- **SLA compliance** (per ticket, all targets): decided tickets are the resolved ones plus the unresolved ones
  with any breach (first response, next reply or resolution: the ``*_breached_at`` stamps the SLA engine
  writes); compliant ones are resolved tickets without any breach. Open tickets within their targets are not
  decided yet and count in neither.
- **Escalations**: ``Escalation`` rows of the cohort's tickets (all levels, whenever they fired); escalated
  tickets: tickets with at least one.
- **Agent**: the ticket's current assignee (an "unassigned" row, agent id ``None``, when none). **Team**: the
  ticket's team.
- **Complaints resolved within 24 h**: complaints resolved with a handling time of at most 24 hours /
  complaints received (a complaint still open counts against it).

Satisfaction. A response's score is the mean of its dimension scores (``SurveyResponse.average_score``);
*CSAT* is the mean of the response scores, *satisfied* the share of responses scoring 4 or more, *solved* the
share of responses that said yes among those that answered the question, *low scores* the responses with
``lowest_score`` ≤ 2. In ticket reports (complaints, agents) the responses are those of the cohort's tickets,
attributed to the response's agent (the assignee at resolution). CSAT by month / quarter takes the responses
*submitted* in the period, filtered by the ticket's kind and channel and by the response's team, grouped by
the local month or quarter of submission; every month or quarter the period touches gets a row (a month
without responses has 0 responses and ``None`` scores and rates). A dimension column is the mean of that
dimension's answers in the row's month or quarter.

After-sales (Pareto). The after-sales requests of the cohort's tickets (kind after-sales). By reason: requests
per reason. By product: per SKU, the requests that name a line of that product (a request with two products
counts once for each) and the items (sum of quantities); requests without lines are not counted. Sorted by
requests, descending (then by code); share = requests / the sum of the rows' requests (so the shares add up
to 1); the *vital few* are the rows, in that order, up to and including the first whose cumulative share
reaches 80 %.

Raw data (``tickets``). One row per cohort ticket, oldest first, streamed: kind, category, channel and status
as their codes (stable for analysis), team and agent by name, times as in the SLA report, ``sla_met`` "yes"
(resolved, no breach), "no" (any breach) or "" (open, no breach yet).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connections
from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, ExtractHour, ExtractIsoWeekDay, TruncMonth, TruncQuarter
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from aftersales.models import AfterSalesRequest, RequestLine
from surveys.models import LOW_SCORE, SurveyAnswer, SurveyDimension, SurveyResponse
from tickets.enums import Category, TicketKind
from tickets.models import REFERENCE_PREFIX, Escalation, Team, Ticket

from . import registry
from .aggregates import EpochSeconds, PercentileCont, percentile_cont, rate, round_score, round_seconds
from .filters import ReportFilters
from .models import ImprovementAction
from .registry import Column, ReportDefinition, ReportResult

SATISFIED_SCORE = 4
VITAL_FEW_SHARE = (4, 5)  # 80 %, as a fraction, so the cut is exact integer arithmetic
COMPLAINT_TARGET = timedelta(hours=24)
ANY_BREACH = (
    Q(first_response_breached_at__isnull=False)
    | Q(next_reply_breached_at__isnull=False)
    | Q(resolution_breached_at__isnull=False)
)
RESOLVED = Q(resolved_at__isnull=False)
RESPONDED = Q(first_responded_at__isnull=False)
FIRST_RESPONSE_TIME = ExpressionWrapper(F("first_responded_at") - F("received_at"), output_field=DurationField())

TIME_BANDS: list[tuple[str, int, int, Any]] = [
    ("00-08", 0, 8, gettext_lazy("Night")),
    ("08-12", 8, 12, gettext_lazy("Morning")),
    ("12-14", 12, 14, gettext_lazy("Midday")),
    ("14-18", 14, 18, gettext_lazy("Afternoon")),
    ("18-24", 18, 24, gettext_lazy("Evening")),
]


# --- the cohort ------------------------------------------------------------------------------------------------


def local_zone() -> ZoneInfo:
    """The helpdesk's time zone: days, hours, months and quarters are counted here, whoever looks."""
    return ZoneInfo(settings.TIME_ZONE)


def period_bounds(filters: ReportFilters) -> tuple[datetime, datetime]:
    """[start, end) of the period: local midnight of the first day to local midnight after the last.

    Computed in ``TIME_ZONE`` rather than the active time zone (a user may have activated their own)."""
    return filters.start_at, filters.end_at


def cohort_q(filters: ReportFilters, prefix: str = "") -> Q:
    """The cohort as a condition on tickets, reached through ``prefix`` ("ticket__" from a related model)."""
    start_at, end_at = period_bounds(filters)
    condition = Q(**{f"{prefix}received_at__gte": start_at, f"{prefix}received_at__lt": end_at})
    if filters.team_id:
        condition &= Q(**{f"{prefix}team_id": filters.team_id})
    if filters.kind:
        condition &= Q(**{f"{prefix}kind": filters.kind})
    if filters.channel:
        condition &= Q(**{f"{prefix}channel": filters.channel})
    return condition


def cohort(filters: ReportFilters) -> QuerySet[Ticket]:
    return Ticket.objects.filter(cohort_q(filters))


def _is_postgresql(queryset: QuerySet[Any]) -> bool:
    return connections[queryset.db].vendor == "postgresql"


# --- per-group ticket measures (counts and percentiles) ------------------------------------------------------------


def _count_measures() -> dict[str, Any]:
    return {
        "tickets": Count("id"),
        "responded": Count("id", filter=RESPONDED),
        "resolved": Count("id", filter=RESOLVED),
        "first_response_met": Count("id", filter=RESPONDED & Q(first_response_breached_at__isnull=True)),
        "first_response_decided": Count("id", filter=RESPONDED | Q(first_response_breached_at__isnull=False)),
        "resolution_met": Count("id", filter=RESOLVED & Q(resolution_breached_at__isnull=True)),
        "resolution_decided": Count("id", filter=RESOLVED | Q(resolution_breached_at__isnull=False)),
        "sla_met": Count("id", filter=RESOLVED & ~ANY_BREACH),
        "sla_decided": Count("id", filter=RESOLVED | ANY_BREACH),
    }


FIRST_RESPONSE, RESOLUTION = "first_response", "resolution"
BOTH_TIMES = (FIRST_RESPONSE, RESOLUTION)


def _percentile_measures(times: tuple[str, ...], fractions: tuple[float, ...]) -> dict[str, Any]:
    """PostgreSQL only: ``<time>_median`` / ``<time>_p90`` (the time's NULLs are ignored). Aggregates over the
    same values share one sort, so a median and a 90th percentile cost one sort together."""
    values = {
        FIRST_RESPONSE: (EpochSeconds(FIRST_RESPONSE_TIME), None),  # NULL when not responded
        RESOLUTION: (EpochSeconds(F("sla_elapsed")), RESOLVED),
    }
    measures = {}
    for time_name in times:
        expression, condition = values[time_name]
        for fraction in fractions:
            measures[_percentile_key(time_name, fraction)] = PercentileCont(expression, fraction, filter=condition)
    return measures


def _percentile_key(time_name: str, fraction: float) -> str:
    return f"{time_name}_median" if fraction == 0.5 else f"{time_name}_p{round(fraction * 100)}"


def _python_percentiles(
    queryset: QuerySet[Ticket], group: str | None, times: tuple[str, ...], fractions: tuple[float, ...]
) -> dict[Any, dict[str, float | None]]:
    """SQLite: fetch the times and interpolate here, exactly as ``percentile_cont`` does."""
    samples: dict[str, dict[Any, list[float]]] = {time_name: defaultdict(list) for time_name in times}
    fields = ["received_at", "first_responded_at", "resolved_at", "sla_elapsed"]
    for row in queryset.filter(RESPONDED | RESOLVED).values(*fields, *([group] if group else [])).order_by():
        key = row[group] if group else None
        if FIRST_RESPONSE in samples and row["first_responded_at"] is not None:
            samples[FIRST_RESPONSE][key].append((row["first_responded_at"] - row["received_at"]).total_seconds())
        if RESOLUTION in samples and row["resolved_at"] is not None:
            samples[RESOLUTION][key].append(row["sla_elapsed"].total_seconds())
    keys = {key for by_key in samples.values() for key in by_key}
    return {
        key: {
            _percentile_key(time_name, fraction): percentile_cont(samples[time_name].get(key, []), fraction)
            for time_name in times
            for fraction in fractions
        }
        for key in keys
    }


def ticket_percentiles(
    queryset: QuerySet[Ticket],
    group: str | None = None,
    times: tuple[str, ...] = BOTH_TIMES,
    fractions: tuple[float, ...] = (0.5, 0.9),
) -> dict[Any, dict[str, float | None]]:
    """Just the percentiles (raw seconds), per value of ``group`` (or under ``None``); absent groups have none."""
    if not _is_postgresql(queryset):
        return _python_percentiles(queryset, group, times, fractions)
    measures = _percentile_measures(times, fractions)
    if group is None:
        return {None: queryset.aggregate(**measures)}
    return {row.pop(group): row for row in queryset.order_by().values(group).annotate(**measures)}


def ticket_measures(
    queryset: QuerySet[Ticket],
    group: str | None = None,
    extra: dict[str, Any] | None = None,
    times: tuple[str, ...] = BOTH_TIMES,
    fractions: tuple[float, ...] = (0.5, 0.9),
) -> dict[Any, dict[str, Any]]:
    """Counts and the percentiles of ``times`` of ``queryset``, as one dict (key ``None``) or one per value of
    ``group``, in one pass on PostgreSQL.

    Without ``group`` there is always one row (0 tickets, ``None`` times for an empty cohort); with it, groups
    without tickets are absent. Percentiles are raw seconds (floats); callers round them.
    """
    measures = {**_count_measures(), **(extra or {})}
    postgresql = _is_postgresql(queryset)
    if postgresql:
        measures |= _percentile_measures(times, fractions)
    if group is None:
        rows = {None: queryset.aggregate(**measures)}
    else:
        rows = {row[group]: row for row in queryset.order_by().values(group).annotate(**measures)}
    if not postgresql:
        percentiles = _python_percentiles(queryset, group, times, fractions)
        empty = dict.fromkeys((_percentile_key(t, f) for t in times for f in fractions), None)
        for key, row in rows.items():
            row.update(percentiles.get(key, empty))
    return rows


def escalation_counts(filters: ReportFilters, groups: tuple[str, ...]) -> dict[tuple[Any, ...], dict[str, int]]:
    """Escalations and escalated tickets of the cohort, per combination of the ticket's ``groups`` fields.

    Both counts add up across combinations (a ticket is in exactly one), so callers may sum them."""
    fields = [f"ticket__{name}" for name in groups]
    rows = (
        Escalation.objects.filter(cohort_q(filters, "ticket__"))
        .order_by()
        .values(*fields)
        .annotate(escalations=Count("id"), escalated_tickets=Count("ticket_id", distinct=True))
    )
    return {
        tuple(row[field] for field in fields): {
            "escalations": row["escalations"],
            "escalated_tickets": row["escalated_tickets"],
        }
        for row in rows
    }


def _sum_by(counts: dict[tuple[Any, ...], dict[str, Any]], position: int | None) -> dict[Any, dict[str, Any]]:
    """Add up per-combination counts by the key at ``position`` (everything under ``None`` when ``None``)."""
    totals: dict[Any, dict[str, Any]] = defaultdict(lambda: {"escalations": 0, "escalated_tickets": 0})
    for key, values in counts.items():
        bucket = totals[None if position is None else key[position]]
        for name, value in values.items():
            bucket[name] = bucket.get(name, 0) + value
    return totals


# --- names ---------------------------------------------------------------------------------------------------------


def user_name(display_name: str, first_name: str, last_name: str, username: str) -> str:
    """``str(user)`` from its fields, for rows read with ``values()``."""
    return display_name or f"{first_name} {last_name}".strip() or username


def _user_names(ids: set[Any]) -> dict[int, str]:
    users = get_user_model().objects.filter(pk__in=[pk for pk in ids if pk is not None])
    return {user.pk: str(user) for user in users}


def _team_names(ids: set[Any]) -> dict[int, str]:
    return dict(Team.objects.filter(pk__in=[pk for pk in ids if pk is not None]).values_list("pk", "name"))


# --- volume and time bands -------------------------------------------------------------------------------------


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
    return _result("volume", rows, filters)


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
    return _result("time_bands", rows, filters)


# --- SLA and agents ---------------------------------------------------------------------------------------------


def _sla_row(
    dimension: str, key: Any, name: str, measures: dict[str, Any], escalated: dict[str, int]
) -> dict[str, Any]:
    return {
        "dimension": dimension,
        "key": "" if key is None else str(key),
        "name": name,
        "tickets": measures["tickets"],
        "responded": measures["responded"],
        "first_response_median": round_seconds(measures["first_response_median"]),
        "first_response_p90": round_seconds(measures["first_response_p90"]),
        "resolved": measures["resolved"],
        "resolution_median": round_seconds(measures["resolution_median"]),
        "resolution_p90": round_seconds(measures["resolution_p90"]),
        "first_response_compliance": rate(measures["first_response_met"], measures["first_response_decided"]),
        "resolution_compliance": rate(measures["resolution_met"], measures["resolution_decided"]),
        "sla_compliance": rate(measures["sla_met"], measures["sla_decided"]),
        "escalated_tickets": escalated.get("escalated_tickets", 0),
        "escalations": escalated.get("escalations", 0),
    }


def _none_last(name_of: Callable[[Any], str]) -> Callable[[Any], tuple[bool, str, str]]:
    return lambda key: (key is None, name_of(key).casefold(), str(key))


SLA_GROUPS = ("team_id", "kind", "assignee_id")


def build_sla(filters: ReportFilters) -> ReportResult:
    tickets = cohort(filters)
    # The counts add up, so one pass per (team, kind, agent) gives every row's counts; percentiles do not, so
    # they take one query per dimension.
    combinations = {
        tuple(row.pop(name) for name in SLA_GROUPS): row
        for row in tickets.order_by().values(*SLA_GROUPS).annotate(**_count_measures())
    }
    escalations = escalation_counts(filters, SLA_GROUPS)

    def dimension(position: int | None) -> tuple[dict[Any, dict[str, Any]], dict[Any, dict[str, int]]]:
        counts = _sum_by(combinations, position)
        times = ticket_percentiles(tickets, None if position is None else SLA_GROUPS[position])
        for key, measures in counts.items():
            measures.update(times.get(key) or dict.fromkeys(_percentile_measures_keys(), None))
        return counts, _sum_by(escalations, position)

    everything, all_escalations = dimension(None)
    empty = {**dict.fromkeys(_count_measures(), 0), **dict.fromkeys(_percentile_measures_keys(), None)}
    rows = [_sla_row("all", None, _("All tickets"), everything.get(None, empty), all_escalations[None])]

    by_team, team_escalations = dimension(0)
    team_names = _team_names(set(by_team))
    for team_id in sorted(by_team, key=_none_last(lambda pk: team_names.get(pk, _("No team")))):
        name = team_names.get(team_id, _("No team"))
        rows.append(_sla_row("team", team_id, name, by_team[team_id], team_escalations[team_id]))

    by_kind, kind_escalations = dimension(1)
    order = {code: position for position, code in enumerate(TicketKind.values)}
    for kind in sorted(by_kind, key=lambda code: order.get(code, len(order))):
        label = str(TicketKind(kind).label) if kind in TicketKind.values else kind
        rows.append(_sla_row("kind", kind, label, by_kind[kind], kind_escalations[kind]))

    by_agent, agent_escalations = dimension(2)
    agent_names = _user_names(set(by_agent))
    for agent_id in sorted(by_agent, key=_none_last(lambda pk: agent_names.get(pk, _("Unassigned")))):
        name = agent_names.get(agent_id, _("Unassigned"))
        rows.append(_sla_row("agent", agent_id, name, by_agent[agent_id], agent_escalations[agent_id]))
    return _result("sla", rows, filters)


def _percentile_measures_keys() -> list[str]:
    return [_percentile_key(time_name, fraction) for time_name in BOTH_TIMES for fraction in (0.5, 0.9)]


def _satisfaction_measures() -> dict[str, Any]:
    return {
        "responses": Count("id"),
        "csat": Avg("average_score"),
        "satisfied": Count("id", filter=Q(average_score__gte=SATISFIED_SCORE)),
    }


def build_agents(filters: ReportFilters) -> ReportResult:
    by_agent = ticket_measures(cohort(filters), "assignee_id", times=(FIRST_RESPONSE,), fractions=(0.5,))
    escalations = _sum_by(escalation_counts(filters, ("assignee_id",)), 0)
    responses = {
        row["agent_id"]: row
        for row in SurveyResponse.objects.filter(cohort_q(filters, "ticket__"))
        .order_by()
        .values("agent_id")
        .annotate(**_satisfaction_measures())
    }
    agent_ids = set(by_agent) | set(responses)
    names = _user_names(agent_ids)
    rows = []
    for agent_id in sorted(agent_ids, key=_none_last(lambda pk: names.get(pk, _("Unassigned")))):
        measures = by_agent.get(agent_id)
        handled = measures["tickets"] if measures else 0
        resolved = measures["resolved"] if measures else 0
        satisfaction = responses.get(agent_id, {"responses": 0, "csat": None})
        rows.append(
            {
                "agent_id": agent_id,
                "agent": names.get(agent_id, _("Unassigned")),
                "handled": handled,
                "resolved": resolved,
                "first_response_median": round_seconds(measures["first_response_median"]) if measures else None,
                "resolution_rate": rate(resolved, handled),
                "sla_compliance": rate(measures["sla_met"], measures["sla_decided"]) if measures else None,
                "escalations": escalations[agent_id]["escalations"],
                "responses": satisfaction["responses"],
                "csat": round_score(satisfaction["csat"]),
            }
        )
    return _result("agents", rows, filters)


# --- complaints ----------------------------------------------------------------------------------------------------


def build_complaints(filters: ReportFilters) -> ReportResult:
    if filters.kind and filters.kind != TicketKind.COMPLAINT:
        return _result("complaints", [], filters)
    complaints = cohort(filters).filter(kind=TicketKind.COMPLAINT)
    within_target = {"within_target": Count("id", filter=RESOLVED & Q(sla_elapsed__lte=COMPLAINT_TARGET))}
    by_category = ticket_measures(complaints, "category", extra=within_target, times=(RESOLUTION,))
    responses = {
        row["ticket__category"]: row
        for row in SurveyResponse.objects.filter(cohort_q(filters, "ticket__"), ticket__kind=TicketKind.COMPLAINT)
        .order_by()
        .values("ticket__category")
        .annotate(**_satisfaction_measures())
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
    return _result("complaints", rows, filters)


# --- satisfaction by month / quarter ------------------------------------------------------------------------------


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
            **_satisfaction_measures(),
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
    return ReportResult(name=name, title=REPORTS_BY_NAME[name][0], columns=columns, rows=rows, filters=filters)


# --- after-sales Pareto ----------------------------------------------------------------------------------------


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


def build_aftersales_reasons(filters: ReportFilters) -> ReportResult:
    requests = _aftersales_requests(filters)
    if requests is None:
        return _result("aftersales_reasons", [], filters)
    counted = (
        requests.order_by()
        .values("reason__code")
        .annotate(label=Max("reason__label"), requests=Count("id"))
        .order_by("-requests", "reason__code")
    )
    rows = [{"reason": row["reason__code"], "label": row["label"], "requests": row["requests"]} for row in counted]
    return _result("aftersales_reasons", _pareto(rows), filters)


def build_aftersales_products(filters: ReportFilters) -> ReportResult:
    requests = _aftersales_requests(filters)
    if requests is None:
        return _result("aftersales_products", [], filters)
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
    return _result("aftersales_products", _pareto(rows), filters)


# --- raw data ----------------------------------------------------------------------------------------------------


def _ticket_rows(filters: ReportFilters) -> Iterator[dict[str, Any]]:
    zone = local_zone()
    escalations = (
        Escalation.objects.filter(ticket_id=OuterRef("pk")).order_by().values("ticket_id").annotate(n=Count("id"))
    )
    queryset = (
        cohort(filters)
        .annotate(
            escalation_count=Coalesce(Subquery(escalations.values("n")), Value(0)),
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
            "csat": round_score(row["survey_response__average_score"]),
        }


def build_tickets(filters: ReportFilters) -> ReportResult:
    return _result("tickets", _ticket_rows(filters), filters)


# --- registration ----------------------------------------------------------------------------------------------

# name: (title, description, columns, builder, on the dashboard)
REPORTS_BY_NAME: dict[str, tuple[Any, Any, list[Column], Callable[[ReportFilters], ReportResult], bool]] = {
    "volume": (
        gettext_lazy("Volume by hour and weekday"),
        gettext_lazy("Tickets received per hour of day and weekday, with the share resolved."),
        registry.VOLUME_COLUMNS,
        build_volume,
        True,
    ),
    "time_bands": (
        gettext_lazy("Resolution rate by time of day"),
        gettext_lazy("Tickets received per time band, with the share resolved."),
        registry.TIME_BAND_COLUMNS,
        build_time_bands,
        True,
    ),
    "sla": (
        gettext_lazy("Response times and SLA compliance"),
        gettext_lazy(
            "First response and resolution times and SLA compliance per team, kind and agent, with escalations."
        ),
        registry.SLA_COLUMNS,
        build_sla,
        True,
    ),
    "complaints": (
        gettext_lazy("Complaints by category"),
        gettext_lazy("Complaints per category with handling time and satisfaction."),
        registry.COMPLAINT_COLUMNS,
        build_complaints,
        True,
    ),
    "csat_month": (
        gettext_lazy("Satisfaction by month"),
        gettext_lazy("Satisfaction per dimension, by month of response."),
        [*registry.CSAT_COLUMNS, registry.CSAT_ACTIONS_COLUMN],  # + one dim_<code> per question, per run
        lambda filters: build_csat(filters, quarterly=False),
        True,
    ),
    "csat_quarter": (
        gettext_lazy("Satisfaction by quarter"),
        gettext_lazy("Satisfaction per dimension, by quarter of response."),
        [*registry.CSAT_COLUMNS, registry.CSAT_ACTIONS_COLUMN],
        lambda filters: build_csat(filters, quarterly=True),
        True,
    ),
    "aftersales_reasons": (
        gettext_lazy("After-sales by reason"),
        gettext_lazy("Which reasons cause most after-sales requests (Pareto)."),
        registry.PARETO_REASON_COLUMNS,
        build_aftersales_reasons,
        True,
    ),
    "aftersales_products": (
        gettext_lazy("After-sales by product"),
        gettext_lazy("Which products cause most after-sales requests (Pareto)."),
        registry.PARETO_PRODUCT_COLUMNS,
        build_aftersales_products,
        True,
    ),
    "agents": (
        gettext_lazy("Agents"),
        gettext_lazy("Per agent: handled, first response, resolution rate, SLA compliance and satisfaction."),
        registry.AGENT_COLUMNS,
        build_agents,
        True,
    ),
    "tickets": (
        gettext_lazy("Tickets (raw data)"),
        gettext_lazy("One row per ticket received in the period, for your own analysis."),
        registry.TICKET_COLUMNS,
        build_tickets,
        False,
    ),
}


def _result(name: str, rows: Any, filters: ReportFilters) -> ReportResult:
    title, _description, columns, _build, _on_dashboard = REPORTS_BY_NAME[name]
    return ReportResult(name=name, title=title, columns=list(columns), rows=rows, filters=filters)


for _name, (_title, _description, _columns, _build, _on_dashboard) in REPORTS_BY_NAME.items():
    registry.register(
        ReportDefinition(
            name=_name,
            title=_title,
            description=_description,
            build=_build,
            on_dashboard=_on_dashboard,
            columns=list(_columns),
        )
    )
