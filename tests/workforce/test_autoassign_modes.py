"""autoassign_team: who gets which waiting ticket (round-robin, least-loaded, capacity, skills, owner, off, paused)."""

from __future__ import annotations

import pytest

from tickets.services.assignment import ticket_assign
from workforce.enums import PresenceStatus
from workforce.models import AgentProfile, Skill, TeamWorkSettings, TicketRouting
from workforce.services.assignment import autoassign_team

from .assign_helpers import auto_assigned_events, make_agent, make_team, waiting_ticket

pytestmark = pytest.mark.django_db

ONLINE = PresenceStatus.ONLINE


def _assignees(tickets):  # type: ignore[no-untyped-def]
    for ticket in tickets:
        ticket.refresh_from_db()
    return [ticket.assignee.username if ticket.assignee else None for ticket in tickets]


def test_round_robin_gives_the_next_agent_by_id_after_the_last_one_and_wraps():
    team = make_team(mode="round_robin")
    agents = [make_agent(f"rr{i}", status=ONLINE, team=team) for i in range(3)]
    tickets = [waiting_ticket(team, due_in_minutes=10 + i) for i in range(5)]

    given = autoassign_team(team_id=team.pk)

    assert _assignees(tickets) == ["rr0", "rr1", "rr2", "rr0", "rr1"]
    assert [a.reason for a in given] == ["round_robin"] * 5
    assert TeamWorkSettings.objects.get(team=team).last_assigned_user == agents[1]
    # The next run goes on after rr1.
    later = waiting_ticket(team, due_in_minutes=1)
    autoassign_team(team_id=team.pk)
    assert _assignees([later]) == ["rr2"]


def test_least_loaded_gives_the_lowest_load_over_capacity_and_records_why():
    team = make_team(mode="least_loaded")
    busy = make_agent("busy", capacity=4, status=ONLINE, team=team)
    roomy = make_agent("roomy", capacity=8, status=ONLINE, team=team)
    for _ in range(2):  # busy: 2/4 = 0.5; roomy: 2/8 = 0.25
        ticket_assign(ticket=waiting_ticket(team), assignee=busy, actor=None)
        ticket_assign(ticket=waiting_ticket(team), assignee=roomy, actor=None)
    ticket = waiting_ticket(team, due_in_minutes=5)

    given = autoassign_team(team_id=team.pk)

    assert [(a.ticket_id, a.user_id) for a in given] == [(ticket.pk, roomy.pk)]
    event = auto_assigned_events(ticket)[0]
    assert event.data["via"] == "auto"
    assert event.data["reason"] == "least_loaded"
    assert (event.data["load"], event.data["capacity"]) == (3, 8)


def test_least_loaded_breaks_ties_by_load_then_user_id():
    team = make_team(mode="least_loaded")
    first = make_agent("first", capacity=2, status=ONLINE, team=team)
    second = make_agent("second", capacity=4, status=ONLINE, team=team)
    ticket_assign(ticket=waiting_ticket(team), assignee=first, actor=None)  # 1/2
    ticket_assign(ticket=waiting_ticket(team), assignee=second, actor=None)
    ticket_assign(ticket=waiting_ticket(team), assignee=second, actor=None)  # 2/4: same ratio, higher load
    ticket = waiting_ticket(team, due_in_minutes=5)
    autoassign_team(team_id=team.pk)
    assert _assignees([ticket]) == ["first"]


def test_capacity_is_never_exceeded_and_the_rest_wait():
    team = make_team(mode="least_loaded")
    make_agent("a", capacity=2, status=ONLINE, team=team)
    make_agent("b", capacity=1, status=ONLINE, team=team)
    tickets = [waiting_ticket(team, due_in_minutes=10 + i) for i in range(5)]

    autoassign_team(team_id=team.pk)
    autoassign_team(team_id=team.pk)  # a second run finds no room either

    assert sorted(filter(None, _assignees(tickets))) == ["a", "a", "b"]
    assert _assignees(tickets)[3:] == [None, None]  # the latest deadlines wait


def test_the_team_capacity_override_replaces_the_agent_s_own():
    team = make_team(mode="round_robin", capacity_override=1)
    make_agent("a", capacity=8, status=ONLINE, team=team)
    tickets = [waiting_ticket(team, due_in_minutes=10 + i) for i in range(3)]
    given = autoassign_team(team_id=team.pk)
    assert _assignees(tickets) == ["a", None, None]
    assert (given[0].load, given[0].capacity) == (1, 1)


