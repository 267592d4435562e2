"""Every report, by name: its title, its columns and the function that computes its rows.

A report is a table. The JSON API, the CSV and XLSX exports and the dashboard all read the same
``ReportResult``, so a number shown on the dashboard is the number exported.

Column types (the ``type`` of a ``Column``) say how a value is written and shown:

- ``text``: a string; ``int``: a count;
- ``rate``: a share between 0 and 1 (``None`` when the denominator is 0), shown as a percentage;
- ``seconds``: a duration in whole seconds (``None`` when there is nothing to measure);
- ``score``: a mean satisfaction score on the 1–5 scale, rounded to 2 places (``None`` without responses);
- ``date``: an ISO date.

The metric definitions are in ``reports.metrics`` (and the README): they are the contract the tests check.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.errors import NotFound

from .filters import ReportFilters

COLUMN_TYPES = ("text", "int", "rate", "seconds", "score", "date")


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    type: str = "text"


@dataclass
class ReportResult:
    name: str
    title: str | Promise
    columns: list[Column]
    rows: Iterable[dict[str, Any]]  # a list for aggregate reports; an iterator for the per-ticket export
    filters: ReportFilters
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ReportDefinition:
    name: str
    title: str | Promise
    description: str | Promise
    build: Callable[[ReportFilters], ReportResult]
    on_dashboard: bool = True
    # The columns every run has (the satisfaction reports add one "dim_<code>" column per question answered).
    columns: list[Column] = field(default_factory=list)


REPORTS: dict[str, ReportDefinition] = {}
# The dashboard's order: the seeds' tables first (volume, time of day, SLA, complaints, satisfaction), then the
# after-sales Pareto and the agents; a report not named here comes after these.
ORDER = (
    "volume",
    "time_bands",
    "sla",
    "complaints",
    "csat_month",
    "csat_quarter",
    "aftersales_reasons",
    "aftersales_products",
    "agents",
    "agent_online",
    "assignments",
    "handovers",
    "tickets",
)


def report_definitions() -> list[ReportDefinition]:
    """Every registered report, in the dashboard's order."""
    rank = {name: index for index, name in enumerate(ORDER)}
    return sorted(REPORTS.values(), key=lambda definition: rank.get(definition.name, len(ORDER)))


def register(definition: ReportDefinition) -> None:
    REPORTS[definition.name] = definition


def report(
    name: str, *, title: str | Promise, description: str | Promise, columns: list[Column], on_dashboard: bool = True
) -> Callable[[Callable[[ReportFilters], ReportResult]], Callable[[ReportFilters], ReportResult]]:
    """Register the decorated ``build(filters) -> ReportResult`` as the report ``name``."""

    def decorate(build: Callable[[ReportFilters], ReportResult]) -> Callable[[ReportFilters], ReportResult]:
        register(
            ReportDefinition(
                name=name,
                title=title,
                description=description,
                build=build,
                on_dashboard=on_dashboard,
                columns=list(columns),
            )
        )
        return build

    return decorate


def report_result(name: str, rows: Any, filters: ReportFilters, *, columns: list[Column] | None = None) -> ReportResult:
    """A registered report's result: its title and (unless a run adds some) its declared columns."""
    definition = REPORTS[name]
    return ReportResult(
        name=name, title=definition.title, columns=list(columns or definition.columns), rows=rows, filters=filters
    )


def run_report(name: str, filters: ReportFilters) -> ReportResult:
    definition = REPORTS.get(name)
    if definition is None:
        raise NotFound(_("There is no report called “%(name)s”.") % {"name": name[:50]})
    return definition.build(filters)


# --- The columns of each report (the contract between the metrics, the API, the exports and the page) -------

VOLUME_COLUMNS = [  # one row per weekday × hour: all 168, zeros included
    Column("weekday", _("Weekday (1 = Monday)"), "int"),
    Column("hour", _("Hour of day"), "int"),
    Column("received", _("Received"), "int"),
    Column("resolved", _("Resolved"), "int"),
    Column("resolution_rate", _("Resolution rate"), "rate"),
]

