"""What every report shares: the cohort of tickets a period selects, the counts and exact percentiles per group,
escalation counts and display names. The definitions are in ``reports/metrics/__init__.py``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
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
    Q,
    QuerySet,
)

from tickets.access import visible_tickets_q
from tickets.enums import EscalationTarget
from tickets.models import Escalation, Team, Ticket

from ..aggregates import EpochSeconds, PercentileCont, percentile_cont
from ..filters import ReportFilters

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
    if filters.viewer is not None:
        condition &= visible_tickets_q(filters.viewer, prefix=prefix)
    return condition


def cohort(filters: ReportFilters) -> QuerySet[Ticket]:
    return Ticket.objects.filter(cohort_q(filters))


def is_postgresql(queryset: QuerySet[Any]) -> bool:
    return connections[queryset.db].vendor == "postgresql"


def count_measures() -> dict[str, Any]:
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


FIRST_RESPONSE = "first_response"


RESOLUTION = "resolution"


BOTH_TIMES = (FIRST_RESPONSE, RESOLUTION)


def percentile_measures(times: tuple[str, ...], fractions: tuple[float, ...]) -> dict[str, Any]:
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
            measures[percentile_key(time_name, fraction)] = PercentileCont(expression, fraction, filter=condition)
    return measures


def percentile_key(time_name: str, fraction: float) -> str:
    return f"{time_name}_median" if fraction == 0.5 else f"{time_name}_p{round(fraction * 100)}"


def python_percentiles(
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
            percentile_key(time_name, fraction): percentile_cont(samples[time_name].get(key, []), fraction)
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
    if not is_postgresql(queryset):
        return python_percentiles(queryset, group, times, fractions)
    measures = percentile_measures(times, fractions)
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
    measures = {**count_measures(), **(extra or {})}
    postgresql = is_postgresql(queryset)
    if postgresql:
        measures |= percentile_measures(times, fractions)
    if group is None:
        rows = {None: queryset.aggregate(**measures)}
    else:
        rows = {row[group]: row for row in queryset.order_by().values(group).annotate(**measures)}
    if not postgresql:
        percentiles = python_percentiles(queryset, group, times, fractions)
        empty = dict.fromkeys((percentile_key(t, f) for t in times for f in fractions), None)
        for key, row in rows.items():
            row.update(percentiles.get(key, empty))
    return rows


def escalation_counts(filters: ReportFilters, groups: tuple[str, ...]) -> dict[tuple[Any, ...], dict[str, int]]:
    """SLA escalations, escalated tickets and help requests of the cohort, per combination of the ticket's
    ``groups`` fields.

    Both counts add up across combinations (a ticket is in exactly one), so callers may sum them."""
    fields = [f"ticket__{name}" for name in groups]
    # An agent's help request (target "requested") is no SLA escalation: counted apart, as help_requests.
    help_request = Q(target=EscalationTarget.REQUESTED)
    rows = (
        Escalation.objects.filter(cohort_q(filters, "ticket__"))
        .order_by()
        .values(*fields)
        .annotate(
            escalations=Count("id", filter=~help_request),
            escalated_tickets=Count("ticket_id", distinct=True, filter=~help_request),
            help_requests=Count("id", filter=help_request),
        )
    )
    return {
        tuple(row[field] for field in fields): {
            "escalations": row["escalations"],
            "escalated_tickets": row["escalated_tickets"],
            "help_requests": row["help_requests"],
        }
        for row in rows
    }


def sum_by(counts: dict[tuple[Any, ...], dict[str, Any]], position: int | None) -> dict[Any, dict[str, Any]]:
    """Add up per-combination counts by the key at ``position`` (everything under ``None`` when ``None``)."""
    totals: dict[Any, dict[str, Any]] = defaultdict(
        lambda: {"escalations": 0, "escalated_tickets": 0, "help_requests": 0}
    )
    for key, values in counts.items():
        bucket = totals[None if position is None else key[position]]
        for name, value in values.items():
            bucket[name] = bucket.get(name, 0) + value
    return totals


def user_name(display_name: str, first_name: str, last_name: str, username: str) -> str:
    """``str(user)`` from its fields, for rows read with ``values()``."""
    return display_name or f"{first_name} {last_name}".strip() or username


def user_names_by_id(ids: set[Any]) -> dict[int, str]:
    users = get_user_model().objects.filter(pk__in=[pk for pk in ids if pk is not None])
    return {user.pk: str(user) for user in users}


def team_names_by_id(ids: set[Any]) -> dict[int, str]:
    return dict(Team.objects.filter(pk__in=[pk for pk in ids if pk is not None]).values_list("pk", "name"))


def none_last(name_of: Callable[[Any], str]) -> Callable[[Any], tuple[bool, str, str]]:
    return lambda key: (key is None, name_of(key).casefold(), str(key))


def percentile_measures_keys() -> list[str]:
    return [percentile_key(time_name, fraction) for time_name in BOTH_TIMES for fraction in (0.5, 0.9)]


def satisfaction_measures() -> dict[str, Any]:
    return {
        "responses": Count("id"),
        "csat": Avg("average_score"),
        "satisfied": Count("id", filter=Q(average_score__gte=SATISFIED_SCORE)),
    }
