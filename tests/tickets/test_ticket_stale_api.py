"""The stale-reply guard over the API: ``last_event_id`` in the ticket, optional ``last_seen_event_id`` on a
reply and on a status change, and the 409 ``stale_ticket`` body listing what changed."""

from __future__ import annotations

import pytest

from tests.abuse import openapi_document
from tests.factories import make_ticket
from tickets.enums import TicketStatus
from tickets.models import Message
from tickets.selectors_collision import ticket_latest_event_id
from tickets.services.messages import ticket_add_customer_message, ticket_add_note, ticket_reply
from tickets.services.transitions import ticket_transition

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(agent):  # type: ignore[no-untyped-def]
    ticket = make_ticket(assignee=agent)
    ticket_reply(ticket=ticket, author=agent, body="您好")
    return ticket


def test_the_ticket_tells_its_newest_event_id(agent_api, ticket, other_agent):
    body = agent_api.get(f"/api/v1/tickets/{ticket.pk}/").json()
    assert body["last_event_id"] == ticket_latest_event_id(ticket_id=ticket.pk) == max(e["id"] for e in body["events"])
    ticket_add_note(ticket=ticket, author=other_agent, body="备注")
    assert agent_api.get(f"/api/v1/tickets/{ticket.pk}/").json()["last_event_id"] == ticket_latest_event_id(
        ticket_id=ticket.pk
    )


def test_a_stale_reply_is_a_409_listing_the_changes_and_sends_nothing(agent_api, ticket):
    seen = agent_api.get(f"/api/v1/tickets/{ticket.pk}/").json()["last_event_id"]
    ticket_add_customer_message(ticket=ticket, body="地址写错了，能改吗？")
    before = Message.objects.count()
    response = agent_api.post(
        f"/api/v1/tickets/{ticket.pk}/replies/",
        {"body": "已发货", "last_seen_event_id": seen},
        format="json",
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "stale_ticket"
    assert error["last_event_id"] == ticket_latest_event_id(ticket_id=ticket.pk)
    (change,) = error["changes"]
    assert change["type"] == "customer_replied"
    assert change["excerpt"] == "地址写错了，能改吗？"
    assert change["text"] == "New message from the buyer"
    assert set(change) == {"id", "type", "actor", "at", "mine", "text", "excerpt"}
    assert Message.objects.count() == before

    again = agent_api.post(
        f"/api/v1/tickets/{ticket.pk}/replies/",
        {"body": "已发货", "last_seen_event_id": error["last_event_id"]},
        format="json",
    )
    assert again.status_code == 201
    assert again.json()["messages"][-1]["body"] == "已发货"


def test_a_reply_without_last_seen_event_id_is_never_blocked(agent_api, ticket):
    ticket_add_customer_message(ticket=ticket, body="在吗")
    assert agent_api.post(f"/api/v1/tickets/{ticket.pk}/replies/", {"body": "在"}, format="json").status_code == 201


def test_a_stale_reply_with_an_idempotency_key_keeps_nothing_so_the_retry_goes_through(agent_api, ticket):
    seen = ticket_latest_event_id(ticket_id=ticket.pk)
    ticket_add_customer_message(ticket=ticket, body="在吗")
    url = f"/api/v1/tickets/{ticket.pk}/replies/"
    headers = {"Idempotency-Key": "reply-1"}
    refused = agent_api.post(url, {"body": "在", "last_seen_event_id": seen}, format="json", headers=headers)
    assert refused.status_code == 409
    latest = refused.json()["error"]["last_event_id"]
    accepted = agent_api.post(url, {"body": "在", "last_seen_event_id": latest}, format="json", headers=headers)
    assert accepted.status_code == 201


def test_a_stale_status_change_is_a_409_and_changes_nothing(agent_api, ticket, other_agent):
    seen = ticket_latest_event_id(ticket_id=ticket.pk)
    ticket_transition(ticket=ticket, to_status=TicketStatus.PENDING_CUSTOMER, actor=other_agent)
    url = f"/api/v1/tickets/{ticket.pk}/"
    response = agent_api.patch(url, {"status": "resolved", "last_seen_event_id": seen}, format="json")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "stale_ticket" and [c["type"] for c in error["changes"]] == ["status_changed"]
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.PENDING_CUSTOMER
    again = agent_api.patch(url, {"status": "resolved", "last_seen_event_id": error["last_event_id"]}, format="json")
    assert again.status_code == 200 and again.json()["status"] == "resolved"


def test_last_seen_event_id_alone_is_not_an_update(agent_api, ticket):
    response = agent_api.patch(f"/api/v1/tickets/{ticket.pk}/", {"last_seen_event_id": 1}, format="json")
    assert response.status_code == 400


def test_the_schema_documents_the_field_and_the_409():
    document = openapi_document()
    components = document["components"]["schemas"]
    assert "last_seen_event_id" in components["ReplyInputRequest"]["properties"]
    assert "last_seen_event_id" in components["PatchedTicketUpdateInputRequest"]["properties"]
    assert "last_event_id" in components["TicketDetailOutput"]["required"]
    assert {"changes", "last_event_id"} <= set(components["ErrorDetail"]["properties"])
    reply = document["paths"]["/api/v1/tickets/{id}/replies/"]["post"]
    assert "stale_ticket" in reply["description"] and "409" in reply["responses"]
