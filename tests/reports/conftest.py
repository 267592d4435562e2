"""A small, fixed helpdesk month for the report metrics: every number the tests expect is worked out by hand
from the timeline below (times are local, Asia/Shanghai; the default SLA policy: first response 10 min,
resolution 24 h, 24×7, so the SLA clock is wall-clock time minus the time waiting on the buyer or resolved).

Teams: A = "售后 After-sales" (agent1), B = "Pre-sales" (agent2). manager1 only appears on a survey response.

======  =========================  ==========  =======  ======  =======  ==========================================
ticket  received (local)           kind        channel  team    agent    what happens
======  =========================  ==========  =======  ======  =======  ==========================================
t10     Sat 2026-10-31 23:59:59    inquiry     chat     B       agent2   answered and resolved 11-01 00:00 (outside
                                                                          the November cohort; its survey is not)
t1      Mon 11-02 09:00            inquiry     chat     B       agent2   reply 09:05 (300 s), resolved 10:00 (3600)
t2      Mon 11-02 09:30            inquiry     chat     B       agent2   sweep 09:45 breaches first response (1
                                                                          escalation); reply 09:50 (1200 s);
                                                                          resolved 11:30 (7200)
t3      Tue 11-03 14:00            complaint   phone    A       agent1   logistics; reply 14:02 (120 s); pending
                                                                          customer 15:00; buyer writes 11-04 15:00;
                                                                          resolved 16:00: clock 1 h + 1 h = 7200
t4      Tue 11-03 20:00            complaint   web_form A       agent1   logistics; reply 20:10 (600 s, on the due
                                                                          time); resolved 22:00 (7200); buyer writes
                                                                          11-04 10:00 (reopened); resolved 13:00:
                                                                          2 h + 3 h = 18000
t6      Fri 11-06 13:00            aftersales  api      A       agent1   refund_only; reply 13:03 (180 s); resolved
                                                                          19:00 (21600)
t7      Sat 11-07 23:30            aftersales  api      A       —        return_refund; never answered: sweep 11-08
                                                                          00:00 breaches first response, sweep 11-09
                                                                          00:00 breaches resolution (2 escalations)
t11     Tue 11-10 08:00            aftersales  chat     A       agent1   exchange; reply 08:04 (240 s); resolved
                                                                          12:00 (14400); no survey
t5      Fri 11-20 10:00            complaint   phone    A       agent1   product_quality; reply 10:01 (60 s);
                                                                          resolved 10:30 (1800); buyer writes 11-21
                                                                          10:00: reopened and still open
t8      Mon 11-30 23:59            inquiry     email    B       —        last minute of the period; untouched
t9      Tue 12-01 00:00            inquiry     email    B       agent2   first minute after the period; reply
                                                                          00:05, resolved 01:00
======  =========================  ==========  =======  ======  =======  ==========================================

Survey responses (professional, attitude, speed → average, lowest, solved; submitted local; agent, team):

- t10: 5 5 5 → 5.000, 5, yes; 11-01 00:00; agent2, B
- t1: 5 5 4 → 4.667, 4, yes; 11-02 12:00; agent2, B
- t2: 2 3 1 → 2.000, 1, no; 11-03 09:00; agent2, B
- t6: 3 3 3 → 3.000, 3, not asked; 11-07 09:00; manager1 (as if they had it when it was resolved), A
- t4: 3 4 5 → 4.000, 3, yes; 11-30 23:59; agent1, A
- t3: 4 4 4 → 4.000, 4, not asked; 12-01 00:00; agent1, A
- t9: 1 2 2 → 1.667, 1, no; 12-02 10:00; agent2, B

Improvement actions: 2026-11 "加强物流跟踪", then "缩短首次响应"; 2026-Q4 "季度复盘".
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils.translation import gettext

from reports.filters import ReportFilters
from reports.models import ImprovementAction
from surveys.models import Survey, SurveyAnswer, SurveyInvitation, SurveyResponse
from tests.factories import TeamFactory, make_ticket
from tickets.enums import Category, TicketKind
from tickets.services.escalation import sla_sweep
from tickets.services.messages import ticket_add_customer_message, ticket_reply
from tickets.services.transitions import ticket_transition

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


def november(**filters: Any) -> ReportFilters:
    return ReportFilters(start=date(2026, 11, 1), end=date(2026, 11, 30), **filters)


def at(moment: datetime) -> Any:
    return time_machine.travel(moment, tick=False)


def open_ticket(moment: datetime, **fields: Any) -> Any:
    with at(moment):
        return make_ticket(**fields)


def reply(ticket: Any, moment: datetime, author: Any) -> None:
    with at(moment):
        ticket_reply(ticket=ticket, author=author, body="您好，我们马上处理。")


def move(ticket: Any, moment: datetime, status: str, actor: Any) -> None:
    with at(moment):
        ticket_transition(ticket=ticket, to_status=status, actor=actor)


def buyer_writes(ticket: Any, moment: datetime) -> None:
    with at(moment):
        ticket_add_customer_message(ticket=ticket, body="还是没有解决。")


def sweep(moment: datetime) -> None:
    with at(moment):
        sla_sweep(now=moment)


def add_response(
    ticket: Any,
    *,
    submitted_at: datetime,
    scores: tuple[int, int, int],
    solved: bool | None,
    agent: Any,
    team: Any,
) -> SurveyResponse:
    """A buyer's answers to the default survey (professional, attitude, speed), written directly."""
    survey = Survey.objects.get(dimensions__code="professional", kind="")
    dimensions = {dimension.code: dimension for dimension in survey.dimensions.all()}
    invitation = SurveyInvitation.objects.filter(ticket=ticket).first() or SurveyInvitation.objects.create(
        ticket=ticket,
        survey=survey,
        nonce=uuid.uuid4().hex,
        agent=agent,
        team=team,
        created_at=submitted_at - timedelta(hours=1),
        issued_for=submitted_at - timedelta(hours=1),
        expires_at=submitted_at + timedelta(days=7),
    )
    average = (Decimal(sum(scores)) / Decimal(len(scores))).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
    response = SurveyResponse.objects.create(
        invitation=invitation,
        ticket=ticket,
        survey=survey,
        agent=agent,
        team=team,
        submitted_at=submitted_at,
        solved=solved,
        average_score=average,
        lowest_score=min(scores),
    )
    for code, score in zip(("professional", "attitude", "speed"), scores, strict=True):
        SurveyAnswer.objects.create(response=response, dimension=dimensions[code], code=code, score=score)
    return response