def test_only_online_active_agents_who_are_members_get_tickets():
    team = make_team(mode="round_robin")
    for status in (PresenceStatus.BUSY, PresenceStatus.AWAY, PresenceStatus.OFFLINE):
        make_agent(f"not-{status}", status=status, team=team)
    inactive = make_agent("inactive", status=ONLINE, team=team)
    inactive.is_active = False
    inactive.save()
    make_agent("outsider", status=ONLINE)  # online, not in the team
    ticket = waiting_ticket(team)
    assert autoassign_team(team_id=team.pk) == []
    assert _assignees([ticket]) == [None]


def test_a_required_skill_limits_the_agents_who_get_the_ticket():
    team = make_team(mode="round_robin")
    refunds = Skill.objects.create(name="退款")
    make_agent("plain", status=ONLINE, team=team)
    skilled = make_agent("skilled", status=ONLINE, team=team)
    AgentProfile.objects.get(user=skilled).skills.add(refunds)
    needs_skill = [waiting_ticket(team, due_in_minutes=i) for i in (1, 2)]
    for ticket in needs_skill:
        TicketRouting.objects.create(ticket=ticket, required_skill=refunds)
    anyone = waiting_ticket(team, due_in_minutes=3)

    autoassign_team(team_id=team.pk)

    assert _assignees([*needs_skill, anyone]) == ["skilled", "skilled", "plain"]


def test_a_skill_nobody_online_has_leaves_the_ticket_waiting():
    team = make_team(mode="least_loaded")
    make_agent("plain", status=ONLINE, team=team)
    ticket = waiting_ticket(team)
    TicketRouting.objects.create(ticket=ticket, required_skill=Skill.objects.create(name="English"))
    assert autoassign_team(team_id=team.pk) == []


def test_the_named_owner_gets_the_ticket_first_when_online_with_room():
    team = make_team(mode="least_loaded")
    make_agent("idle", status=ONLINE, team=team)
    owner = make_agent("owner", capacity=1, status=ONLINE, team=team)
    vip = [waiting_ticket(team, due_in_minutes=i) for i in (1, 2)]
    for ticket in vip:
        TicketRouting.objects.create(ticket=ticket, owner=owner)

    given = autoassign_team(team_id=team.pk)

    # The owner's one place goes to the first; the second goes the normal way.
    assert _assignees(vip) == ["owner", "idle"]
    assert [a.reason for a in given] == ["owner", "least_loaded"]


def test_an_offline_owner_does_not_hold_the_ticket_back():
    team = make_team(mode="round_robin")
    make_agent("online", status=ONLINE, team=team)
    owner = make_agent("owner", status=PresenceStatus.OFFLINE, team=team)
    ticket = waiting_ticket(team)
    TicketRouting.objects.create(ticket=ticket, owner=owner)
    autoassign_team(team_id=team.pk)
    assert _assignees([ticket]) == ["online"]


@pytest.mark.parametrize("settings_change", [{"assignment_mode": "off"}, {"assignment_paused": True}])
def test_mode_off_or_paused_assigns_nothing(settings_change):  # type: ignore[no-untyped-def]
    team = make_team(mode="round_robin")
    make_agent("a", status=ONLINE, team=team)
    ticket = waiting_ticket(team)
    TeamWorkSettings.objects.filter(team=team).update(**settings_change)
    assert autoassign_team(team_id=team.pk) == []
    assert _assignees([ticket]) == [None]


def test_assigned_pending_and_resolved_tickets_are_not_waiting(agent):  # type: ignore[no-untyped-def]
    team = make_team(mode="round_robin")
    make_agent("a", status=ONLINE, team=team)
    manual = waiting_ticket(team, assignee=agent)
    autoassign_team(team_id=team.pk)
    assert _assignees([manual]) == ["agent1"]  # a person's choice is never overwritten
    assert auto_assigned_events() == []


def test_waiting_tickets_go_nearest_deadline_first_then_oldest():
    team = make_team(mode="round_robin")
    make_agent("a", capacity=2, status=ONLINE, team=team)
    no_deadline = waiting_ticket(team, due_in_minutes=None)
    later = waiting_ticket(team, due_in_minutes=30)
    sooner = waiting_ticket(team, due_in_minutes=5)
    autoassign_team(team_id=team.pk)
    assert _assignees([sooner, later, no_deadline]) == ["a", "a", None]


def test_the_ticket_page_says_why_it_was_auto_assigned(client, manager):  # type: ignore[no-untyped-def]
    team = make_team(mode="least_loaded")
    make_agent("a", capacity=8, status=ONLINE, team=team)
    ticket = waiting_ticket(team)
    autoassign_team(team_id=team.pk)
    client.force_login(manager)
    page = client.get(f"/tickets/{ticket.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "auto, least-loaded 1/8" in page
