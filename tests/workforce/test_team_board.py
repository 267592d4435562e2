"""The team board: per team, agents' presence and load against effective capacity, the waiting queue with its
oldest wait, tickets due within 10 minutes and overdue ones — only what the reader may see, in a fixed number
of queries, as a page, a live fragment and JSON."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.dateparse import parse_datetime

from accounts.roles import Role
from tests.browser import staff_user
from tests.factories import TeamFactory, make_ticket
from tickets.models import Ticket
from workforce.enums import PresenceStatus
from workforce.models import AgentProfile, TeamWorkSettings
from workforce.selectors_board import team_board

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)


def _present(user, status, since=None):  # type: ignore[no-untyped-def]
    AgentProfile.objects.update_or_create(user=user, defaults={"status": status, "status_since": since or NOW})


def _due(ticket, due_at, **fields):  # type: ignore[no-untyped-def]
    """Put the ticket's next SLA deadline where the test needs it (the SLA engine is tested elsewhere)."""
    Ticket.objects.filter(pk=ticket.pk).update(sla_next_due_at=due_at, sla_paused_at=None, **fields)
    ticket.refresh_from_db()
    return ticket


@pytest.fixture
def traveller():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_the_board_shows_presence_and_open_load_against_effective_capacity(traveller, team, manager, agent):
    busy = staff_user("busy_bee", Role.AGENT)
    team.members.add(busy)
    _present(agent, PresenceStatus.ONLINE, NOW - timedelta(minutes=30))
    _present(busy, PresenceStatus.BUSY)
    AgentProfile.objects.filter(user=busy).update(capacity=3)
    for _ in range(3):
        make_ticket(team=team, assignee=agent)
    make_ticket(team=team, assignee=busy)
    resolved = make_ticket(team=team, assignee=busy)
    Ticket.objects.filter(pk=resolved.pk).update(status="resolved")

    (row,) = team_board(user=manager).teams
    agents = {a.user.username: a for a in row.agents}
    assert (agents["agent1"].status, agents["agent1"].load, agents["agent1"].capacity) == ("online", 3, 8)
    assert agents["agent1"].status_seconds == 1800
    assert (agents["busy_bee"].status, agents["busy_bee"].load, agents["busy_bee"].capacity) == ("busy", 1, 3)
    assert row.online_count == 1

    TeamWorkSettings.objects.create(team=team, capacity_override=5)
    (row,) = team_board(user=manager).teams
    assert {a.user.username: a.capacity for a in row.agents} == {"agent1": 5, "busy_bee": 5}  # the team's override


def test_the_waiting_queue_counts_unassigned_new_and_open_tickets_and_the_oldest_wait(traveller, team, manager, agent):
    oldest = make_ticket(team=team, received_at=NOW - timedelta(minutes=42))
    make_ticket(team=team, received_at=NOW - timedelta(minutes=5))
    make_ticket(team=team, assignee=agent, received_at=NOW - timedelta(hours=3))  # assigned: not waiting
    pending = make_ticket(team=team, received_at=NOW - timedelta(hours=5))
    Ticket.objects.filter(pk=pending.pk).update(status="pending_customer")  # waits for the buyer, not for us
    make_ticket(team=TeamFactory(name="其他组"), received_at=NOW - timedelta(hours=9))  # another team

    (row,) = team_board(user=manager).teams
    assert row.waiting_count == 2
    assert row.oldest_waiting_since == oldest.received_at
    assert row.oldest_wait_seconds == 42 * 60
    traveller.shift(timedelta(minutes=3))
    (row,) = team_board(user=manager).teams
    assert row.oldest_wait_seconds == 45 * 60


def test_tickets_due_within_10_minutes_are_at_risk_and_overdue_ones_are_apart(traveller, team, manager, agent):
    soon = _due(make_ticket(team=team, subject="九分钟", assignee=agent), NOW + timedelta(minutes=9))
    _due(make_ticket(team=team, subject="十一分钟"), NOW + timedelta(minutes=11))
    late = _due(make_ticket(team=team, subject="已超时"), NOW - timedelta(minutes=2))
    _due(make_ticket(team=team, subject="已暂停"), NOW + timedelta(minutes=1), status="pending_customer")

    (row,) = team_board(user=manager).teams
    assert [(item.ticket.pk, item.seconds) for item in row.at_risk] == [(soon.pk, 9 * 60)]
    assert [(item.ticket.pk, item.seconds) for item in row.overdue] == [(late.pk, 2 * 60)]
    assert (row.at_risk_count, row.overdue_count) == (1, 1)

    traveller.shift(timedelta(minutes=2))  # the 11-minute one comes within the window
    (row,) = team_board(user=manager).teams
    assert [item.ticket.subject for item in row.at_risk] == ["九分钟", "十一分钟"]
    traveller.shift(timedelta(minutes=8))  # the 9-minute one is overdue now
    (row,) = team_board(user=manager).teams
    assert [item.ticket.subject for item in row.overdue] == ["已超时", "九分钟"]

    page = _manager_client(manager).get("/work/board/").content.decode()
    assert f'href="/tickets/{late.pk}/"' in page


