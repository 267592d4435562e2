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
- **Escalations**: ``Escalation`` rows of the cohort's tickets (all levels, whenever they fired) for missed
  SLA targets; escalated tickets: tickets with at least one. **Help requests**: the agents' requests for help
  (escalations with target ``requested``) of the cohort's tickets, counted apart: never in the escalations.
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


Work distribution. **Online time** (``agent_online``): per agent, the seconds online, busy and away from the
presence log (``PresenceChange``) between the period's start and its end or now, whichever is earlier; the
status when the period opens is the last change before it (offline without one); agents are those with any
such time (of the filter's team: its members). **Tickets assigned** (``assignments``): ``assigned`` events in
the period with a new assignee, of tickets matching the team, kind and channel filters and the reader's
access, per new assignee: ``auto`` (auto-assignment), ``handover`` (a shift handover), ``manual`` (anything
else: a person's choice, taking, claiming, and events without ``via``). **Handover completeness**
(``handovers``): per day of the period up to today and per shift (of the filter's team): the shift's agents
(its members now), those of them who wrote a handover for that shift and day, the handovers written, and those
acknowledged by someone other than their author; both as counts and shares. The kind and channel filters do
not apply to online time and handovers.

One module per report family; each registers its reports with ``reports.registry.report``. Importing this
package registers them all (``ReportsConfig.ready``).
"""

from . import aftersales, complaints, csat, raw, sla, volume, workforce  # noqa: F401 - each registers its reports
