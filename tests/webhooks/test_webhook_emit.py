"""The outbox: ticket changes become webhook events in the same transaction, and only what a platform may see."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.db import transaction

from tests.factories import CustomerFactory, TeamFactory, make_ticket
from tickets.models import SlaPolicy
from tickets.services.assignment import ticket_set_team
from tickets.services.classification import ticket_set_priority
from tickets.services.escalation import sla_sweep
from tickets.services.messages import ticket_add_customer_message, ticket_add_note, ticket_reply
from tickets.services.transitions import ticket_transition
from webhooks.models import WebhookDelivery, WebhookEvent
from webhooks.services.endpoints import webhook_endpoint_create, webhook_endpoint_update
from webhooks.services.outbox import webhook_subscriptions_forget, webhook_wanted

pytestmark = pytest.mark.django_db


def _events(type: str | None = None) -> list[dict]:
    events = WebhookEvent.objects.order_by("created_at")
    if type:
        events = events.filter(type=type)
    return [event.payload for event in events]


def test_nobody_subscribed_writes_nothing_and_costs_no_query(integration, django_assert_num_queries):
    customer = CustomerFactory()
    webhook_subscriptions_forget()
    assert not webhook_wanted(type="ticket.created")  # reads the (empty) subscriptions once
    with django_assert_num_queries(0):
        assert not webhook_wanted(type="ticket.created")
    make_ticket(customer=customer)
    assert WebhookEvent.objects.count() == 0 and WebhookDelivery.objects.count() == 0


def test_ticket_creation_writes_one_event_and_a_pending_delivery_queued_after_commit(
    endpoint, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = make_ticket(external_id="TB-1")
    [payload] = _events("ticket.created")
    assert payload["type"] == "ticket.created"
    assert set(payload) == {"id", "type", "created_at", "data"}
    data = payload["data"]
    assert data["id"] == ticket.pk and data["reference"] == ticket.reference
    assert data["status"] == "new" and data["external_id"] == "TB-1"
    assert data["customer"]["platform_account_id"] == ticket.customer.platform_account_id
    assert data["tracking_url"].startswith("http") and "/track/" in data["tracking_url"]
    assert data["first_response_due_at"] is not None
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and delivery.endpoint == endpoint
    assert (delivery.give_up_at - delivery.created_at).total_seconds() >= 24 * 3600
    assert queued == [delivery.pk]


def test_a_rolled_back_change_leaves_no_event(endpoint, queued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            make_ticket()
            assert WebhookEvent.objects.count() == 1  # written in the same transaction …
            raise RuntimeError("the change fails")
    assert WebhookEvent.objects.count() == 0  # … and gone with it
    assert WebhookDelivery.objects.count() == 0
    assert queued == []


def test_internal_notes_never_go_out_but_public_replies_carry_their_body(endpoint, agent):
    ticket = make_ticket()
    WebhookEvent.objects.all().delete()
    ticket_add_note(ticket=ticket, author=agent, body="内部：这个买家难缠")
    assert WebhookEvent.objects.count() == 0
    ticket_reply(ticket=ticket, author=agent, body="您好，已为您加急发货。")
    updates = _events("ticket.updated")
    replied = [p for p in updates if p["data"]["change"]["type"] == "replied"]
    assert len(replied) == 1
    assert replied[0]["data"]["change"]["message"]["body"] == "您好，已为您加急发货。"
    assert "难缠" not in str(_events())


def test_priority_change_shows_the_new_priority_in_the_snapshot(endpoint, agent):
    ticket = make_ticket(priority="normal")
    ticket_set_priority(ticket=ticket, priority="urgent", actor=agent)
    [payload] = _events("ticket.updated")
    assert payload["data"]["priority"] == "urgent"
    assert payload["data"]["change"] == {
        "type": "priority_changed",
        "at": payload["data"]["change"]["at"],
        "old": "normal",
        "new": "urgent",
    }


def test_the_priority_change_payload_carries_the_due_times_the_new_policy_set(endpoint, agent):
    """Save, then record: the listener builds the payload from the saved ticket, so the due times are the
    urgent policy's (2 min / 60 min), not the default 10 min / 24 h the ticket had before."""
    SlaPolicy.objects.create(name="Urgent", priority="urgent", first_response_minutes=2, resolution_minutes=60)
    ticket = make_ticket(priority="normal")
    ticket_set_priority(ticket=ticket, priority="urgent", actor=agent)
    [payload] = _events("ticket.updated")
    received = datetime.fromisoformat(payload["data"]["received_at"])
    assert datetime.fromisoformat(payload["data"]["first_response_due_at"]) == received + timedelta(minutes=2)
    assert datetime.fromisoformat(payload["data"]["resolution_due_at"]) == received + timedelta(minutes=60)


