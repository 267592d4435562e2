"""Delivery: each due delivery is claimed with a lease, signed, POSTed, logged as an attempt and retried with
backoff until it succeeds or its retry window ends; the relay sends what a lost enqueue left behind."""

from __future__ import annotations

import json
import logging
import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict

from .. import signing
from ..enums import DeliveryStatus
from ..models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent
from ..targets import TargetRefused, target_check_resolved
from .outbox import enqueue_deliveries, retry_window

logger = logging.getLogger("webhooks")


USER_AGENT = "Helpdesk-Webhooks/1.0"


FIRST_RETRY = timedelta(seconds=30)


MAX_RETRY_INTERVAL = timedelta(hours=6)


JITTER = 0.1


LEASE_MARGIN = timedelta(seconds=30)


EXCERPT_CHARS = 1000


READ_LIMIT_BYTES = 4096


# Tests swap in an ``httpx.MockTransport``; None means the real network.
http_transport: httpx.BaseTransport | None = None


def request_timeout() -> float:
    return float(settings.WEBHOOK_TIMEOUT_SECONDS)


def retry_delay(attempts: int) -> timedelta:
    """Wait after the ``attempts``-th failure: 30 s, 1 min, 2 min … doubling, at most 6 h, ±10 % jitter."""
    base: timedelta = min(FIRST_RETRY * (2 ** max(0, attempts - 1)), MAX_RETRY_INTERVAL)
    return base * random.uniform(1 - JITTER, 1 + JITTER)


def _set_delivery_status(delivery_id: int, to_status: str, **fields: Any) -> None:
    """The one function that writes ``WebhookDelivery.status``: pending again (redeliver), succeeded or failed
    after an attempt, failed when its endpoint is disabled."""
    WebhookDelivery.objects.filter(pk=delivery_id).update(status=to_status, **fields)


