from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from core.errors import Conflict, ValidationFailed
from tests.factories import make_ticket
from tickets.models import TicketEvent
from tickets.services.messages import ticket_add_customer_message, ticket_add_note, ticket_reply
from tickets.services.transitions import ticket_transition

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def test_first_public_reply_stops_the_first_response_clock_and_opens_the_ticket(agent):
    with time_machine.travel(NOW, tick=False):
        ticket = make_ticket()
    with time_machine.travel(NOW + timedelta(minutes=4), tick=False):
        ticket_reply(ticket=ticket, author=agent, body="您好，马上为您查询。")
    ticket.refresh_from_db()
    assert ticket.first_responded_at == NOW + timedelta(minutes=4)
    assert ticket.status == "open"
    assert ticket.sla_next_due_at == ticket.resolution_due_at
    event = TicketEvent.objects.get(ticket=ticket, type="first_responded")
    assert event.data["on_time"] is True


def test_later_replies_do_not_move_the_first_response_time(agent):
    ticket = make_ticket()
    ticket_reply(ticket=ticket, author=agent, body="one")
    ticket.refresh_from_db()
    first = ticket.first_responded_at
    ticket_reply(ticket=ticket, author=agent, body="two")
    ticket.refresh_from_db()
    assert ticket.first_responded_at == first
    assert TicketEvent.objects.filter(ticket=ticket, type="first_responded").count() == 1


def test_internal_note_does_not_stop_the_first_response_clock(agent):
    ticket = make_ticket()
    ticket_add_note(ticket=ticket, author=agent, body="VIP，注意语气")
    ticket.refresh_from_db()
    assert ticket.first_responded_at is None
    assert ticket.status == "new"
    assert ticket.messages.get().visibility == "internal"


def test_reply_to_a_closed_ticket_is_refused(agent):
    ticket = make_ticket()
    ticket_transition(ticket=ticket, to_status="resolved", actor=agent)
    ticket_transition(ticket=ticket, to_status="closed", actor=agent)
    with pytest.raises(Conflict):
        ticket_reply(ticket=ticket, author=agent, body="hello?")
    assert ticket.messages.count() == 0


def test_empty_reply_is_refused(agent):
    with pytest.raises(ValidationFailed):
        ticket_reply(ticket=make_ticket(), author=agent, body="  ")


def test_customer_message_on_resolved_ticket_reopens_it(agent):
    ticket = make_ticket()
    ticket_transition(ticket=ticket, to_status="resolved", actor=agent)
    ticket_add_customer_message(ticket=ticket, body="还是不行")
    ticket.refresh_from_db()
    assert ticket.status == "open"
    assert ticket.resolved_at is None


def test_customer_message_on_closed_ticket_is_refused(agent):
    ticket = make_ticket()
    ticket_transition(ticket=ticket, to_status="resolved", actor=agent)
    ticket_transition(ticket=ticket, to_status="closed", actor=agent)
    with pytest.raises(Conflict):
        ticket_add_customer_message(ticket=ticket, body="hi")
