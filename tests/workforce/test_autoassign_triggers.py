"""What starts a run: a ticket created, unassigned, resolved or reopened; an agent online; capacity raised; a team
resumed; the sweep. Each runs after commit, once per team however many triggers the transaction had."""

from __future__ import annotations

import pytest

from tickets.enums import TicketStatus
from tickets.services.assignment import ticket_assign
from tickets.services.transitions import ticket_transition
from workforce.enums import PresenceReason, PresenceStatus
from workforce.models import AgentProfile, TeamWorkSettings
from workforce.services import assignment
from workforce.services.assignment import autoassign_after_commit, autoassign_sweep
from workforce.services.presence import presence_set

from .assign_helpers import auto_assigned_events, make_agent, make_team, waiting_ticket

pytestmark = pytest.mark.django_db

ONLINE = PresenceStatus.ONLINE


def _assignee(ticket):  # type: ignore[no-untyped-def]
    ticket.refresh_from_db()
    return ticket.assignee


def test_a_new_ticket_goes_to_an_online_agent_once_created(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    team = make_team()
    agent = make_agent("a", status=ONLINE, team=team)
    with django_capture_on_commit_callbacks(execute=True):
        ticket = waiting_ticket(team)
    assert _assignee(ticket) == agent


def test_an_agent_coming_online_gets_the_nearest_deadline_first(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    team = make_team()
    agent = make_agent("a", capacity=1, team=team)
    later = waiting_ticket(team, due_in_minutes=60)
    sooner = waiting_ticket(team, due_in_minutes=5)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        presence_set(user=agent, status=ONLINE, reason=PresenceReason.MANUAL)
    assert callbacks  # the run waits for the commit
    assert (_assignee(sooner), _assignee(later)) == (agent, None)


def test_resolving_a_ticket_frees_room_for_the_next_waiting_one(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    team = make_team()
    agent = make_agent("a", capacity=1, status=ONLINE, team=team)
    working = waiting_ticket(team, due_in_minutes=1)
    assignment.autoassign_team(team_id=team.pk)
    later = waiting_ticket(team, due_in_minutes=60)
    sooner = waiting_ticket(team, due_in_minutes=5)
    assert _assignee(working) == agent

    with django_capture_on_commit_callbacks(execute=True):
        ticket_transition(ticket=working, to_status=TicketStatus.RESOLVED, actor=agent)

    assert (_assignee(sooner), _assignee(later)) == (agent, None)


def test_raising_capacity_gives_more(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    team = make_team()
    agent = make_agent("a", capacity=1, status=ONLINE, team=team)
    tickets = [waiting_ticket(team, due_in_minutes=i) for i in (1, 2, 3)]
    assignment.autoassign_team(team_id=team.pk)
    with django_capture_on_commit_callbacks(execute=True):
        AgentProfile.objects.filter(user=agent).update(capacity=2)
        autoassign_after_commit([team.pk])
    assert [_assignee(t) for t in tickets] == [agent, agent, None]


def test_resuming_a_paused_team_gives_its_waiting_tickets(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    team = make_team(assignment_paused=True)
    agent = make_agent("a", status=ONLINE, team=team)
    with django_capture_on_commit_callbacks(execute=True):
        later = waiting_ticket(team, due_in_minutes=60)
        sooner = waiting_ticket(team, due_in_minutes=5)
    assert (_assignee(sooner), _assignee(later)) == (None, None)
    with django_capture_on_commit_callbacks(execute=True):
        TeamWorkSettings.objects.filter(team=team).update(assignment_paused=False)
        autoassign_after_commit([team.pk])
    assert [e.ticket_id for e in auto_assigned_events()] == [sooner.pk, later.pk]
    assert _assignee(later) == agent


def test_unassigning_a_ticket_gives_it_to_a_free_agent(django_capture_on_commit_callbacks, manager):  # type: ignore[no-untyped-def]
    team = make_team()
    agent = make_agent("a", status=ONLINE, team=team)
    ticket = waiting_ticket(team, assignee=manager)
    with django_capture_on_commit_callbacks(execute=True):
        ticket_assign(ticket=ticket, assignee=None, actor=manager)
    assert _assignee(ticket) == agent


def test_a_manual_assignment_is_never_overwritten(django_capture_on_commit_callbacks, manager):  # type: ignore[no-untyped-def]
    team = make_team(mode="round_robin")
    make_agent("a", status=ONLINE, team=team)
    with django_capture_on_commit_callbacks(execute=True):
        ticket = waiting_ticket(team, assignee=manager)
    assert _assignee(ticket) == manager
    assert auto_assigned_events() == []


def test_reopening_an_unassigned_ticket_puts_it_back_in_the_queue(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    team = make_team()
    ticket = waiting_ticket(team)
    ticket_transition(ticket=ticket, to_status=TicketStatus.RESOLVED, actor=None)
    agent = make_agent("a", status=ONLINE, team=team)
    with django_capture_on_commit_callbacks(execute=True):
        ticket_transition(ticket=ticket, to_status=TicketStatus.OPEN, actor=None)
    assert _assignee(ticket) == agent


def test_triggers_in_one_transaction_run_each_team_once(django_capture_on_commit_callbacks, monkeypatch):  # type: ignore[no-untyped-def]
    runs: list[int] = []
    monkeypatch.setattr(assignment, "autoassign_team", lambda *, team_id: runs.append(team_id) or [])
    team = make_team()
    other = make_team("售后")
    with django_capture_on_commit_callbacks(execute=True):
        waiting_ticket(team)
        waiting_ticket(team)
        autoassign_after_commit([other.pk, team.pk])
    assert runs == sorted([team.pk, other.pk])


def test_a_failing_run_is_logged_and_never_fails_the_request(django_capture_on_commit_callbacks, monkeypatch, caplog):  # type: ignore[no-untyped-def]
    def boom(*, team_id):  # type: ignore[no-untyped-def]
        raise RuntimeError("database went away")

    monkeypatch.setattr(assignment, "autoassign_team", boom)
    team = make_team()
    with django_capture_on_commit_callbacks(execute=True):
        ticket = waiting_ticket(team)
    assert ticket.pk
    assert "auto-assignment of team" in caplog.text


def test_the_sweep_runs_teams_that_assign_and_skips_off_and_paused():
    on = make_team("on")
    paused = make_team("paused", assignment_paused=True)
    off = make_team("off", mode="off")
    for team in (on, paused, off):
        make_agent(f"agent-{team.name}", status=ONLINE, team=team)
        waiting_ticket(team)
    assert autoassign_sweep() == 1
    assert [e.ticket.team for e in auto_assigned_events()] == [on]