def _manager_client(user):  # type: ignore[no-untyped-def]
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def test_a_manager_sees_only_their_teams_and_the_board_reads_tickets_through_the_access_rules(
    traveller, team, manager, agent
):
    other = TeamFactory(name="售前 Pre-sales")
    hidden = _due(make_ticket(team=other, subject="别组机密"), NOW + timedelta(minutes=5))
    Ticket.objects.filter(pk=hidden.pk).update(restricted=True)
    mine = _due(make_ticket(team=team, subject="本组工单"), NOW + timedelta(minutes=5))

    board = team_board(user=manager)
    assert [row.team for row in board.teams] == [team]
    page = _manager_client(manager).get("/work/board/").content.decode()
    assert "本组工单" in page and "别组机密" not in page and "售前 Pre-sales" not in page

    admin = staff_user("boss", Role.ADMIN)
    admin_board = {row.team.name: row for row in team_board(user=admin).teams}
    assert [item.ticket.pk for item in admin_board["售前 Pre-sales"].at_risk] == [hidden.pk]

    # Every ticket the board shows goes through tickets.access: with nothing visible, nothing shows.
    with mock.patch("workforce.selectors_board.tickets_visible_to", return_value=Ticket.objects.none()):
        (row,) = team_board(user=manager).teams
    assert (row.at_risk, row.waiting_count, row.at_risk_count) == ([], 0, 0)
    assert mine.pk in [item.ticket.pk for item in team_board(user=manager).teams[0].at_risk]


def _board_queries(client) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/work/board/live/").status_code == 200
    return len(captured)


def test_the_board_costs_the_same_queries_however_many_agents_and_tickets(traveller, team, manager, agent, client):
    client.force_login(manager)
    _present(agent, PresenceStatus.ONLINE)
    _due(make_ticket(team=team, assignee=agent), NOW + timedelta(minutes=3))
    make_ticket(team=team)
    few = _board_queries(client)
    second = TeamFactory(name="夜班")
    second.managers.add(manager)
    for n in range(25):
        person = staff_user(f"agent_{n}", Role.AGENT)
        (team if n % 2 else second).members.add(person)
        _present(person, PresenceStatus.AWAY)
        _due(make_ticket(team=second, assignee=person), NOW + timedelta(minutes=4))
        _due(make_ticket(team=team), NOW - timedelta(minutes=4))
    many = _board_queries(client)
    assert many <= few
    content = client.get("/work/board/live/").content.decode()
    assert content.count('data-testid="board-agent"') == 26


def test_the_board_page_within_a_fixed_query_budget(
    traveller, team, manager, agent, client, django_assert_max_num_queries
):
    client.force_login(manager)
    for n in range(20):
        person = staff_user(f"agent_{n}", Role.AGENT)
        team.members.add(person)
        _due(make_ticket(team=team, assignee=person), NOW + timedelta(minutes=4))
    with django_assert_max_num_queries(20):
        assert client.get("/work/board/").status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get("/api/v1/board/").status_code == 200


def test_the_live_fragment_shows_a_status_change_without_a_reload(traveller, team, manager, agent, client):
    client.force_login(manager)
    page = client.get("/work/board/").content.decode()
    assert 'hx-get="/work/board/live/"' in page and 'hx-trigger="every 5s"' in page
    _present(agent, PresenceStatus.ONLINE)
    fragment = client.get("/work/board/live/").content.decode()
    assert "presence-online" in fragment and "在线" in fragment and "<html" not in fragment
    _present(agent, PresenceStatus.AWAY)
    fragment = client.get("/work/board/live/").content.decode()
    assert "presence-away" in fragment and "小休" in fragment


def test_the_board_as_json(traveller, team, manager, agent, api_client_for):
    _present(agent, PresenceStatus.BUSY, NOW - timedelta(minutes=1))
    _due(make_ticket(team=team, assignee=agent), NOW + timedelta(hours=2))
    waiting = make_ticket(team=team, received_at=NOW - timedelta(minutes=7))
    _due(waiting, NOW + timedelta(minutes=6))
    body = api_client_for(manager).get("/api/v1/board/").json()
    assert body["at_risk_window_seconds"] == 600
    (row,) = body["teams"]
    assert row["team"] == {"id": team.pk, "name": team.name}
    assert row["agents"] == [
        {
            "id": agent.pk,
            "username": "agent1",
            "name": str(agent),
            "presence": "busy",
            "presence_since": row["agents"][0]["presence_since"],
            "load": 1,
            "capacity": 8,
        }
    ]
    assert parse_datetime(row["agents"][0]["presence_since"]) == NOW - timedelta(minutes=1)
    assert (row["waiting_count"], row["oldest_wait_seconds"]) == (1, 420)
    assert [(t["id"], t["seconds"]) for t in row["at_risk"]] == [(waiting.pk, 360)]
    assert (row["overdue_count"], row["overdue"]) == (0, [])


def test_an_agent_gets_403_on_the_board(team, agent, client, api_client_for):
    client.force_login(agent)
    assert client.get("/work/board/").status_code == 403
    assert client.get("/work/board/live/").status_code == 403
    assert api_client_for(agent).get("/api/v1/board/").status_code == 403


def test_a_manager_pauses_a_team_from_the_board(team, manager, client):
    client.force_login(manager)
    response = client.post(f"/work/teams/{team.pk}/pause/", {"paused": "1", "next": "board"})
    assert response.status_code == 302 and response["Location"] == "/work/board/"
    assert TeamWorkSettings.objects.get(team=team).assignment_paused
    assert 'data-testid="board-resume"' in client.get("/work/board/").content.decode()
