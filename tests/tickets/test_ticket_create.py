from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from core.errors import ValidationFailed
from tests.factories import CustomerFactory, OrderFactory, TeamFactory, make_ticket
from tickets.models import SlaPolicy, TicketEvent

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@time_machine.travel(NOW, tick=False)
def test_new_ticket_gets_default_10_minute_and_24_hour_due_times():
    ticket = make_ticket()
    assert ticket.status == "new"
    assert ticket.received_at == NOW
    assert ticket.first_response_due_at == NOW + timedelta(minutes=10)
    assert ticket.resolution_due_at == NOW + timedelta(hours=24)
    assert ticket.sla_next_due_at == ticket.first_response_due_at
    assert ticket.reference == f"HD-{ticket.pk:06d}"
    assert TicketEvent.objects.filter(ticket=ticket, type="created").count() == 1


@time_machine.travel(NOW, tick=False)
def test_clocks_start_when_the_buyer_wrote_not_when_the_platform_synced():
    ticket = make_ticket(received_at=NOW - timedelta(minutes=30))
    assert ticket.first_response_due_at == NOW - timedelta(minutes=20)
    assert ticket.is_overdue()


@time_machine.travel(NOW, tick=False)
def test_received_at_in_the_future_is_refused():
    with pytest.raises(ValidationFailed) as exc:
        make_ticket(received_at=NOW + timedelta(hours=1))
    assert "received_at" in exc.value.fields


@time_machine.travel(NOW, tick=False)
def test_small_clock_skew_in_received_at_counts_as_now():
    ticket = make_ticket(received_at=NOW + timedelta(seconds=30))
    assert ticket.received_at == NOW


def test_category_must_belong_to_the_kind():
    with pytest.raises(ValidationFailed) as exc:
        make_ticket(kind="inquiry", category="return_refund")
    assert "category" in exc.value.fields


@pytest.mark.parametrize("field,value", [("kind", "question"), ("priority", "critical"), ("channel", "pigeon")])
def test_unknown_choices_are_refused(field, value):
    with pytest.raises(ValidationFailed) as exc:
        make_ticket(**{field: value})
    assert field in exc.value.fields


def test_blank_subject_is_refused():
    with pytest.raises(ValidationFailed):
        make_ticket(subject="   ")


def test_order_of_another_customer_is_refused():
    order = OrderFactory()
    with pytest.raises(ValidationFailed):
        make_ticket(customer=CustomerFactory(), order=order)


def test_ticket_without_team_goes_to_the_default_team_of_its_kind():
    aftersales = TeamFactory(name="After-sales", default_for_kind="aftersales")
    ticket = make_ticket(kind="aftersales", category="return_refund")
    assert ticket.team == aftersales


@time_machine.travel(NOW, tick=False)
def test_first_matching_policy_by_kind_and_priority_sets_the_targets():
    SlaPolicy.objects.create(
        name="Urgent complaints",
        position=1,
        kind="complaint",
        priority="urgent",
        first_response_minutes=5,
        resolution_minutes=120,
    )
    urgent = make_ticket(kind="complaint", category="logistics", priority="urgent")
    normal = make_ticket(kind="complaint", category="logistics", priority="normal")
    assert urgent.first_response_due_at == NOW + timedelta(minutes=5)
    assert urgent.resolution_due_at == NOW + timedelta(hours=2)
    assert normal.first_response_due_at == NOW + timedelta(minutes=10)