@dataclass
class Month:
    team_a: Any
    team_b: Any
    agent: Any
    other_agent: Any
    manager: Any
    tickets: dict[str, Any]

    def ref(self, name: str) -> str:
        return self.tickets[name].reference

    # The names the reports show, in the active language (the tests run in Chinese).
    all_name = property(lambda self: gettext("All tickets"))
    unassigned_name = property(lambda self: gettext("Unassigned"))
    kind_names = property(lambda self: {code: str(label) for code, label in TicketKind.choices})
    category_names = property(lambda self: {code: str(label) for code, label in Category.choices})


@pytest.fixture
def month(db, team, agent, other_agent, manager, customer) -> Month:  # type: ignore[no-untyped-def]
    """The timeline of the module docstring, built through the ticket services."""
    team_a, team_b = team, TeamFactory(name="Pre-sales")
    team_b.members.add(other_agent)
    common = {"customer": customer}
    inquiry_b = {**common, "kind": "inquiry", "team": team_b}
    t: dict[str, Any] = {}

    t["t10"] = open_ticket(local(10, 31, 23, 59, 59), channel="chat", assignee=other_agent, **inquiry_b)
    reply(t["t10"], local(11, 1), other_agent)
    move(t["t10"], local(11, 1), "resolved", other_agent)

    t["t1"] = open_ticket(local(11, 2, 9), channel="chat", assignee=other_agent, **inquiry_b)
    reply(t["t1"], local(11, 2, 9, 5), other_agent)
    t["t2"] = open_ticket(local(11, 2, 9, 30), channel="chat", assignee=other_agent, **inquiry_b)
    sweep(local(11, 2, 9, 45))
    reply(t["t2"], local(11, 2, 9, 50), other_agent)
    move(t["t1"], local(11, 2, 10), "resolved", other_agent)
    move(t["t2"], local(11, 2, 11, 30), "resolved", other_agent)

    complaint_a = {**common, "kind": "complaint", "team": team_a, "assignee": agent}
    t["t3"] = open_ticket(local(11, 3, 14), category="logistics", channel="phone", **complaint_a)
    reply(t["t3"], local(11, 3, 14, 2), agent)
    move(t["t3"], local(11, 3, 15), "pending_customer", agent)
    t["t4"] = open_ticket(local(11, 3, 20), category="logistics", channel="web_form", **complaint_a)
    reply(t["t4"], local(11, 3, 20, 10), agent)
    move(t["t4"], local(11, 3, 22), "resolved", agent)
    buyer_writes(t["t4"], local(11, 4, 10))
    move(t["t4"], local(11, 4, 13), "resolved", agent)
    buyer_writes(t["t3"], local(11, 4, 15))
    move(t["t3"], local(11, 4, 16), "resolved", agent)

    aftersales_a = {**common, "kind": "aftersales", "team": team_a}
    t["t6"] = open_ticket(local(11, 6, 13), category="refund_only", channel="api", assignee=agent, **aftersales_a)
    reply(t["t6"], local(11, 6, 13, 3), agent)
    move(t["t6"], local(11, 6, 19), "resolved", agent)

    t["t7"] = open_ticket(local(11, 7, 23, 30), category="return_refund", channel="api", **aftersales_a)
    sweep(local(11, 8))
    sweep(local(11, 9))

    t["t11"] = open_ticket(local(11, 10, 8), category="exchange", channel="chat", assignee=agent, **aftersales_a)
    reply(t["t11"], local(11, 10, 8, 4), agent)
    move(t["t11"], local(11, 10, 12), "resolved", agent)

    t["t5"] = open_ticket(local(11, 20, 10), category="product_quality", channel="phone", **complaint_a)
    reply(t["t5"], local(11, 20, 10, 1), agent)
    move(t["t5"], local(11, 20, 10, 30), "resolved", agent)
    buyer_writes(t["t5"], local(11, 21, 10))

    t["t8"] = open_ticket(local(11, 30, 23, 59), channel="email", **inquiry_b)

    t["t9"] = open_ticket(local(12, 1), channel="email", assignee=other_agent, **inquiry_b)
    reply(t["t9"], local(12, 1, 0, 5), other_agent)
    move(t["t9"], local(12, 1, 1), "resolved", other_agent)

    add_response(t["t10"], submitted_at=local(11, 1), scores=(5, 5, 5), solved=True, agent=other_agent, team=team_b)
    add_response(t["t1"], submitted_at=local(11, 2, 12), scores=(5, 5, 4), solved=True, agent=other_agent, team=team_b)
    add_response(t["t2"], submitted_at=local(11, 3, 9), scores=(2, 3, 1), solved=False, agent=other_agent, team=team_b)
    add_response(t["t6"], submitted_at=local(11, 7, 9), scores=(3, 3, 3), solved=None, agent=manager, team=team_a)
    add_response(t["t4"], submitted_at=local(11, 30, 23, 59), scores=(3, 4, 5), solved=True, agent=agent, team=team_a)
    add_response(t["t3"], submitted_at=local(12, 1), scores=(4, 4, 4), solved=None, agent=agent, team=team_a)
    add_response(t["t9"], submitted_at=local(12, 2, 10), scores=(1, 2, 2), solved=False, agent=other_agent, team=team_b)

    ImprovementAction.objects.create(period="2026-11", text="加强物流跟踪", created_at=local(12, 3, 9))
    ImprovementAction.objects.create(period="2026-11", text="缩短首次响应", created_at=local(12, 3, 10))
    ImprovementAction.objects.create(period="2026-Q4", text="季度复盘", created_at=local(12, 3, 11))
    return Month(team_a=team_a, team_b=team_b, agent=agent, other_agent=other_agent, manager=manager, tickets=t)