def webhook_redeliver(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again, whatever its state: pending, due now, with a fresh retry window. Earlier
    attempts stay in the log and new ones are added. A send in flight keeps its lease and finishes first."""
    endpoint = delivery.endpoint
    if not endpoint.is_active:
        raise Conflict(_("The endpoint is disabled; enable it before redelivering."))
    now = timezone.now()
    with transaction.atomic():
        _set_delivery_status(
            delivery.pk, DeliveryStatus.PENDING, next_attempt_at=now, give_up_at=now + retry_window(), delivered_at=None
        )
        transaction.on_commit(lambda: enqueue_deliveries([delivery.pk]))
    delivery.refresh_from_db()
    return delivery


def _due(now: datetime) -> Q:
    return Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now) & (
        Q(lease_until__isnull=True) | Q(lease_until__lte=now)
    )


def _claim(delivery_id: int, now: datetime) -> bool:
    """Take the delivery for one attempt: True for exactly one caller while it is due and unleased."""
    lease_until = now + timedelta(seconds=request_timeout()) + LEASE_MARGIN
    return WebhookDelivery.objects.filter(_due(now), pk=delivery_id).update(lease_until=lease_until) == 1


@dataclass(frozen=True)
class _Outcome:
    status_code: int | None
    response_ms: int
    error: str = ""
    excerpt: str = ""

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def delivery_body(event: WebhookEvent) -> bytes:
    """The exact bytes sent and signed."""
    return json.dumps(event.payload, ensure_ascii=False, separators=(",", ":")).encode()


def _signing_secrets(endpoint: WebhookEndpoint, now: datetime) -> list[str]:
    secrets = [endpoint.secret]
    if endpoint.previous_secret and endpoint.previous_secret_expires_at and endpoint.previous_secret_expires_at > now:
        secrets.append(endpoint.previous_secret)
    return secrets


def _post(delivery: WebhookDelivery, now: datetime) -> _Outcome:
    endpoint, event = delivery.endpoint, delivery.event
    body = delivery_body(event)
    headers = signing.sign_headers(
        secrets_=_signing_secrets(endpoint, now),
        event_id=str(event.id),
        event_type=event.type,
        body=body,
        timestamp=int(time.time()),
    )
    headers |= {"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT}
    started = time.monotonic()

    def elapsed_ms() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        target_check_resolved(endpoint.url)
        with httpx.Client(timeout=request_timeout(), follow_redirects=False, transport=http_transport) as client:
            with client.stream("POST", endpoint.url, content=body, headers=headers) as response:
                received = b""
                for chunk in response.iter_bytes():
                    received += chunk
                    if len(received) >= READ_LIMIT_BYTES:
                        break
                # Whatever the receiver sent, as text PostgreSQL can store (it refuses NUL).
                excerpt = received.decode("utf-8", errors="replace").replace("\x00", "\ufffd")[:EXCERPT_CHARS]
                return _Outcome(response.status_code, elapsed_ms(), excerpt=excerpt)
    except TargetRefused as error:
        return _Outcome(None, elapsed_ms(), error=f"refused: {error}"[:500])
    except httpx.HTTPError as error:
        return _Outcome(None, elapsed_ms(), error=f"{type(error).__name__}: {error}"[:500])


def _attempt(delivery_id: int) -> WebhookDelivery:
    """One attempt of a claimed delivery: POST, log the attempt, then succeed, schedule a retry or give up."""
    delivery = WebhookDelivery.objects.select_related("endpoint__integration", "event").get(pk=delivery_id)
    attempted_at = timezone.now()
    if not delivery.endpoint.is_active or not delivery.endpoint.integration.is_active:
        _set_delivery_status(
            delivery_id, DeliveryStatus.FAILED, next_attempt_at=None, lease_until=None, last_error="endpoint disabled"
        )
        logger.info(
            "webhook delivery %s not sent: endpoint %s (or its integration) is disabled",
            delivery_id,
            delivery.endpoint_id,
        )
        delivery.refresh_from_db()
        return delivery
    outcome = _post(delivery, attempted_at)
    now = timezone.now()
    attempts = delivery.attempts + 1
    changes: dict[str, Any] = {
        "attempts": F("attempts") + 1,
        "lease_until": None,
        "last_status_code": outcome.status_code,
        "last_response_ms": outcome.response_ms,
        "last_error": outcome.error or ("" if outcome.succeeded else f"HTTP {outcome.status_code}"),
    }
    to_status: str | None = None  # None: still pending, retried later
    if outcome.succeeded:
        to_status = DeliveryStatus.SUCCEEDED
        changes |= {"delivered_at": now, "next_attempt_at": None}
    elif now >= delivery.give_up_at:
        to_status = DeliveryStatus.FAILED
        changes["next_attempt_at"] = None
    else:
        # The last retry falls on give_up_at itself, so a receiver is tried for the whole window.
        changes["next_attempt_at"] = min(now + retry_delay(attempts), delivery.give_up_at)
    with transaction.atomic():
        WebhookAttempt.objects.create(
            delivery_id=delivery_id,
            attempted_at=attempted_at,
            status_code=outcome.status_code,
            response_ms=outcome.response_ms,
            error=outcome.error,
            response_excerpt=outcome.excerpt,
        )
        if to_status is not None:
            _set_delivery_status(delivery_id, to_status, **changes)
        else:
            WebhookDelivery.objects.filter(pk=delivery_id).update(**changes)
    logger.log(
        logging.INFO if outcome.succeeded else logging.WARNING,
        "webhook delivery %s (%s → %s) attempt %s: %s in %s ms%s",
        delivery_id,
        delivery.event.type,
        delivery.endpoint.url,
        attempts,
        outcome.status_code or "no response",
        outcome.response_ms,
        f" ({outcome.error})" if outcome.error else "",
    )
    delivery.refresh_from_db()
    return delivery


def webhook_deliver(*, delivery_id: int) -> bool:
    """Send one delivery now if it is due and nobody else holds it. True if an attempt was made.
    Safe to call twice, late, or for a delivery that is already done (it does nothing)."""
    if not _claim(delivery_id, timezone.now()):
        return False
    _attempt(delivery_id)
    return True


def _claim_next_due() -> int | None:
    now = timezone.now()
    with transaction.atomic():
        due = WebhookDelivery.objects.filter(_due(now)).order_by("next_attempt_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            # Two relays at once each take a different row instead of waiting for (or both taking) the same.
            due = due.select_for_update(skip_locked=True)
        for delivery_id in due.values_list("pk", flat=True)[:5]:
            if _claim(delivery_id, now):
                return int(delivery_id)
    return None


def webhook_relay(*, limit: int = 100, budget_seconds: float = 30.0) -> int:
    """Send the deliveries that are due: new ones whose queueing was lost (broker down at commit) and
    retries whose time has come. Each is claimed first, so it is sent once however many relays run.
    Stops after ``limit`` deliveries or ``budget_seconds``; the next run carries on. Returns attempts made."""
    started = time.monotonic()
    sent = 0
    while sent < limit and time.monotonic() - started < budget_seconds:
        delivery_id = _claim_next_due()
        if delivery_id is None:
            break
        _attempt(delivery_id)
        sent += 1
    return sent


def webhook_purge(*, now: datetime | None = None) -> int:
    """Delete events (with their deliveries and attempt logs) older than ``WEBHOOK_RETENTION_DAYS`` once none
    of their deliveries is still pending. Returns the number of events deleted."""
    cutoff = (now or timezone.now()) - timedelta(days=max(2.0, float(settings.WEBHOOK_RETENTION_DAYS)))
    old = WebhookEvent.objects.filter(created_at__lt=cutoff).exclude(deliveries__status=DeliveryStatus.PENDING)
    deleted = 0
    while ids := list(old.values_list("pk", flat=True)[:1000]):
        WebhookEvent.objects.filter(pk__in=ids).delete()
        deleted += len(ids)
    return deleted
