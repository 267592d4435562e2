"""Every POST takes ``Idempotency-Key``, says so in the OpenAPI document, and refuses a malformed key (an empty
one included) with a 400 naming the header; the operations that replay declare ``Idempotent-Replayed``."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from audit.models import AuditEntry
from integrations.models import IdempotencyRecord
from notifications.models import Notification
from tests.abuse import one_of_each, operations, replays_idempotent, takes_idempotency_key
from tests.factories import make_ticket

__all__ = ["one_of_each"]

# Idempotent by nature, and must not store what they were sent or answered (core.idempotency): the key is
# checked, a retry runs again.
# The routing preview only reads: a retry simply answers again, and a preview must write nothing (not even a record).
# So does the reply check (issue 16): it writes nothing.
NEVER_REPLAYED = {
    "/api/v1/auth/token/",
    "/api/v1/customers/{id}/reveal-contact/",
    "/api/v1/routing-rules/preview/",
    "/api/v1/tickets/{id}/reply-check/",
}


def test_every_post_takes_an_idempotency_key_and_every_replaying_one_declares_the_replay_header():
    posts = [(template, operation) for template, method, operation in operations() if method == "POST"]
    assert len(posts) >= 28
    assert [template for template, operation in posts if not takes_idempotency_key(operation)] == []
    assert {template for template, operation in posts if not replays_idempotent(operation)} == NEVER_REPLAYED
    for template, operation in posts:
        successes = {code: response for code, response in operation["responses"].items() if code.startswith("2")}
        assert successes, template
        for code, response in successes.items():
            declared = response.get("headers", {}).get("Idempotent-Replayed")
            if template in NEVER_REPLAYED:
                assert declared is None, (template, code)
            else:
                assert declared and declared["schema"] == {"type": "string", "enum": ["true"]}, (template, code)


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "   ", "k" * 256, "ключ"])
def test_an_empty_or_malformed_key_is_a_400_naming_the_header_on_every_post(
    one_of_each, admin_user, api_client_for, key
):
    api = api_client_for(admin_user)
    refused = []
    for template, method, _operation in operations():
        if method != "POST":
            continue
        client = APIClient() if template == "/api/v1/auth/token/" else api
        response = client.post(one_of_each(template), {}, format="json", HTTP_IDEMPOTENCY_KEY=key)
        assert response.status_code == 400, (template, response.content[:300])
        error = response.json()["error"]
        assert error["code"] == "invalid_idempotency_key" and list(error["fields"]) == ["Idempotency-Key"], template
        refused.append(template)
    assert len(refused) >= 28


@pytest.mark.django_db
def test_a_contact_reveal_with_a_key_is_never_replayed_nor_stored(manager_api):
    ticket = make_ticket()
    url = f"/api/v1/customers/{ticket.customer_id}/reveal-contact/"
    for _ in range(2):
        response = manager_api.post(url, HTTP_IDEMPOTENCY_KEY="reveal-1")
        assert response.status_code == 200 and response.json()["phone"] == "13812345678"
        assert "Idempotent-Replayed" not in response
    assert AuditEntry.objects.filter(action="contact_revealed").count() == 2  # every reveal is logged
    assert not IdempotencyRecord.objects.exists()  # no copy of the phone number anywhere else


@pytest.mark.django_db
def test_the_token_exchange_with_a_key_stores_nothing(agent):
    agent.set_password("s3cret-pass")
    agent.save()
    client = APIClient()
    body = {"username": agent.username, "password": "s3cret-pass"}
    first = client.post("/api/v1/auth/token/", body, format="json", HTTP_IDEMPOTENCY_KEY="login-1")
    again = client.post("/api/v1/auth/token/", body, format="json", HTTP_IDEMPOTENCY_KEY="login-1")
    assert first.status_code == again.status_code == 200 and first.json() == again.json()
    assert "Idempotent-Replayed" not in again
    assert not IdempotencyRecord.objects.exists()  # no fingerprint of a password is kept
    wrong = client.post(
        "/api/v1/auth/token/", {**body, "password": "wrong"}, format="json", HTTP_IDEMPOTENCY_KEY="login-1"
    )
    assert wrong.status_code == 400  # credentials are checked on every try


@pytest.mark.django_db
def test_marking_notifications_read_replays_with_a_key(agent, agent_api):
    Notification.objects.create(recipient=agent, verb="test", message="one")
    first = agent_api.post("/api/v1/notifications/read/", {"all": True}, format="json", HTTP_IDEMPOTENCY_KEY="n-1")
    Notification.objects.create(recipient=agent, verb="test", message="two")
    again = agent_api.post("/api/v1/notifications/read/", {"all": True}, format="json", HTTP_IDEMPOTENCY_KEY="n-1")
    assert first.status_code == again.status_code == 200
    assert again["Idempotent-Replayed"] == "true" and again.content == first.content
    assert Notification.objects.filter(read_at__isnull=True).count() == 1  # the retry did nothing again
