"""Rate limits: counted atomically, one budget per caller (a key's own limit is not capped by the staff limit),
and a Redis outage that degrades them to per-process counters instead of failing requests."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest
import time_machine
from django.core.cache import cache, caches
from django.test import Client
from django.utils import timezone
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from integrations import ratelimit
from tests.concurrency import race
from tests.tickets.test_ticket_api import PAYLOAD

UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1: every call fails at once
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
    }
}
LIST = "/api/v1/tickets/?page_size=1"


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()  # the rate-limit counters of earlier tests (tests/conftest.py resets the outage state)


@pytest.fixture
def rates(settings):
    """rates(user=..., anon=...): set the staff and anonymous limits for this test."""

    def set_rates(**rates: str) -> None:
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **rates},
        }

    return set_rates


def _payload(n: int) -> dict:
    return {**PAYLOAD, "external_id": f"outage-{n}", "order": {**PAYLOAD["order"], "order_number": f"TB-OUT-{n}"}}


def _at_second_5():
    """Inside one minute window, whatever the wall clock says."""
    return time_machine.travel(timezone.now().replace(second=5), tick=False)


# --- Redis down ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_with_redis_down_the_api_keeps_creating_tickets_and_logs_the_outage_once(
    settings, team, make_key, key_client, api, caplog
):
    settings.CACHES = UNREACHABLE_REDIS
    _integration, _key, secret = make_key()
    with caplog.at_level(logging.WARNING, logger="integrations.ratelimit"):
        statuses = [
            key_client(secret).post("/api/v1/tickets/", _payload(n), format="json").status_code for n in range(5)
        ]
        statuses += [api.post("/api/v1/tickets/", _payload(n + 5), format="json").status_code for n in range(5)]
    assert statuses == [201] * 10
    outage_lines = [r for r in caplog.records if r.name == "integrations.ratelimit"]
    assert len(outage_lines) == 1, caplog.text
    assert "unreachable" in outage_lines[0].getMessage()


@pytest.mark.django_db
def test_with_redis_down_a_limit_still_holds_per_process(settings, make_key, key_client):
    settings.CACHES = UNREACHABLE_REDIS
    _integration, _key, secret = make_key(rate_limit_per_minute=3)
    client = key_client(secret)
    with _at_second_5():
        statuses = [client.get(LIST).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


@pytest.mark.django_db
def test_the_cache_is_tried_again_after_a_pause_and_its_return_is_logged(monkeypatch, caplog):
    calls = {"n": 0}
    real_incr = ratelimit._cache_incr

    def failing_incr(key: str, timeout: int) -> int:
        calls["n"] += 1
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(ratelimit, "_cache_incr", failing_incr)
    start = 1_800_000_000.0
    with caplog.at_level(logging.WARNING, logger="integrations.ratelimit"):
        counts = [ratelimit.hit("user:1", 60, start + n * 0.01).count for n in range(50)]
        assert calls["n"] == 1, "during the pause the cache is not asked"
        assert counts == list(range(1, 51)), "the local counter counts every request"
        ratelimit.hit("user:1", 60, start + ratelimit.RETRY_SECONDS + 1)
        assert calls["n"] == 2
        monkeypatch.setattr(ratelimit, "_cache_incr", real_incr)
        assert ratelimit.hit("user:1", 60, start + 2 * ratelimit.RETRY_SECONDS + 2).count == 1
    assert not ratelimit.counting_locally()
    lines = [r.getMessage() for r in caplog.records if r.name == "integrations.ratelimit"]
    assert len(lines) == 2 and "unreachable" in lines[0] and "answers again" in lines[1], lines


# --- counting under concurrency -----------------------------------------------------------------------------


def _concurrent_gets(authorization: str, requests: int) -> list[int]:
    def call() -> int:
        return Client(HTTP_AUTHORIZATION=authorization).get(LIST).status_code

    with _at_second_5():
        return race(*[call for _ in range(requests)])


def _staff_limit_counts_each_concurrent_request(rates, api_client_for, integration_user) -> None:
    from rest_framework.authtoken.models import Token

    rates(user="20/min")
    token, _ = Token.objects.get_or_create(user=integration_user)
    statuses = _concurrent_gets(f"Token {token.key}", 60)
    assert sorted(statuses).count(200) == 20, statuses
    assert statuses.count(429) == 40


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_over_the_staff_limit_get_exactly_the_limit_accepted(
    settings, rates, api_client_for, integration_user
):
    # In one process a read-modify-write counter is rarely interrupted between its read and its write; a
    # cache whose reads take a millisecond, as Redis's do over the network, lets the requests race as they do
    # across the web processes (DRF's history-list throttle then accepted 60 of 60 here).
    settings.CACHES = {"default": {"BACKEND": "tests.integrations.latent_cache.LatentLocMemCache"}}
    _staff_limit_counts_each_concurrent_request(rates, api_client_for, integration_user)


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_over_the_staff_limit_on_the_real_redis(rates, api_client_for, integration_user):
    assert caches["default"].__class__.__name__ == "RedisCache"
    _staff_limit_counts_each_concurrent_request(rates, api_client_for, integration_user)


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_over_a_key_limit_on_the_real_redis(make_key):
    assert caches["default"].__class__.__name__ == "RedisCache"
    _integration, _key, secret = make_key(rate_limit_per_minute=15)
    statuses = _concurrent_gets(f"Bearer {secret}", 45)
    assert statuses.count(200) == 15 and statuses.count(429) == 30, statuses


# --- one budget per caller ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_key_limit_of_2000_is_not_capped_at_the_staff_limit_of_1200(make_key):
    assert api_settings.DEFAULT_THROTTLE_RATES["user"] == "1200/min"
    _integration, api_key, _secret = make_key(rate_limit_per_minute=2000)
    request = SimpleNamespace(auth=api_key, user=api_key.integration.user, _request=SimpleNamespace(), META={})

    def allowed() -> bool:  # as APIView.check_throttles: every configured throttle must allow it
        return all(throttle().allow_request(request, None) for throttle in api_settings.DEFAULT_THROTTLE_CLASSES)

    with _at_second_5():
        accepted = sum(allowed() for _ in range(2001))
    assert accepted == 2000


@pytest.mark.django_db
def test_key_requests_do_not_spend_the_staff_budget(rates, make_key, key_client):
    rates(user="2/min")
    _integration, _key, secret = make_key(rate_limit_per_minute=5)
    client = key_client(secret)
    with _at_second_5():
        statuses = [client.get(LIST).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]


@pytest.mark.django_db
def test_a_staff_account_over_its_limit_gets_429_with_retry_after_and_the_rate_headers(rates, api):
    rates(user="2/min")
    with _at_second_5():
        first, second, refused = (api.get(LIST) for _ in range(3))
    assert [first.status_code, second.status_code, refused.status_code] == [200, 200, 429]
    assert (first["X-RateLimit-Limit"], first["X-RateLimit-Remaining"]) == ("2", "1")
    assert refused.json()["error"]["code"] == "throttled"
    assert refused["Retry-After"] == "55"
    assert refused["X-RateLimit-Limit"] == "2" and refused["X-RateLimit-Remaining"] == "0"
    assert int(refused["X-RateLimit-Reset"]) % 60 == 0


@pytest.mark.django_db
def test_anonymous_calls_have_their_own_limit_per_address(rates):
    rates(anon="2/min")
    statuses = []
    with _at_second_5():
        for address in ("203.0.113.1", "203.0.113.1", "203.0.113.1", "203.0.113.2"):
            statuses.append(APIClient(REMOTE_ADDR=address).get("/api/v1/docs/").status_code)
    assert statuses == [200, 200, 429, 200]
