"""Response times and SLA compliance per team, kind and agent, and the agents' table."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from surveys.models import SurveyResponse
from tickets.enums import EventType, TicketKind
from tickets.models import TicketEvent

from .. import registry
from ..aggregates import rate, round_score, round_seconds
from ..filters import ReportFilters
from ..registry import ReportResult, report, report_result
from .cohort import (
    FIRST_RESPONSE,
    cohort,
    cohort_q,
    count_measures,
    escalation_counts,
    none_last,
    percentile_measures_keys,
    satisfaction_measures,
    sum_by,
    team_names_by_id,
    ticket_measures,
    ticket_percentiles,
    user_names_by_id,
)


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
        "help_requests": escalated.get("help_requests", 0),
    }


SLA_GROUPS = ("team_id", "kind", "assignee_id")


@report(
    "sla",
    title=gettext_lazy("Response times and SLA compliance"),
    description=gettext_lazy(
        "First response and resolution times and SLA compliance per team, kind and agent, with escalations."
    ),
    columns=registry.SLA_COLUMNS,
)
def build_sla(filters: ReportFilters) -> ReportResult:
    tickets = cohort(filters)
    # The counts add up, so one pass per (team, kind, agent) gives every row's counts; percentiles do not, so
    # they take one query per dimension.
    combinations = {
        tuple(row.pop(name) for name in SLA_GROUPS): row
        for row in tickets.order_by().values(*SLA_GROUPS).annotate(**count_measures())
    }
    escalations = escalation_counts(filters, SLA_GROUPS)

    def dimension(position: int | None) -> tuple[dict[Any, dict[str, Any]], dict[Any, dict[str, int]]]:
        counts = sum_by(combinations, position)
        times = ticket_percentiles(tickets, None if position is None else SLA_GROUPS[position])
        for key, measures in counts.items():
            measures.update(times.get(key) or dict.fromkeys(percentile_measures_keys(), None))
        return counts, sum_by(escalations, position)

    everything, all_escalations = dimension(None)
    empty = {**dict.fromkeys(count_measures(), 0), **dict.fromkeys(percentile_measures_keys(), None)}
    rows = [_sla_row("all", None, _("All tickets"), everything.get(None, empty), all_escalations[None])]

    by_team, team_escalations = dimension(0)
    team_names = team_names_by_id(set(by_team))
    for team_id in sorted(by_team, key=none_last(lambda pk: team_names.get(pk, _("No team")))):
        name = team_names.get(team_id, _("No team"))
        rows.append(_sla_row("team", team_id, name, by_team[team_id], team_escalations[team_id]))

    by_kind, kind_escalations = dimension(1)
    order = {code: position for position, code in enumerate(TicketKind.values)}
    for kind in sorted(by_kind, key=lambda code: order.get(code, len(order))):
        label = str(TicketKind(kind).label) if kind in TicketKind.values else kind
        rows.append(_sla_row("kind", kind, label, by_kind[kind], kind_escalations[kind]))

    by_agent, agent_escalations = dimension(2)
    agent_names = user_names_by_id(set(by_agent))
    for agent_id in sorted(by_agent, key=none_last(lambda pk: agent_names.get(pk, _("Unassigned")))):
        name = agent_names.get(agent_id, _("Unassigned"))
        rows.append(_sla_row("agent", agent_id, name, by_agent[agent_id], agent_escalations[agent_id]))
    return report_result("sla", rows, filters)


@report(
    "agents",
    title=gettext_lazy("Agents"),
    description=gettext_lazy("Per agent: handled, first response, resolution rate, SLA compliance and satisfaction."),
    columns=registry.AGENT_COLUMNS,
)
def build_agents(filters: ReportFilters) -> ReportResult:
    by_agent = ticket_measures(cohort(filters), "assignee_id", times=(FIRST_RESPONSE,), fractions=(0.5,))
    escalations = sum_by(escalation_counts(filters, ("assignee_id",)), 0)
    responses = {
        row["agent_id"]: row
        for row in SurveyResponse.objects.filter(cohort_q(filters, "ticket__"))
        .order_by()
        .values("agent_id")
        .annotate(**satisfaction_measures())
    }
    overrides = reply_check_overrides(filters)
    agent_ids = set(by_agent) | set(responses) | set(overrides)
    names = user_names_by_id(agent_ids)
    rows = []
    for agent_id in sorted(agent_ids, key=none_last(lambda pk: names.get(pk, _("Unassigned")))):
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
                "help_requests": escalations[agent_id]["help_requests"],
                "responses": satisfaction["responses"],
                "csat": round_score(satisfaction["csat"]),
                "wording_overrides": overrides.get(agent_id, 0),
            }
        )
    return report_result("agents", rows, filters)


def reply_check_overrides(filters: ReportFilters) -> dict[Any, int]:
    """Replies sent past a blocking reply check (a forbidden wording rule) on the cohort's tickets, per sender:
    the ``reply_check_overridden`` events. One query."""
    rows = (
        TicketEvent.objects.filter(cohort_q(filters, "ticket__"), type=EventType.REPLY_CHECK_OVERRIDDEN)
        .order_by()
        .values("actor_id")
        .annotate(count=Count("id"))
    )
    return {row["actor_id"]: row["count"] for row in rows}
