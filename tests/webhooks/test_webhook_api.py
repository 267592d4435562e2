"""Webhook endpoints and deliveries over the API: scoped keys, each integration sees its own, nothing is sent
from the request path."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from accounts.roles import Role
from tests.factories import UserFactory, make_ticket
from tests.tickets.test_ticket_api import PAYLOAD
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.services.delivery import webhook_deliver
from webhooks.services.endpoints import webhook_endpoint_create

pytestmark = pytest.mark.django_db

BASE = "/api/v1/webhooks"


def _create(client, url, events=("ticket.created",), **extra):  # type: ignore[no-untyped-def]
    return client.post(f"{BASE}/endpoints/", {"url": url, "events": list(events), **extra}, format="json")


def test_an_integration_subscribes_and_gets_the_secret_once(make_key, key_client, receiver):
    integration, _key, secret = make_key()
    client = key_client(secret)
    response = _create(client, receiver.url, ["ticket.created", "ticket.resolved"], description="中台")
    assert response.status_code == 201, response.content
    body = response.json()
    endpoint = WebhookEndpoint.objects.get(pk=body["id"])
    assert body["secret"] == endpoint.secret and body["secret"].startswith("whsec_")
    assert body["integration"] == integration.pk and body["events"] == ["ticket.created", "ticket.resolved"]
    listed = client.get(f"{BASE}/endpoints/").json()
    assert [e["id"] for e in listed] == [endpoint.pk] and "secret" not in listed[0]
    assert "secret" not in client.get(f"{BASE}/endpoints/{endpoint.pk}/").json()
    rotated = client.post(f"{BASE}/endpoints/{endpoint.pk}/rotate-secret/", {"overlap_hours": 1}, format="json")
    assert rotated.status_code == 200 and rotated.json()["secret"] not in (body["secret"], "")


def test_bad_urls_and_unknown_events_are_400_naming_the_field(make_key, key_client, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    _integration, _key, secret = make_key()
    client = key_client(secret)
    response = _create(client, "http://192.168.1.10/hook")
    assert response.status_code == 400 and "url" in response.json()["error"]["fields"]
    response = _create(client, "javascript:alert(1)")
    assert response.status_code == 400 and "url" in response.json()["error"]["fields"]
    response = _create(client, "https://shop.example.com/hook", ["ticket.deleted"])
    assert response.status_code == 400 and "events[0]" in response.json()["error"]["fields"]


def test_an_integration_cannot_see_or_touch_anothers_endpoints(make_key, key_client, receiver):
    mine, _key, my_secret = make_key()
    theirs, _key, their_secret = make_key()
    endpoint = webhook_endpoint_create(integration=theirs, url=receiver.url, events=["ticket.created"])
    make_ticket()
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    client = key_client(my_secret)
    assert client.get(f"{BASE}/endpoints/").json() == []
    assert client.get(f"{BASE}/deliveries/").json()["results"] == []
    for response in [
        client.get(f"{BASE}/endpoints/{endpoint.pk}/"),
        client.patch(f"{BASE}/endpoints/{endpoint.pk}/", {"is_active": False}, format="json"),
        client.delete(f"{BASE}/endpoints/{endpoint.pk}/"),
        client.post(f"{BASE}/endpoints/{endpoint.pk}/ping/"),
        client.post(f"{BASE}/endpoints/{endpoint.pk}/rotate-secret/", {}, format="json"),
        client.get(f"{BASE}/deliveries/{delivery.pk}/"),
        client.post(f"{BASE}/deliveries/{delivery.pk}/redeliver/"),
    ]:
        assert response.status_code == 404, response.request
    response = _create(client, receiver.url, integration=theirs.pk)
    assert response.status_code == 400 and "integration" in response.json()["error"]["fields"]
    assert key_client(their_secret).get(f"{BASE}/endpoints/").json()[0]["id"] == endpoint.pk


def test_a_key_without_the_scope_gets_403_naming_webhooks_manage(make_key, key_client):
    _integration, _key, secret = make_key(scopes=["tickets:read", "tickets:write"])
    for response in [key_client(secret).get(f"{BASE}/endpoints/"), _create(key_client(secret), "https://x.cn/h")]:
        assert response.status_code == 403
        error = response.json()["error"]
        assert error["code"] == "missing_scope" and error["required_scope"] == "webhooks:manage"
        assert "webhooks:manage" in error["message"]


def test_agents_may_not_but_admins_manage_every_integrations_endpoints(agent_api, api_client_for, make_key, receiver):
    integration, _key, _secret = make_key()
    assert agent_api.get(f"{BASE}/endpoints/").status_code == 403
    admin = UserFactory(username="admin1")
    admin.groups.add(Group.objects.get_or_create(name=Role.ADMIN)[0])
    client = api_client_for(admin)
    response = _create(client, receiver.url)
    assert response.status_code == 400 and "integration" in response.json()["error"]["fields"]
    response = _create(client, receiver.url, integration=integration.pk)
    assert response.status_code == 201 and response.json()["integration"] == integration.pk
    assert len(client.get(f"{BASE}/endpoints/").json()) == 1


def test_ping_and_redeliver_are_queued_never_sent_from_the_request(
    make_key, key_client, receiver, queued, django_capture_on_commit_callbacks
):
    _integration, _key, secret = make_key()
    client = key_client(secret)
    endpoint_id = _create(client, receiver.url).json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{BASE}/endpoints/{endpoint_id}/ping/")
    assert response.status_code == 202
    assert response.json()["event_type"] == "ping" and response.json()["status"] == "pending"
    assert receiver.requests == [] and queued == [response.json()["id"]]
    webhook_deliver(delivery_id=queued[0])
    assert receiver.requests[0].json["type"] == "ping"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{BASE}/deliveries/{queued[0]}/redeliver/")
    assert response.status_code == 202 and response.json()["status"] == "pending"
    assert len(receiver.requests) == 1 and queued == [queued[0], queued[0]]


def test_creating_a_ticket_over_the_api_never_calls_the_receiver(
    make_key, key_client, receiver, queued, django_capture_on_commit_callbacks
):
    _integration, _key, secret = make_key()
    client = key_client(secret)
    _create(client, receiver.url)
    receiver.delay = 5  # a slow receiver would show in the request's time if it were called
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/tickets/", PAYLOAD, format="json")
    assert response.status_code == 201
    assert receiver.requests == []
    assert len(queued) == 1 and WebhookDelivery.objects.get(pk=queued[0]).status == "pending"


def test_deliveries_list_filters_and_detail_shows_the_attempt_log(make_key, key_client, receiver):
    integration, _key, secret = make_key()
    client = key_client(secret)
    endpoint_id = _create(client, receiver.url, ["ticket.created", "ticket.updated"]).json()["id"]
    make_ticket()
    make_ticket()
    first = WebhookDelivery.objects.order_by("id").first()
    assert first is not None
    receiver.status = 500
    webhook_deliver(delivery_id=first.pk)
    listed = client.get(f"{BASE}/deliveries/", {"endpoint": endpoint_id, "event_type": "ticket.created"}).json()
    assert len(listed["results"]) == 2 and "next" in listed
    pending = client.get(f"{BASE}/deliveries/", {"status": "pending"}).json()["results"]
    assert {d["id"] for d in pending} == set(WebhookDelivery.objects.values_list("id", flat=True))
    assert client.get(f"{BASE}/deliveries/", {"status": "nonsense"}).status_code == 400
    detail = client.get(f"{BASE}/deliveries/{first.pk}/").json()
    assert detail["payload"]["type"] == "ticket.created" and detail["attempts"] == 1
    [attempt] = detail["attempt_log"]
    assert attempt["status_code"] == 500 and attempt["response_ms"] >= 0


def test_create_honours_idempotency_key(make_key, key_client, receiver):
    _integration, _key, secret = make_key()
    client = key_client(secret)
    headers = {"HTTP_IDEMPOTENCY_KEY": "wh-create-1"}
    first = client.post(
        f"{BASE}/endpoints/", {"url": receiver.url, "events": ["ticket.created"]}, format="json", **headers
    )
    again = client.post(
        f"{BASE}/endpoints/", {"url": receiver.url, "events": ["ticket.created"]}, format="json", **headers
    )
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and again.json()["id"] == first.json()["id"]
    assert WebhookEndpoint.objects.count() == 1


def test_patch_and_delete(make_key, key_client, receiver):
    _integration, _key, secret = make_key()
    client = key_client(secret)
    endpoint_id = _create(client, receiver.url).json()["id"]
    response = client.patch(
        f"{BASE}/endpoints/{endpoint_id}/", {"events": ["ticket.resolved"], "is_active": False}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["events"] == ["ticket.resolved"] and response.json()["is_active"] is False
    assert client.delete(f"{BASE}/endpoints/{endpoint_id}/").status_code == 204
    assert not WebhookEndpoint.objects.exists()
