"""Retries are safe: Idempotency-Key replays the first response; external ids dedupe synced messages."""

import uuid
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from customers.models import Customer, Order
from integrations.idempotency import idempotency_purge
from integrations.models import IdempotencyRecord
from tests.concurrency import race
from tests.tickets.test_ticket_api import PAYLOAD
from tickets.models import Message, Ticket

pytestmark = pytest.mark.django_db


def test_same_key_and_body_replays_the_first_response_without_a_second_ticket(make_key, key_client):
    _integration, _key, secret = make_key()
    client = key_client(secret)
    first = client.post("/api/v1/tickets/", PAYLOAD, format="json", HTTP_IDEMPOTENCY_KEY="order-1-msg-1")
    second = client.post("/api/v1/tickets/", PAYLOAD, format="json", HTTP_IDEMPOTENCY_KEY="order-1-msg-1")
    assert first.status_code == second.status_code == 201
    assert second.content == first.content
    assert second["Idempotent-Replayed"] == "true"
    assert Ticket.objects.count() == 1


def test_same_key_with_another_body_is_409(make_key, key_client):
    _integration, _key, secret = make_key()
    client = key_client(secret)
    client.post("/api/v1/tickets/", PAYLOAD, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    other = client.post(
        "/api/v1/tickets/", {**PAYLOAD, "subject": "另一个问题"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert Ticket.objects.count() == 1


def test_same_key_on_another_endpoint_is_409(make_key, key_client):
    _integration, _key, secret = make_key()
    client = key_client(secret)
    ticket_id = client.post("/api/v1/tickets/", PAYLOAD, format="json", HTTP_IDEMPOTENCY_KEY="k-2").json()["id"]
    reply = client.post(
        f"/api/v1/tickets/{ticket_id}/customer-messages/", {"body": "在吗"}, format="json", HTTP_IDEMPOTENCY_KEY="k-2"
    )
    assert reply.status_code == 409


def test_keys_are_per_integration(make_key, key_client):
    _one, _k1, secret_one = make_key()
    _two, _k2, secret_two = make_key()
    key_client(secret_one).post("/api/v1/tickets/", PAYLOAD, format="json", HTTP_IDEMPOTENCY_KEY="shared")
    other = {**PAYLOAD, "customer": {**PAYLOAD["customer"], "platform_account_id": "tb_other"}, "order": None}
    response = key_client(secret_two).post("/api/v1/tickets/", other, format="json", HTTP_IDEMPOTENCY_KEY="shared")
    assert response.status_code == 201
    assert Ticket.objects.count() == 2


def test_a_rotated_key_of_the_same_integration_replays(make_key, key_client):
    from integrations import services

    _integration, api_key, secret = make_key()
    first = key_client(secret).post("/api/v1/tickets/", PAYLOAD, format="json", HTTP_IDEMPOTENCY_KEY="rot")
    new = services.api_key_rotate(api_key=api_key)
    again = key_client(new.secret).post("/api/v1/tickets/", PAYLOAD, format="json", HTTP_IDEMPOTENCY_KEY="rot")
    assert again.content == first.content and Ticket.objects.count() == 1


def test_a_failed_request_keeps_nothing_and_may_be_retried_with_the_same_key(make_key, key_client):
    _integration, _key, secret = make_key()
    client = key_client(secret)
    bad = client.post("/api/v1/tickets/", {**PAYLOAD, "kind": "nope"}, format="json", HTTP_IDEMPOTENCY_KEY="k-3")
    assert bad.status_code == 400
    assert not IdempotencyRecord.objects.exists()
    # Fixed and retried: works (the key was not burnt by the failure).
    good = client.post(
        "/api/v1/tickets/",
        {**PAYLOAD, "kind": "nope"} | {"kind": "aftersales"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-3",
    )
    assert good.status_code == 201


def test_messages_and_other_creates_are_idempotent_too(make_key, key_client):
    _integration, _key, secret = make_key()
    client = key_client(secret)
    ticket_id = client.post("/api/v1/tickets/", PAYLOAD, format="json").json()["id"]
    for _ in range(3):
        response = client.post(
            f"/api/v1/tickets/{ticket_id}/customer-messages/",
            {"body": "还没收到退款"},
            format="json",
            HTTP_IDEMPOTENCY_KEY="msg-77",
        )
        assert response.status_code == 201
    assert Message.objects.filter(ticket_id=ticket_id, body="还没收到退款").count() == 1


def test_staff_token_users_get_idempotency_too(agent_api, customer):
    payload = {**PAYLOAD, "order": None}
    first = agent_api.post("/api/v1/tickets/", payload, format="json", HTTP_IDEMPOTENCY_KEY="agent-key")
    second = agent_api.post("/api/v1/tickets/", payload, format="json", HTTP_IDEMPOTENCY_KEY="agent-key")
    assert first.content == second.content and Ticket.objects.count() == 1


@pytest.mark.parametrize("bad_key", ["", "   ", "k" * 256, "ключ"])
def test_malformed_keys_are_400(make_key, key_client, bad_key):
    _integration, _key, secret = make_key()
    response = key_client(secret).post("/api/v1/tickets/", PAYLOAD, format="json", HTTP_IDEMPOTENCY_KEY=bad_key)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_idempotency_key"
    assert not Ticket.objects.exists()


def test_keys_live_at_least_24_hours_then_are_purged(make_key, key_client, settings):
    settings.IDEMPOTENCY_KEY_TTL_HOURS = 1  # below the floor: 24 h still applies
    _integration, _key, secret = make_key()
    client = key_client(secret)
    client.post("/api/v1/tickets/", PAYLOAD, format="json", HTTP_IDEMPOTENCY_KEY="day")
    with time_machine.travel(timezone.now() + timedelta(hours=23, minutes=59)):
        assert idempotency_purge() == 0
        replay = client.post("/api/v1/tickets/", PAYLOAD, format="json", HTTP_IDEMPOTENCY_KEY="day")
        assert replay["Idempotent-Replayed"] == "true"
    with time_machine.travel(timezone.now() + timedelta(hours=24, minutes=1)):
        assert idempotency_purge() == 1


def test_same_external_id_synced_twice_is_one_ticket(make_key, key_client):
    _integration, _key, secret = make_key(platform="")  # an integration for several platforms
    client = key_client(secret)
    payload = {**PAYLOAD, "external_id": "tb-conv-889"}
    first = client.post("/api/v1/tickets/", payload, format="json")
    again = client.post("/api/v1/tickets/", {**payload, "subject": "重复同步"}, format="json")
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["subject"] == PAYLOAD["subject"]  # the duplicate changed nothing
    assert Ticket.objects.count() == 1
    # The same id on another platform is another conversation.
    other = {**payload, "customer": {**PAYLOAD["customer"], "platform": "douyin"}, "order": None}
    assert client.post("/api/v1/tickets/", other, format="json").status_code == 201
    listed = client.get("/api/v1/tickets/", {"external_id": "tb-conv-889"}).json()["results"]
    assert len(listed) == 2


def test_a_duplicate_sync_does_not_touch_the_buyer(make_key, key_client):
    _integration, _key, secret = make_key()
    client = key_client(secret)
    payload = {**PAYLOAD, "external_id": "tb-conv-1"}
    client.post("/api/v1/tickets/", payload, format="json")
    renamed = {**payload, "customer": {**PAYLOAD["customer"], "name": "改了名"}}
    client.post("/api/v1/tickets/", renamed, format="json")
    assert Customer.objects.get().name == PAYLOAD["customer"]["name"]


# --- concurrency, on the real PostgreSQL -------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_create_one_ticket_and_answer_alike(make_key):
    _integration, _key, secret = make_key()
    key = str(uuid.uuid4())

    def call():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
        return client.post("/api/v1/tickets/", PAYLOAD, format="json", HTTP_IDEMPOTENCY_KEY=key)

    responses = race(*[call] * 6)
    assert [r.status_code for r in responses] == [201] * 6
    assert len({r.content for r in responses}) == 1
    assert Ticket.objects.count() == 1 and Order.objects.count() == 1 and Customer.objects.count() == 1
    assert sum(1 for r in responses if r.get("Idempotent-Replayed") == "true") == 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_syncs_of_one_external_id_make_one_ticket(make_key):
    _integration, _key, secret = make_key()
    payload = {**PAYLOAD, "external_id": "pdd-msg-42"}

    def call():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
        return client.post("/api/v1/tickets/", payload, format="json")

    responses = race(*[call] * 6)
    assert sorted(r.status_code for r in responses) == [200] * 5 + [201]
    assert len({r.json()["id"] for r in responses}) == 1
    assert Ticket.objects.count() == 1
