from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from core.errors import Conflict, ValidationFailed
from tests.factories import make_ticket
from tickets.models import TicketEvent
from tickets.services.classification import ticket_set_priority
from tickets.services.messages import ticket_add_customer_message, ticket_reply
from tickets.services.transitions import ticket_transition

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "path",
    [
        ["pending_customer", "open", "resolved", "closed"],
        ["resolved", "open"],
        ["pending_customer", "resolved"],
    ],
)
def test_allowed_paths_through_the_workflow(agent, path):
    ticket = make_ticket()
    ticket_reply(ticket=ticket, author=agent, body="您好")
    for status in path:
        ticket = ticket_transition(ticket=ticket, to_status=status, actor=agent)
        assert ticket.status == status


@pytest.mark.parametrize("path", [["closed"], ["resolved", "closed", "open"], ["open", "new"]])
def test_forbidden_transitions_are_refused_and_change_nothing(agent, path):
    ticket = make_ticket()
    *allowed, forbidden = path
    for status in allowed:
        ticket = ticket_transition(ticket=ticket, to_status=status, actor=agent)
    before = ticket.status
    with pytest.raises(Conflict):
        ticket_transition(ticket=ticket, to_status=forbidden, actor=agent)
    ticket.refresh_from_db()
    assert ticket.status == before


def test_waiting_on_the_customer_before_any_reply_is_refused(agent):
    ticket = make_ticket()
    with pytest.raises(Conflict):
        ticket_transition(ticket=ticket, to_status="pending_customer", actor=agent)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.sla_paused_at) == ("new", None)


def test_unknown_status_is_refused(agent):
    with pytest.raises(ValidationFailed):
        ticket_transition(ticket=make_ticket(), to_status="done", actor=agent)


def test_pending_customer_pauses_the_clocks_and_resuming_shifts_due_times_by_the_paused_span(agent):
    with time_machine.travel(NOW, tick=False):
        ticket = make_ticket()
        ticket_reply(ticket=ticket, author=agent, body="请提供订单截图")
    original_first_due, original_resolution_due = ticket.first_response_due_at, ticket.resolution_due_at
    with time_machine.travel(NOW + timedelta(minutes=3), tick=False):
        ticket = ticket_transition(ticket=ticket, to_status="pending_customer", actor=agent)
    assert ticket.is_paused
    assert ticket.sla_next_due_at is None
    with time_machine.travel(NOW + timedelta(minutes=63), tick=False):
        ticket_add_customer_message(ticket=ticket, body="我回来了")
    ticket.refresh_from_db()
    assert ticket.status == "open"
    assert not ticket.is_paused
    assert ticket.sla_paused_seconds == 3600
    assert ticket.first_response_due_at == original_first_due + timedelta(hours=1)
    assert ticket.resolution_due_at == original_resolution_due + timedelta(hours=1)
    assert TicketEvent.objects.filter(ticket=ticket, type="sla_resumed").count() == 1


def test_two_pauses_add_up(agent):
    with time_machine.travel(NOW, tick=False):
        ticket = make_ticket()
        ticket_reply(ticket=ticket, author=agent, body="请提供照片")
    for start in (1, 20):
        with time_machine.travel(NOW + timedelta(minutes=start), tick=False):
            ticket_transition(ticket=ticket, to_status="pending_customer", actor=agent)
        with time_machine.travel(NOW + timedelta(minutes=start + 5), tick=False):
            ticket_transition(ticket=ticket, to_status="open", actor=agent)
    ticket.refresh_from_db()
    assert ticket.sla_paused_seconds == 600
    assert ticket.resolution_due_at == NOW + timedelta(hours=24, minutes=10)


def test_resolving_stops_the_resolution_clock(agent):
    with time_machine.travel(NOW, tick=False):
        ticket = make_ticket()
    with time_machine.travel(NOW + timedelta(hours=2), tick=False):
        ticket = ticket_transition(ticket=ticket, to_status="resolved", actor=agent)
    assert ticket.resolved_at == NOW + timedelta(hours=2)
    assert ticket.sla_next_due_at is None


def test_reopening_does_not_count_the_resolved_span(agent):
    with time_machine.travel(NOW, tick=False):
        ticket = make_ticket()
        ticket_reply(ticket=ticket, author=agent, body="hi")
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        ticket_transition(ticket=ticket, to_status="resolved", actor=agent)
    with time_machine.travel(NOW + timedelta(hours=5), tick=False):
        ticket = ticket_transition(ticket=ticket, to_status="open", actor=agent)
    assert ticket.resolved_at is None
    assert ticket.resolution_due_at == NOW + timedelta(hours=28)


def test_priority_change_recomputes_due_times_and_keeps_time_already_used(agent):
    from tickets.models import SlaPolicy

    SlaPolicy.objects.create(
        name="Urgent", position=1, priority="urgent", first_response_minutes=5, resolution_minutes=240
    )
    with time_machine.travel(NOW, tick=False):
        ticket = make_ticket()
    with time_machine.travel(NOW + timedelta(minutes=2), tick=False):
        ticket = ticket_set_priority(ticket=ticket, priority="urgent", actor=agent)
    assert ticket.first_response_due_at == NOW + timedelta(minutes=5)
    assert ticket.resolution_due_at == NOW + timedelta(hours=4)
    assert TicketEvent.objects.filter(ticket=ticket, type="priority_changed").get().data == {
        "old": "normal",
        "new": "urgent",
    }
