"""API conventions: request ids, one error body everywhere, per-key throttling, incremental sync."""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from tests.factories import make_ticket
from tests.tickets.test_ticket_api import PAYLOAD
from tickets.services.classification import ticket_set_priority

pytestmark = pytest.mark.django_db


def test_every_response_carries_a_request_id_and_errors_repeat_it(make_key, key_client):
    _integration, _key, secret = make_key()
    ok = key_client(secret).get("/api/v1/tickets/")
    assert len(ok["X-Request-ID"]) == 32
    bad = key_client(secret).post("/api/v1/tickets/", {}, format="json", HTTP_X_REQUEST_ID="platform-req-000123")
    assert bad["X-Request-ID"] == "platform-req-000123"
    assert bad.json()["error"]["request_id"] == "platform-req-000123"


def test_an_unsafe_incoming_request_id_is_replaced(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\nwith newline")
    assert response["X-Request-ID"] != "bad id\nwith newline" and len(response["X-Request-ID"]) == 32


def test_unknown_api_urls_get_the_json_error_body(make_key, key_client):
    _integration, _key, secret = make_key()
    response = key_client(secret).get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_key_over_its_rate_gets_429_with_retry_after(make_key, key_client):
    cache.clear()
    _integration, _key, secret = make_key(rate_limit_per_minute=3)
    client = key_client(secret)
    with time_machine.travel(timezone.now().replace(second=5), tick=False):
        statuses = [client.get("/api/v1/tickets/").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        limited = client.get("/api/v1/tickets/")
        assert limited.json()["error"]["code"] == "throttled"
        assert 1 <= int(limited["Retry-After"]) <= 60
        assert limited["X-RateLimit-Limit"] == "3" and limited["X-RateLimit-Remaining"] == "0"


def test_each_key_has_its_own_budget(make_key, key_client):
    cache.clear()
    integration, _key, secret = make_key(rate_limit_per_minute=1)
    from integrations.services import api_key_create

    other = api_key_create(integration=integration).secret
    with time_machine.travel(timezone.now().replace(second=5), tick=False):
        assert key_client(secret).get("/api/v1/tickets/").status_code == 200
        assert key_client(secret).get("/api/v1/tickets/").status_code == 429
        assert key_client(other).get("/api/v1/tickets/").status_code == 200


def test_updated_since_returns_changed_tickets_oldest_first_page_by_page(make_key, key_client, team):
    _integration, _key, secret = make_key()
    start = timezone.now() - timedelta(hours=3)
    with time_machine.travel(start, tick=False):
        old = make_ticket(team=team)
    tickets = []
    for hours in (1, 2):
        with time_machine.travel(start + timedelta(hours=hours), tick=False):
            tickets.append(make_ticket(team=team))
    with time_machine.travel(start + timedelta(hours=2, minutes=30), tick=False):
        ticket_set_priority(ticket=old, priority="urgent", actor=None)
    client = key_client(secret)
    since = (start + timedelta(minutes=30)).isoformat()
    page = client.get("/api/v1/tickets/", {"updated_since": since, "ordering": "updated_at", "page_size": 2}).json()
    assert [t["id"] for t in page["results"]] == [tickets[0].pk, tickets[1].pk]
    rest = client.get(page["next"]).json()
    assert [t["id"] for t in rest["results"]] == [old.pk] and rest["next"] is None


def test_bad_filter_values_are_400_not_500(make_key, key_client):
    _integration, _key, secret = make_key()
    client = key_client(secret)
    for params in [{"updated_since": "yesterday"}, {"ordering": "subject"}, {"cursor": "garbage"}]:
        response = client.get("/api/v1/tickets/", params)
        assert response.status_code in (400, 404), params
        assert "error" in response.json()


def test_ticket_create_accepts_the_payload_fields_and_returns_external_id(make_key, key_client):
    _integration, _key, secret = make_key()
    body = key_client(secret).post("/api/v1/tickets/", {**PAYLOAD, "external_id": "x-1"}, format="json").json()
    assert body["external_id"] == "x-1" and body["source_platform"] == "taobao"