TIME_BAND_COLUMNS = [  # one row per time band of the day, in order
    Column("band", _("Band"), "text"),  # "00-08", "08-12", "12-14", "14-18", "18-24"
    Column("label", _("Time of day"), "text"),
    Column("received", _("Received"), "int"),
    Column("resolved", _("Resolved"), "int"),
    Column("resolution_rate", _("Resolution rate"), "rate"),
]

SLA_COLUMNS = [  # rows: one "all" row, then one per team, per kind, per agent (dimension tells which)
    Column("dimension", _("Grouped by"), "text"),  # "all" | "team" | "kind" | "agent"
    Column("key", _("Key"), "text"),  # team id, kind code, user id ("" for none / all)
    Column("name", _("Name"), "text"),
    Column("tickets", _("Tickets"), "int"),
    Column("responded", _("Responded"), "int"),
    Column("first_response_median", _("First response, median"), "seconds"),
    Column("first_response_p90", _("First response, 90th percentile"), "seconds"),
    Column("resolved", _("Resolved"), "int"),
    Column("resolution_median", _("Resolution, median"), "seconds"),
    Column("resolution_p90", _("Resolution, 90th percentile"), "seconds"),
    Column("first_response_compliance", _("First response within SLA"), "rate"),
    Column("resolution_compliance", _("Resolution within SLA"), "rate"),
    Column("sla_compliance", _("SLA compliance"), "rate"),
    # Two different counts, so two labels that cannot be confused (nor with the 升级工单 page): a ticket breached
    # on first response and on resolution, or escalated to a second level, is one ticket and several escalations.
    Column("escalated_tickets", _("Tickets escalated"), "int"),
    Column("escalations", _("Escalation count"), "int"),
    Column("help_requests", _("Help requests"), "int"),  # agents asking managers for help: not SLA escalations
]

COMPLAINT_COLUMNS = [  # one row per complaint category with complaints in the period
    Column("category", _("Category code"), "text"),
    Column("label", _("Category"), "text"),
    Column("complaints", _("Complaints"), "int"),
    Column("resolved", _("Resolved"), "int"),
    Column("handling_median", _("Handling time, median"), "seconds"),
    Column("handling_p90", _("Handling time, 90th percentile"), "seconds"),
    Column("within_24h_rate", _("Resolved within 24 h"), "rate"),
    Column("responses", _("Survey responses"), "int"),
    Column("csat", _("Satisfaction (1–5)"), "score"),
    Column("satisfied_rate", _("Satisfied (4–5)"), "rate"),
]

# CSAT by month / by quarter: these fixed columns, then one ``score`` column per dimension code found in the
# period's answers, keyed "dim_<code>" and labelled with the dimension's question, then the actions.
CSAT_COLUMNS = [
    Column("period", _("Period"), "text"),  # "2026-11" or "2026-Q4"
    Column("period_start", _("Starts"), "date"),
    Column("responses", _("Responses"), "int"),
    Column("csat", _("Satisfaction (1–5)"), "score"),
    Column("satisfied_rate", _("Satisfied (4–5)"), "rate"),
    Column("solved_rate", _("Problem solved"), "rate"),
    Column("low_scores", _("Low scores (≤ 2)"), "int"),
]
CSAT_ACTIONS_COLUMN = Column("improvement_actions", _("Improvement actions"), "text")

PARETO_REASON_COLUMNS = [  # by requests, descending; the "vital few" reach 80 % of the requests together
    Column("reason", _("Reason code"), "text"),
    Column("label", _("Reason"), "text"),
    Column("requests", _("Requests"), "int"),
    Column("share", _("Share"), "rate"),
    Column("cumulative_share", _("Cumulative share"), "rate"),
    Column("vital_few", _("Vital few"), "text"),  # "yes" | "no"
]

