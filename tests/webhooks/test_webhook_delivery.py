"""Sending: signed POSTs, retries with backoff for at least 24 h, every attempt logged, redelivery by hand."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from tests.factories import make_ticket
from webhooks import signing
from webhooks.models import WebhookAttempt, WebhookDelivery
from webhooks.services.delivery import webhook_deliver, webhook_redeliver, webhook_relay
from webhooks.services.endpoints import (
    webhook_endpoint_create,
    webhook_endpoint_ping,
    webhook_endpoint_rotate_secret,
    webhook_endpoint_update,
)

pytestmark = pytest.mark.django_db


def _one_delivery(endpoint) -> WebhookDelivery:  # type: ignore[no-untyped-def]
    make_ticket()
    return WebhookDelivery.objects.get(endpoint=endpoint, event__type="ticket.created")


def test_a_delivery_is_signed_and_the_receiver_can_verify_it(endpoint, receiver):
    delivery = _one_delivery(endpoint)
    assert webhook_deliver(delivery_id=delivery.pk) is True
    [request] = receiver.requests
    headers = {key.lower(): value for key, value in request.headers.items()}
    assert headers["webhook-id"] == str(delivery.event_id)
    assert headers["webhook-event"] == "ticket.created"
    assert headers["content-type"].startswith("application/json")
    assert headers["user-agent"].startswith("Helpdesk-Webhooks/")
    assert signing.verify(endpoint.secret, request.headers, request.body) == int(headers["webhook-timestamp"])
    assert request.json == delivery.event.payload
    with pytest.raises(signing.SignatureError):
        signing.verify(endpoint.secret, request.headers, request.body + b" ")
    with pytest.raises(signing.SignatureError):
        signing.verify("whsec_wrong", request.headers, request.body)
    delivery.refresh_from_db()
    assert delivery.status == "succeeded" and delivery.delivered_at is not None
    assert delivery.attempts == 1 and delivery.last_status_code == 200 and delivery.last_response_ms is not None


def test_signatures_older_than_the_replay_window_are_refused(endpoint):
    body = b'{"id":"x"}'
    headers = signing.sign_headers(
        secrets_=[endpoint.secret], event_id="x", event_type="ping", body=body, timestamp=1000
    )
    assert signing.verify(endpoint.secret, headers, body, now=1000 + 299) == 1000
    with pytest.raises(signing.SignatureError, match="replay window"):
        signing.verify(endpoint.secret, headers, body, now=1000 + 301)


def test_a_delivery_is_sent_once_however_often_it_is_asked(endpoint, receiver):
    delivery = _one_delivery(endpoint)
    assert webhook_deliver(delivery_id=delivery.pk) is True
    assert webhook_deliver(delivery_id=delivery.pk) is False
    assert webhook_relay() == 0
    assert len(receiver.requests) == 1


def test_a_receiver_that_is_down_is_retried_with_backoff_for_at_least_24_hours(endpoint, receiver):
    receiver.status = 503
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False) as clock:
        delivery = _one_delivery(endpoint)
        sent_at = []
        for _round in range(40):
            assert webhook_relay() == 1
            sent_at.append(timezone.now())
            delivery.refresh_from_db()
            if delivery.status != "pending":
                break
            assert webhook_relay() == 0  # not due again yet
            clock.move_to(delivery.next_attempt_at + timedelta(seconds=1))
    assert delivery.status == "failed"
    assert sent_at[-1] - start >= timedelta(hours=24)
    gaps = [(b - a).total_seconds() for a, b in zip(sent_at, sent_at[1:], strict=False)]
    assert 27 <= gaps[0] <= 34  # 30 s ± 10 %, plus the relay's second
    assert all(later > earlier for earlier, later in zip(gaps[:6], gaps[1:7], strict=False))  # doubling
    assert max(gaps) <= 6 * 3600 * 1.1 + 1
    attempts = list(WebhookAttempt.objects.filter(delivery=delivery))
    assert len(attempts) == delivery.attempts == len(sent_at)
    assert {attempt.status_code for attempt in attempts} == {503}
    assert all(attempt.response_ms >= 0 and attempt.response_excerpt == '{"ok": true}' for attempt in attempts)
    assert len(receiver.requests) == len(sent_at)
    assert {request.headers["Webhook-Id"] for request in receiver.requests} == {str(delivery.event_id)}


def test_no_answer_at_all_is_logged_as_an_error_and_retried(integration):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    endpoint = webhook_endpoint_create(
        integration=integration, url=f"http://127.0.0.1:{port}/gone", events=["ticket.created"]
    )
    delivery = _one_delivery(endpoint)
    webhook_deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    attempt = WebhookAttempt.objects.get(delivery=delivery)
    assert attempt.status_code is None and "ConnectError" in attempt.error
    assert delivery.status == "pending" and delivery.next_attempt_at > timezone.now()
    assert delivery.last_error == attempt.error


def test_a_slow_receiver_times_out_and_is_retried(endpoint, receiver, settings):
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.3
    receiver.delay = 1.0
    delivery = _one_delivery(endpoint)
    webhook_deliver(delivery_id=delivery.pk)
    attempt = WebhookAttempt.objects.get(delivery=delivery)
    assert attempt.status_code is None and "Timeout" in attempt.error
    assert attempt.response_ms < 1000


def test_redeliver_sends_a_failed_delivery_again_and_keeps_the_log(endpoint, receiver, queued):
    receiver.status = 500
    delivery = _one_delivery(endpoint)
    webhook_deliver(delivery_id=delivery.pk)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status="failed", next_attempt_at=None)
    receiver.status = 204
    delivery = webhook_redeliver(delivery=WebhookDelivery.objects.get(pk=delivery.pk))
    assert delivery.status == "pending" and delivery.next_attempt_at <= timezone.now()
    assert delivery.give_up_at - timezone.now() >= timedelta(hours=24)
    assert webhook_relay() == 1
    delivery.refresh_from_db()
    assert delivery.status == "succeeded" and delivery.attempts == 2
    assert [a.status_code for a in WebhookAttempt.objects.filter(delivery=delivery)] == [500, 204]
    # A succeeded delivery may be sent again too (the receiver lost it, say).
    webhook_redeliver(delivery=delivery)
    assert webhook_relay() == 1
    assert len(receiver.requests) == 3


def test_after_a_secret_rotation_both_secrets_verify_during_the_overlap(endpoint, receiver):
    old_secret = endpoint.secret
    endpoint = webhook_endpoint_rotate_secret(endpoint=endpoint, overlap=timedelta(hours=24))
    assert endpoint.secret != old_secret and endpoint.secret.startswith("whsec_")
    webhook_deliver(delivery_id=_one_delivery(endpoint).pk)
    request = receiver.requests[-1]
    assert len(request.headers["Webhook-Signature"].split()) == 2
    signing.verify(old_secret, request.headers, request.body)
    signing.verify(endpoint.secret, request.headers, request.body)
    webhook_endpoint_rotate_secret(endpoint=endpoint, overlap=timedelta(0))
    endpoint.refresh_from_db()
    webhook_deliver(delivery_id=webhook_endpoint_ping(endpoint=endpoint).pk)
    assert len(receiver.requests[-1].headers["Webhook-Signature"].split()) == 1


def test_private_targets_are_refused_unless_allowed(integration, settings, receiver):
    from core.errors import ValidationFailed

    endpoint = webhook_endpoint_create(integration=integration, url=receiver.url, events=["ticket.created"])
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    for url in ["http://127.0.0.1/x", "http://10.1.2.3/x", "http://localhost:8000/", "http://[::1]/", "ftp://x.cn/"]:
        with pytest.raises(ValidationFailed):
            webhook_endpoint_create(integration=integration, url=url, events=["ticket.created"])
    # An endpoint that reaches a private address at delivery time is not called.
    delivery = _one_delivery(endpoint)
    webhook_deliver(delivery_id=delivery.pk)
    assert receiver.requests == []
    assert "private address" in WebhookAttempt.objects.get(delivery=delivery).error


def test_a_disabled_endpoint_is_not_called_and_its_delivery_fails(endpoint, receiver):
    delivery = _one_delivery(endpoint)
    webhook_endpoint_update(endpoint=endpoint, is_active=False)
    webhook_deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert receiver.requests == [] and delivery.status == "failed" and delivery.last_error == "endpoint disabled"


def test_a_receiver_answering_nul_bytes_is_logged_without_them(endpoint, receiver):
    """PostgreSQL cannot store NUL in text: a hostile receiver's answer must not make the attempt unloggable."""
    receiver.body = b'{"ok": true}\x00\x00 and \xff'
    assert webhook_deliver(delivery_id=_one_delivery(endpoint).pk) is True
    attempt = WebhookAttempt.objects.get()
    assert attempt.response_excerpt == '{"ok": true}\ufffd\ufffd and \ufffd'
