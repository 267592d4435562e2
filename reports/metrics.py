"""The report computations. STUB: the builders below return empty tables with the right columns; the real
queries replace them. The definitions in this docstring are the contract the tests check.

Cohort. A report about tickets looks at the tickets whose ``received_at`` falls in the period (local days,
``ReportFilters.start_at`` ≤ received_at < ``end_at``), of the filter's team (the ticket's current team), kind
and channel.

- **Resolved**: ``resolved_at`` is set (resolved or closed now). A ticket reopened and still open is not.
- **Resolution rate**: resolved / received.
- **First response time**: ``first_responded_at − received_at`` (wall clock, what the buyer waited), over the
  tickets that have a first response.
- **Resolution time** (and complaints' *handling time*): the time the SLA clock ran until resolution,
  ``sla_elapsed`` of a resolved ticket: time waiting on the buyer (pending customer), the time a reopened
  ticket sat resolved, and hours outside a business calendar are not counted. Over resolved tickets.
- **Median and 90th percentile**: continuous (linear interpolation between the two nearest values, as
  PostgreSQL's ``percentile_cont``), rounded to whole seconds; ``None`` for an empty group.
- **First response within SLA**: responded without a first-response breach / (responded + first-response
  breached). **Resolution within SLA**: resolved without a resolution breach / (resolved + resolution breached).
- **SLA compliance** (per ticket, all targets): decided tickets are the resolved ones plus the unresolved ones
  with any breach (first response, next reply or resolution: the ``*_breached_at`` stamps the SLA engine
  writes); compliant ones are resolved tickets without any breach. Open tickets within their targets are not
  decided yet and count in neither.
- **Escalations**: ``Escalation`` rows of the cohort's tickets (all levels); escalated tickets: tickets with
  at least one.
- **Agent**: the ticket's current assignee ("" / unassigned row when none). **Team**: the ticket's team.

Satisfaction. A response's score is the mean of its dimension scores (``SurveyResponse.average_score``);
*CSAT* is the mean of the response scores, *satisfied* the share of responses scoring 4 or more, *solved* the
share of responses that said yes among those that answered the question, *low scores* the responses with
``lowest_score`` ≤ 2. In ticket reports (complaints, agents) the responses are those of the cohort's tickets,
attributed to the response's agent (the assignee at resolution). CSAT by month / quarter takes the responses
*submitted* in the period, filtered by the ticket's kind and channel and by the response's team, grouped by
the local month or quarter of submission; every month or quarter the period touches gets a row.

After-sales (Pareto). The after-sales requests of the cohort's tickets (kind after-sales). By reason: requests
per reason. By product: per SKU, the requests that name a line of that product (a request with two products
counts once for each) and the items (sum of quantities); requests without lines are not counted. Sorted by
requests, descending (then by code); share = requests / total; the *vital few* are the rows, in that order, up
to and including the first whose cumulative share reaches 80 %.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from . import registry
from .filters import ReportFilters
from .registry import Column, ReportDefinition, ReportResult


def _stub(name: str, title: Any, columns: list[Column]) -> Any:
    def build(filters: ReportFilters) -> ReportResult:
        return ReportResult(name=name, title=title, columns=list(columns), rows=[], filters=filters)

    return build


_DEFINITIONS: list[tuple[str, Any, Any, list[Column], bool]] = [
    (
        "volume",
        _("Volume by hour and weekday"),
        _("Tickets received per hour of day and weekday, with the share resolved."),
        registry.VOLUME_COLUMNS,
        True,
    ),
    (
        "time_bands",
        _("Resolution rate by time of day"),
        _("Tickets received per time band, with the share resolved."),
        registry.TIME_BAND_COLUMNS,
        True,
    ),
    (
        "sla",
        _("Response times and SLA compliance"),
        _("First response and resolution times and SLA compliance per team, kind and agent, with escalations."),
        registry.SLA_COLUMNS,
        True,
    ),
    (
        "complaints",
        _("Complaints by category"),
        _("Complaints per category with handling time and satisfaction."),
        registry.COMPLAINT_COLUMNS,
        True,
    ),
    (
        "csat_month",
        _("Satisfaction by month"),
        _("Satisfaction per dimension, by month of response."),
        registry.CSAT_COLUMNS,
        True,
    ),
    (
        "csat_quarter",
        _("Satisfaction by quarter"),
        _("Satisfaction per dimension, by quarter of response."),
        registry.CSAT_COLUMNS,
        True,
    ),
    (
        "aftersales_reasons",
        _("After-sales by reason"),
        _("Which reasons cause most after-sales requests (Pareto)."),
        registry.PARETO_REASON_COLUMNS,
        True,
    ),
    (
        "aftersales_products",
        _("After-sales by product"),
        _("Which products cause most after-sales requests (Pareto)."),
        registry.PARETO_PRODUCT_COLUMNS,
        True,
    ),
    (
        "agents",
        _("Agents"),
        _("Per agent: handled, first response, resolution rate, SLA compliance and satisfaction."),
        registry.AGENT_COLUMNS,
        True,
    ),
    (
        "tickets",
        _("Tickets (raw data)"),
        _("One row per ticket received in the period, for your own analysis."),
        registry.TICKET_COLUMNS,
        False,
    ),
]

for _name, _title, _description, _columns, _on_dashboard in _DEFINITIONS:
    registry.register(
        ReportDefinition(
            name=_name,
            title=_title,
            description=_description,
            build=_stub(_name, _title, _columns),
            on_dashboard=_on_dashboard,
        )
    )
