"""The work-distribution reports on a fixed data set, every number worked out by hand: the agents' online
time (clipped at the period's edges and at now), tickets assigned per agent (auto, manual, handover), the
handover book's completeness per day and shift; then their exports and the reports API.

Times are local (Asia/Shanghai). Now is Tue 2026-11-03 12:00; the period is Mon 11-02 and Tue 11-03."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from accounts.roles import Role
from reports import export
from reports.filters import ReportFilters
from reports.registry import run_report
from tests.conftest import _with_role
from tests.factories import TeamFactory, UserFactory, make_ticket
from tickets.models import TicketEvent
from workforce.models import Handover, HandoverAck, PresenceChange, Shift

from .test_export import read_xlsx

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 3, 12, 0, tzinfo=SHANGHAI)
PERIOD = ReportFilters(start=date(2026, 11, 2), end=date(2026, 11, 3))
MONDAY = ReportFilters(start=date(2026, 11, 2), end=date(2026, 11, 2))


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI)


def rows(name: str, filters: ReportFilters = PERIOD) -> list[dict]:  # type: ignore[type-arg]
    with time_machine.travel(NOW, tick=False):
        return list(run_report(name, filters).rows)


@pytest.fixture
def people(db):  # type: ignore[no-untyped-def]
    team = TeamFactory(name="售后 After-sales")
    other_team = TeamFactory(name="售前 Pre-sales")
    agent1 = _with_role(UserFactory(username="agent1", ticket_scope="all"), Role.AGENT)
    agent2 = _with_role(UserFactory(username="agent2", ticket_scope="all"), Role.AGENT)
    agent3 = _with_role(UserFactory(username="agent3", ticket_scope="all"), Role.AGENT)
    lead = _with_role(UserFactory(username="lead"), Role.MANAGER)
    team.members.add(agent1, agent3)
    other_team.members.add(agent2)
    team.managers.add(lead)
    return {"team": team, "other_team": other_team, "agent1": agent1, "agent2": agent2, "agent3": agent3, "lead": lead}


def change(user, old: str, new: str, moment: datetime) -> PresenceChange:  # type: ignore[no-untyped-def]
    return PresenceChange.objects.create(user=user, old_status=old, new_status=new, reason="manual", at=moment)


# --- (a) online time -----------------------------------------------------------------------------------------


@pytest.fixture
def presence(people):  # type: ignore[no-untyped-def]
    a1, a2, a3 = people["agent1"], people["agent2"], people["agent3"]
    # agent1: online since Sunday night, so online when the period opens.
    change(a1, "offline", "online", at(1, 22))
    change(a1, "online", "away", at(2, 1))  # online 1 h (00:00–01:00, clipped at the start)
    change(a1, "away", "offline", at(2, 2))  # away 1 h
    change(a1, "offline", "online", at(2, 9))
    change(a1, "online", "busy", at(2, 12))  # online 3 h
    change(a1, "busy", "online", at(2, 13))  # busy 1 h
    change(a1, "online", "offline", at(2, 18))  # online 5 h
    change(a1, "offline", "online", at(3, 10))  # online 2 h until now (12:00)
    change(a1, "online", "offline", at(3, 15))  # in the future of NOW: never read
    # agent2: went online last week and never changed since: online for the whole period up to now.
    change(a2, "offline", "online", datetime(2026, 10, 30, 9, 0, tzinfo=SHANGHAI))
    # agent3: two changes at the same instant before the period; the later row (offline) wins: no time at all.
    change(a3, "offline", "online", at(1, 20))
    change(a3, "online", "offline", at(1, 20))
    return people


def test_online_time_clips_at_the_period_start_and_at_now(presence):
    table = rows("agent_online")
    assert table == [
        {
            "agent_id": presence["agent1"].pk,
            "agent": "agent1",
            "online": (1 + 3 + 5 + 2) * 3600,
            "busy": 3600,
            "away": 3600,
            "signed_in": 13 * 3600,
        },
        {
            "agent_id": presence["agent2"].pk,
            "agent": "agent2",
            "online": 36 * 3600,  # Mon 00:00 to Tue 12:00
            "busy": 0,
            "away": 0,
            "signed_in": 36 * 3600,
        },
    ]


def test_online_time_clips_at_the_period_end(presence):
    by_agent = {row["agent"]: row for row in rows("agent_online", MONDAY)}
    assert (by_agent["agent1"]["online"], by_agent["agent1"]["busy"], by_agent["agent1"]["away"]) == (
        9 * 3600,
        3600,
        3600,
    )
    assert by_agent["agent2"]["online"] == 24 * 3600
    assert "agent3" not in by_agent


def test_online_time_of_a_team_counts_its_members_only(presence):
    team_only = ReportFilters(start=PERIOD.start, end=PERIOD.end, team_id=presence["team"].pk)
    assert [row["agent"] for row in rows("agent_online", team_only)] == ["agent1"]


def test_online_time_of_a_future_period_is_empty(presence):
    assert rows("agent_online", ReportFilters(start=date(2026, 11, 4), end=date(2026, 11, 5))) == []


# --- (b) tickets assigned per agent -----------------------------------------------------------------------------


def assigned(ticket, user, moment: datetime, **data) -> TicketEvent:  # type: ignore[no-untyped-def]
    return TicketEvent.objects.create(
        ticket=ticket, type="assigned", created_at=moment, data={"old": None, "new": user.pk if user else None, **data}
    )


@pytest.fixture
def assignments(people):  # type: ignore[no-untyped-def]
    a1, a2 = people["agent1"], people["agent2"]
    ticket = make_ticket(team=people["team"])
    elsewhere = make_ticket(team=people["other_team"])
    TicketEvent.objects.filter(type="assigned").delete()  # only the rows below
    assigned(ticket, a1, at(2, 9), via="manual")
    assigned(ticket, a1, at(2, 10), via="auto", reason="least_loaded")
    assigned(ticket, a1, at(2, 11), via="auto", reason="round_robin")
    assigned(ticket, a1, at(2, 18), via="handover")
    assigned(ticket, a1, at(3, 9), via="claim")
    assigned(ticket, a1, at(3, 10))  # before "via" existed: manual
    assigned(ticket, None, at(3, 11), via="handback")  # back to the queue: nobody is given it
    assigned(ticket, a1, at(1, 23, 59), via="auto")  # Sunday: outside the period
    assigned(ticket, a1, at(4, 0), via="auto")  # Wednesday: outside too
    assigned(elsewhere, a2, at(2, 12), via="auto")
    return people


def test_tickets_assigned_per_agent_split_auto_manual_and_handover(assignments):
    assert rows("assignments") == [
        {
            "agent_id": assignments["agent1"].pk,
            "agent": "agent1",
            "assigned": 6,
            "manual": 3,  # manual, claim, and the event without via
            "auto": 2,
            "handover": 1,
            "auto_rate": 0.3333,
        },
        {
            "agent_id": assignments["agent2"].pk,
            "agent": "agent2",
            "assigned": 1,
            "manual": 0,
            "auto": 1,
            "handover": 0,
            "auto_rate": 1.0,
        },
    ]


def test_tickets_assigned_follow_the_team_filter_and_the_readers_access(assignments):
    team_only = ReportFilters(start=PERIOD.start, end=PERIOD.end, team_id=assignments["team"].pk)
    assert [(row["agent"], row["assigned"]) for row in rows("assignments", team_only)] == [("agent1", 6)]
    # The team's manager sees only their team's tickets.
    as_lead = ReportFilters(start=PERIOD.start, end=PERIOD.end, viewer=assignments["lead"])
    assert [(row["agent"], row["assigned"]) for row in rows("assignments", as_lead)] == [("agent1", 6)]


# --- (c) handover completeness ----------------------------------------------------------------------------------


@pytest.fixture
def handovers(people):  # type: ignore[no-untyped-def]
    team, a1, a2, a3, lead = people["team"], people["agent1"], people["agent2"], people["agent3"], people["lead"]
    early = Shift.objects.create(team=team, name="早班", start_time=time(9), end_time=time(18))
    late = Shift.objects.create(team=team, name="晚班", start_time=time(18), end_time=time(0))
    early.members.add(a1, a3)
    late.members.add(a2)
    monday, tuesday = date(2026, 11, 2), date(2026, 11, 3)

    def handover(shift, day, author, *readers):  # type: ignore[no-untyped-def]
        book = Handover.objects.create(team=team, shift=shift, shift_date=day, author=author)
        for reader in readers:
            HandoverAck.objects.create(handover=book, user=reader)
        return book

    handover(early, monday, a1, a2)  # acknowledged by the next shift
    handover(early, monday, a3, a3)  # only its author read it: not acknowledged
    handover(late, monday, a2, a1, a3)  # two readers: one acknowledged handover
    handover(early, tuesday, a1)  # nobody read it yet
    handover(early, tuesday, lead, a1)  # not a member of the shift: a handover, but not "wrote"
    handover(early, date(2026, 11, 4), a1, a2)  # tomorrow's: after today, not shown
    return people


def test_handover_completeness_per_day_and_shift(handovers):
    table = [{key: row[key] for key in row if key != "team"} for row in rows("handovers")]
    assert table == [
        {
            "date": "2026-11-02",
            "shift": "早班",
            "agents": 2,
            "wrote": 2,
            "written_rate": 1.0,
            "handovers": 2,
            "acknowledged": 1,
            "acknowledged_rate": 0.5,
        },
        {
            "date": "2026-11-02",
            "shift": "晚班",
            "agents": 1,
            "wrote": 1,
            "written_rate": 1.0,
            "handovers": 1,
            "acknowledged": 1,
            "acknowledged_rate": 1.0,
        },
        {
            "date": "2026-11-03",
            "shift": "早班",
            "agents": 2,
            "wrote": 1,
            "written_rate": 0.5,
            "handovers": 2,
            "acknowledged": 1,
            "acknowledged_rate": 0.5,
        },
        {
            "date": "2026-11-03",
            "shift": "晚班",
            "agents": 1,
            "wrote": 0,
            "written_rate": 0.0,
            "handovers": 0,
            "acknowledged": 0,
            "acknowledged_rate": None,
        },
    ]
    assert {row["team"] for row in rows("handovers")} == {"售后 After-sales"}


def test_handover_completeness_stops_at_today_and_follows_the_team_filter(handovers):
    later = ReportFilters(start=date(2026, 11, 3), end=date(2026, 11, 10))
    assert {row["date"] for row in rows("handovers", later)} == {"2026-11-03"}
    other = ReportFilters(start=PERIOD.start, end=PERIOD.end, team_id=handovers["other_team"].pk)
    assert rows("handovers", other) == []


# --- exports, dashboard and API ----------------------------------------------------------------------------------


def test_the_exports_carry_the_new_columns(presence, assignments, handovers):
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        online_csv = "".join(export.csv_chunks(run_report("agent_online", PERIOD)))
        assignment_csv = "".join(export.csv_chunks(run_report("assignments", PERIOD)))
        handover_book = io.BytesIO()
        export.write_xlsx(run_report("handovers", PERIOD), handover_book)
        about = translation.gettext("About")
    online = list(csv.reader(io.StringIO(online_csv.removeprefix(export.CSV_BOM))))
    assert online[0] == [
        "Agent id",
        "Agent",
        "Online (s)",
        "Busy (s)",
        "Away (s)",
        "Signed in (online, busy or away) (s)",
    ]
    assert online[1] == [str(presence["agent1"].pk), "agent1", "39600", "3600", "3600", "46800"]
    given = list(csv.reader(io.StringIO(assignment_csv.removeprefix(export.CSV_BOM))))
    assert given[0][2:6] == ["Tickets assigned", "Assigned by a person", "Auto-assigned", "Handed over"]
    assert given[1][1:6] == ["agent1", "6", "3", "2", "1"]
    sheets = read_xlsx(handover_book.getvalue())
    [data] = [sheet for name, sheet in sheets.items() if not name.startswith("_") and name != about]
    assert data["rows"][0][3:] == [
        "Agents in the shift",
        "Wrote a handover",
        "Handovers written",
        "Handovers",
        "Acknowledged by someone else",
        "Handovers acknowledged",
    ]
    assert len(data["rows"]) == 5  # the header and four day × shift rows


def test_the_sla_and_agent_reports_have_a_help_requests_column(db):
    from reports import registry

    assert "help_requests" in [column.key for column in registry.SLA_COLUMNS]
    assert "help_requests" in [column.key for column in registry.AGENT_COLUMNS]
    assert "help_requests" in [column.key for column in registry.TICKET_COLUMNS]


def test_the_reports_api_serves_the_new_reports(presence, handovers, manager_api):
    listed = {report["name"] for report in manager_api.get("/api/v1/reports/").json()}
    assert {"agent_online", "assignments", "handovers"} <= listed
    with time_machine.travel(NOW, tick=False):
        response = manager_api.get("/api/v1/reports/agent_online/?start=2026-11-02&end=2026-11-03")
    assert response.status_code == 200
    body = json.loads(b"".join(response.streaming_content))
    by_agent = {row["agent"]: row for row in body["rows"]}
    assert (by_agent["agent1"]["online"], by_agent["agent2"]["online"]) == (39600, 129600)


def test_the_dashboard_shows_the_new_sections(presence, assignments, handovers, manager):
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(manager)
    with time_machine.travel(NOW, tick=False):
        dashboard = client.get("/reports/?start=2026-11-02&end=2026-11-03").content.decode()
        section = client.get("/reports/section/handovers/?start=2026-11-02&end=2026-11-03").content.decode()
    for name in ("agent_online", "assignments", "handovers"):
        assert f"/reports/section/{name}/" in dashboard
    assert "Handover completeness" in section and "早班" in section and "50.0%" in section