def test_a_team_change_payload_is_built_from_the_saved_ticket(endpoint, agent):
    ticket = make_ticket(priority="normal")
    other = TeamFactory(name="售前 Pre-sales")
    ticket_set_team(ticket=ticket, team=other, actor=agent)
    [payload] = _events("ticket.updated")
    assert payload["data"]["team"] == "售前 Pre-sales"


def test_the_reply_payload_shows_the_first_response_already_stamped(endpoint, agent):
    ticket = make_ticket()
    ticket_reply(ticket=ticket, author=agent, body="您好")
    replied = [p for p in _events("ticket.updated") if p["data"]["change"]["type"] == "replied"]
    assert replied[0]["data"]["first_responded_at"] is not None


def test_a_buyer_writing_to_a_resolved_ticket_is_reported_with_the_reopened_ticket(endpoint, agent):
    ticket = make_ticket()
    ticket_reply(ticket=ticket, author=agent, body="您好，已为您处理")
    ticket_transition(ticket=ticket, to_status="resolved", actor=agent)
    ticket_add_customer_message(ticket=ticket, body="还是没收到")
    [payload] = [p for p in _events("ticket.updated") if p["data"]["change"]["type"] == "customer_replied"]
    assert payload["data"]["status"] == "open" and payload["data"]["resolved_at"] is None


def test_resolving_sends_ticket_resolved_with_the_buyers_survey_link(endpoint, agent):
    from surveys.links import survey_url
    from surveys.models import SurveyInvitation

    ticket = make_ticket()
    ticket_reply(ticket=ticket, author=agent, body="已处理")
    ticket_transition(ticket=ticket, to_status="resolved", actor=agent)
    [payload] = _events("ticket.resolved")
    assert payload["data"]["status"] == "resolved" and payload["data"]["resolved_at"]
    assert payload["data"]["survey_url"] == survey_url(SurveyInvitation.objects.get(ticket=ticket))
    assert payload["data"]["change"]["new"] == "resolved"


def test_only_subscribed_types_and_active_endpoints_get_deliveries(integration, receiver):
    webhook_endpoint_create(integration=integration, url=receiver.url, events=["ticket.resolved"])
    inactive = webhook_endpoint_create(integration=integration, url=receiver.url, events=["ticket.created"])
    webhook_endpoint_update(endpoint=inactive, is_active=False)
    make_ticket()
    assert WebhookEvent.objects.count() == 0


def test_an_integration_for_one_platform_gets_only_that_platforms_tickets(make_key, receiver):
    jd, _key, _secret = make_key(platform="jd")
    webhook_endpoint_create(integration=jd, url=receiver.url, events=["ticket.created"])
    make_ticket(customer=CustomerFactory(platform="taobao"))
    assert WebhookEvent.objects.count() == 0
    make_ticket(customer=CustomerFactory(platform="jd"))
    assert WebhookEvent.objects.count() == 1


def test_escalation_sends_ticket_escalated_without_staff_names(endpoint, team):
    from datetime import timedelta

    from django.utils import timezone

    make_ticket(team=team, received_at=timezone.now() - timedelta(minutes=30))
    sla_sweep()
    [payload] = _events("ticket.escalated")
    assert payload["data"]["change"]["type"] == "escalated"
    assert payload["data"]["change"]["target"] == "first_response"
    assert "recipients" not in payload["data"]["change"]
