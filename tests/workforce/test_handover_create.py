"""Writing a handover: its shift and date, each item's action carried out (assigned events via="handover"),
and every refusal leaves nothing written."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.utils import translation

from accounts.roles import Role
from core.errors import Forbidden, ValidationFailed
from tests.browser import staff_user
from tests.factories import make_ticket
from tickets.models import TicketEvent
from tickets.services.transitions import ticket_transition
from workforce.models import Handover, HandoverItem
from workforce.services.handover import handover_create

from .conftest import END_OF_EARLY

pytestmark = pytest.mark.django_db


def _assigned_events(ticket):  # type: ignore[no-untyped-def]
    return list(TicketEvent.objects.filter(ticket=ticket, type="assigned").order_by("id"))


def test_each_action_is_carried_out_with_handover_events(team, agent, other_agent, shifts, end_of_early):  # type: ignore[no-untyped-def]
    to_agent, to_queue, keep = (make_ticket(team=team, assignee=agent) for _ in range(3))
    handover = handover_create(
        author=agent,
        team=team,
        notes="询单未下单的买家：王女士",
        items=[
            {"ticket": to_agent, "action": "to_agent", "to_agent": other_agent, "note": "等快递单号"},
            {"ticket": to_queue, "action": "to_queue", "note": ""},
            {"ticket": keep, "action": "keep", "note": "明天我来"},
        ],
    )
    assert handover.shift == shifts[0]
    assert handover.shift_date == date(2026, 12, 6)
    assert handover.items.count() == 3
    for ticket in (to_agent, to_queue, keep):
        ticket.refresh_from_db()
    assert to_agent.assignee == other_agent
    assert to_queue.assignee is None
    assert keep.assignee == agent
    event = _assigned_events(to_agent)[-1]
    assert event.data["via"] == "handover" and event.data["reason"] == "handover"
    assert event.data["new"] == other_agent.pk
    assert _assigned_events(to_queue)[-1].data["via"] == "handover"
    assert all(e.data.get("via") != "handover" for e in _assigned_events(keep))


def test_a_handover_just_after_the_shift_ended_belongs_to_it(team, agent, other_agent, shifts):  # type: ignore[no-untyped-def]
    # 00:30 on the 7th: the evening shift of the 6th ended half an hour ago; the next one is the early shift.
    with time_machine.travel(END_OF_EARLY + timedelta(hours=8, minutes=40), tick=False):
        handover = handover_create(author=other_agent, team=team, notes="夜里无事")
    assert handover.shift == shifts[1]
    assert handover.shift_date == date(2026, 12, 6)


def test_to_agent_outside_the_next_shift_is_refused_and_nothing_is_written(
    team, agent, other_agent, shifts, end_of_early
):  # type: ignore[no-untyped-def]
    third = staff_user("agent3", Role.AGENT)
    team.members.add(third)
    fine, wrong = make_ticket(team=team, assignee=agent), make_ticket(team=team, assignee=agent)
    with pytest.raises(ValidationFailed) as refused, translation.override("en"):
        handover_create(
            author=agent,
            team=team,
            items=[
                {"ticket": fine, "action": "to_queue"},
                {"ticket": wrong, "action": "to_agent", "to_agent": third},
            ],
        )
    assert refused.value.message == f"{third} is not in the next shift (晚班 16:00–24:00)."
    assert "items[1].to_agent" in refused.value.fields
    assert not Handover.objects.exists() and not HandoverItem.objects.exists()
    fine.refresh_from_db()
    assert fine.assignee == agent


def test_without_shifts_any_active_agent_of_the_team_may_take_it(team, agent, other_agent):  # type: ignore[no-untyped-def]
    team.members.add(other_agent)
    ticket = make_ticket(team=team, assignee=agent)
    handover = handover_create(
        author=agent, team=team, items=[{"ticket": ticket, "action": "to_agent", "to_agent": other_agent}]
    )
    assert handover.shift is None
    outsider = staff_user("agent9", Role.AGENT)
    again = make_ticket(team=team, assignee=agent)
    with pytest.raises(ValidationFailed):
        handover_create(author=agent, team=team, items=[{"ticket": again, "action": "to_agent", "to_agent": outsider}])


def test_tickets_not_the_authors_or_not_open_are_refused(team, agent, other_agent, shifts, end_of_early):  # type: ignore[no-untyped-def]
    someone_elses = make_ticket(team=team, assignee=other_agent)
    with pytest.raises(ValidationFailed) as refused:
        handover_create(author=agent, team=team, items=[{"ticket": someone_elses, "action": "to_queue"}])
    assert "items[0].ticket" in refused.value.fields
    resolved = make_ticket(team=team, assignee=agent)
    ticket_transition(ticket=resolved, to_status="resolved", actor=agent)
    with pytest.raises(ValidationFailed):
        handover_create(author=agent, team=team, items=[{"ticket": resolved, "action": "to_queue"}])
    mine = make_ticket(team=team, assignee=agent)
    with pytest.raises(ValidationFailed):
        handover_create(
            author=agent, team=team, items=[{"ticket": mine, "action": "keep"}, {"ticket": mine, "action": "keep"}]
        )
    with pytest.raises(ValidationFailed):
        handover_create(author=agent, team=team, items=[{"ticket": mine, "action": "give_away"}])
    with pytest.raises(ValidationFailed):
        handover_create(author=agent, team=team, items=[{"ticket": mine, "action": "to_agent"}])
    assert not Handover.objects.exists()


def test_note_lengths_are_limited(team, agent, shifts, end_of_early):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as refused:
        handover_create(author=agent, team=team, notes="很" * 5001)
    assert "notes" in refused.value.fields
    ticket = make_ticket(team=team, assignee=agent)
    with pytest.raises(ValidationFailed) as refused:
        handover_create(author=agent, team=team, items=[{"ticket": ticket, "action": "keep", "note": "x" * 2001}])
    assert "items[0].note" in refused.value.fields
    handover_create(author=agent, team=team, notes="很" * 5000)


def test_only_members_of_the_team_write_its_handovers(team, manager, shifts, end_of_early):  # type: ignore[no-untyped-def]
    stranger = staff_user("stranger", Role.AGENT)
    with pytest.raises(Forbidden):
        handover_create(author=stranger, team=team, notes="hi")