PARETO_PRODUCT_COLUMNS = [
    Column("sku", _("SKU"), "text"),
    Column("title", _("Product"), "text"),
    Column("requests", _("Requests"), "int"),
    Column("quantity", _("Items"), "int"),
    Column("share", _("Share"), "rate"),
    Column("cumulative_share", _("Cumulative share"), "rate"),
    Column("vital_few", _("Vital few"), "text"),
]

AGENT_COLUMNS = [  # one row per agent with tickets or responses in the period
    Column("agent_id", _("Agent id"), "int"),
    Column("agent", _("Agent"), "text"),
    Column("handled", _("Handled"), "int"),
    Column("resolved", _("Resolved"), "int"),
    Column("first_response_median", _("First response, median"), "seconds"),
    Column("resolution_rate", _("Resolution rate"), "rate"),
    Column("sla_compliance", _("SLA compliance"), "rate"),
    Column("escalations", _("Escalation count"), "int"),
    Column("help_requests", _("Help requests"), "int"),
    Column("responses", _("Survey responses"), "int"),
    Column("csat", _("Satisfaction (1–5)"), "score"),
    # Replies the agent sent past a forbidden wording rule (or another blocking reply check), with a reason.
    Column("wording_overrides", _("Wording overrides"), "int"),
]

AGENT_ONLINE_COLUMNS = [  # one row per agent with time online, busy or away in the period
    Column("agent_id", _("Agent id"), "int"),
    Column("agent", _("Agent"), "text"),
    Column("online", pgettext_lazy("work report", "Online"), "seconds"),
    Column("busy", pgettext_lazy("work report", "Busy"), "seconds"),
    Column("away", pgettext_lazy("work report", "Away"), "seconds"),
    Column("signed_in", _("Signed in (online, busy or away)"), "seconds"),
]

ASSIGNMENT_COLUMNS = [  # one row per agent given tickets in the period
    Column("agent_id", _("Agent id"), "int"),
    Column("agent", _("Agent"), "text"),
    Column("assigned", pgettext_lazy("work report", "Tickets assigned"), "int"),
    Column("manual", _("Assigned by a person"), "int"),
    Column("auto", pgettext_lazy("work report", "Auto-assigned"), "int"),
    Column("handover", pgettext_lazy("work report", "Handed over"), "int"),
    Column("auto_rate", _("Auto-assigned share"), "rate"),
]

HANDOVER_COLUMNS = [  # one row per day of the period (up to today) and shift
    Column("date", pgettext_lazy("work report", "Date"), "date"),
    Column("team", _("Team"), "text"),
    Column("shift", pgettext_lazy("work report", "Shift"), "text"),
    Column("agents", _("Agents in the shift"), "int"),
    Column("wrote", _("Wrote a handover"), "int"),
    Column("written_rate", _("Handovers written"), "rate"),
    Column("handovers", pgettext_lazy("work report", "Handovers"), "int"),
    Column("acknowledged", _("Acknowledged by someone else"), "int"),
    Column("acknowledged_rate", _("Handovers acknowledged"), "rate"),
]

TICKET_COLUMNS = [  # the raw data: one row per ticket in the period (streamed; no row cap)
    Column("reference", _("Reference"), "text"),
    Column("received_at", _("Received at"), "text"),  # ISO 8601, local time
    Column("kind", _("Kind"), "text"),
    Column("category", _("Category"), "text"),
    Column("channel", _("Channel"), "text"),
    Column("team", _("Team"), "text"),
    Column("agent", _("Agent"), "text"),
    Column("status", _("Status"), "text"),
    Column("first_response", _("First response time"), "seconds"),
    Column("resolution", _("Resolution time"), "seconds"),
    Column("sla_met", _("SLA met"), "text"),  # "yes" | "no" | "" (still open, not breached)
    Column("escalations", _("Escalation count"), "int"),
    Column("help_requests", _("Help requests"), "int"),
    Column("csat", _("Satisfaction (1–5)"), "score"),
]
