"""Every write of the webhooks app: endpoints, the outbox, deliveries and their attempts.

The outbox: ``webhook_emit`` writes the event and one pending delivery per subscribed endpoint in the
caller's transaction, so an event exists exactly when the change it reports was committed. After commit
the delivery task is queued; if the broker is down the rows are still there and ``webhook_relay`` (beat,
every ``WEBHOOK_RELAY_SECONDS``) sends them. Whoever sends a delivery first claims it with a lease, so a
task and a relay (or two relays) never send the same delivery at once.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.enqueue import enqueue
from core.errors import Conflict, ValidationFailed
from integrations.models import Integration

from . import signing
from .enums import PING, DeliveryStatus, WebhookEventType
from .models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent
from .targets import TargetRefused, target_check_resolved, target_validate

logger = logging.getLogger("webhooks")

USER_AGENT = "Helpdesk-Webhooks/1.0"
FIRST_RETRY = timedelta(seconds=30)
MAX_RETRY_INTERVAL = timedelta(hours=6)
JITTER = 0.1
MIN_RETRY_HOURS = 24.0
LEASE_MARGIN = timedelta(seconds=30)
EXCERPT_CHARS = 1000
READ_LIMIT_BYTES = 4096
DEFAULT_SECRET_OVERLAP = timedelta(hours=24)
MAX_SECRET_OVERLAP = timedelta(days=7)
SUBSCRIPTIONS_TTL_SECONDS = 1.0

# Tests swap in an ``httpx.MockTransport``; None means the real network.
http_transport: httpx.BaseTransport | None = None


def retry_window() -> timedelta:
    """How long a delivery is retried before it is given up: ``WEBHOOK_RETRY_HOURS``, never under 24 h."""
    return timedelta(hours=max(MIN_RETRY_HOURS, float(settings.WEBHOOK_RETRY_HOURS)))


def request_timeout() -> float:
    return float(settings.WEBHOOK_TIMEOUT_SECONDS)


def retry_delay(attempts: int) -> timedelta:
    """Wait after the ``attempts``-th failure: 30 s, 1 min, 2 min … doubling, at most 6 h, ±10 % jitter."""
    base = min(FIRST_RETRY * (2 ** max(0, attempts - 1)), MAX_RETRY_INTERVAL)
    return base * random.uniform(1 - JITTER, 1 + JITTER)


# --- who subscribes (the hot path) -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Subscription:
    endpoint_id: int
    events: frozenset[str]
    platform: str  # the integration's platform; blank: every platform


_subscriptions_lock = threading.Lock()
_subscriptions: tuple[float, list[_Subscription]] | None = None


def webhook_subscriptions_forget() -> None:
    """Drop this process's copy of who subscribes (after an endpoint changes, and between tests)."""
    global _subscriptions
    with _subscriptions_lock:
        _subscriptions = None


def _active_subscriptions() -> list[_Subscription]:
    # Every ticket change asks "does anyone want this?": answered from memory, re-read at most once a
    # second per process, so creating a ticket costs no query when nobody subscribes. Another process's
    # new endpoint is seen within a second; this process's own changes at once (webhook_subscriptions_forget).
    global _subscriptions
    now = time.monotonic()
    cached = _subscriptions
    if cached is not None and now - cached[0] < SUBSCRIPTIONS_TTL_SECONDS:
        return cached[1]
    rows = WebhookEndpoint.objects.filter(is_active=True, integration__is_active=True).values_list(
        "pk", "events", "integration__platform"
    )
    fresh = [_Subscription(pk, frozenset(events or ()), platform or "") for pk, events, platform in rows]
    with _subscriptions_lock:
        _subscriptions = (now, fresh)
    return fresh


def _subscriber_ids(event_type: str, platform: str | None) -> list[int]:
    """Endpoints that want this event. ``platform=None``: ignore the platform (the cheap first question)."""
    return [
        sub.endpoint_id
        for sub in _active_subscriptions()
        if event_type in sub.events
        and (platform is None or not sub.platform or not platform or sub.platform == platform)
    ]


def webhook_wanted(*, type: str, platform: str | None = None) -> bool:
    """Does any active endpoint subscribe to ``type``? Cheap: ask before building an expensive payload."""
    return bool(_subscriber_ids(type, platform))


# --- the outbox --------------------------------------------------------------------------------------------


def _json_safe(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _write_event(*, type: str, payload: dict[str, Any], endpoints: Sequence[int]) -> WebhookEvent:
    now = timezone.now()
    event = WebhookEvent(type=type, created_at=now, payload={})
    event.payload = {"id": str(event.id), "type": type, "created_at": now.isoformat(), "data": _json_safe(payload)}
    event.save(force_insert=True)
    deliveries = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                endpoint_id=endpoint_id,
                event=event,
                next_attempt_at=now,
                give_up_at=now + retry_window(),
                created_at=now,
            )
            for endpoint_id in endpoints
        ]
    )
    ids = [delivery.pk for delivery in deliveries]
    if None in ids:  # a backend that does not return ids from a bulk insert
        ids = list(WebhookDelivery.objects.filter(event=event).values_list("pk", flat=True))
    transaction.on_commit(lambda: _enqueue(ids))
    return event


def webhook_emit(*, type: str, payload: dict[str, Any], platform: str = "") -> WebhookEvent | None:
    """Put an event in the outbox for every active endpoint subscribed to ``type`` (of an integration on
    ``platform``, or on every platform). Call inside the transaction of the change it reports: it is written
    and sent only if that commits. Writes nothing (and costs no query) when nobody subscribes.

    ``payload`` becomes the envelope's ``data``: ``{"id", "type", "created_at", "data"}``.
    """
    if not _subscriber_ids(type, platform):
        return None
    endpoint_ids = [
        endpoint.pk
        for endpoint in WebhookEndpoint.objects.filter(
            pk__in=_subscriber_ids(type, platform), is_active=True, integration__is_active=True
        )
        if endpoint.subscribes_to(type)
    ]
    if not endpoint_ids:
        return None
    return _write_event(type=type, payload=payload, endpoints=endpoint_ids)


def _enqueue(delivery_ids: Iterable[int]) -> None:
    """After commit: queue each delivery. The rows are committed, so a broker error loses nothing: the relay
    sends them."""
    for delivery_id in delivery_ids:
        if not enqueue("webhooks.tasks.webhook_deliver_task", delivery_id, if_lost="the relay will send it"):
            return  # the broker is down: the rest would fail the same way


# --- events from other apps ----------------------------------------------------------------------------------


def webhook_on_ticket_event(ticket: Any, event: Any) -> None:
    """The ticket core's event listener (registered in ``WebhooksConfig.ready``): runs inside the ticket
    service's transaction for every ``TicketEvent``; writes to the outbox when someone subscribes."""
    from .payloads import ticket_event_data, webhook_type_for

    webhook_type = webhook_type_for(event)
    if webhook_type is None or not webhook_wanted(type=webhook_type):
        return
    platform = ticket.customer.platform
    if not webhook_wanted(type=webhook_type, platform=platform):
        return
    webhook_emit(type=webhook_type, payload=ticket_event_data(webhook_type, ticket, event), platform=platform)


# --- endpoints ---------------------------------------------------------------------------------------------------


def events_validate(events: Sequence[str]) -> list[str]:
    allowed = list(WebhookEventType.values)
    unknown = [event for event in events if event not in allowed]
    if unknown or not events:
        message = (
            _("Unknown event type: %(events)s.") % {"events": ", ".join(map(str, unknown))}
            if unknown
            else _("Subscribe to at least one event type.")
        )
        raise ValidationFailed(
            message, fields={"events": [_("Choose from: %(values)s.") % {"values": ", ".join(allowed)}]}
        )
    return sorted(set(events), key=allowed.index)


def webhook_endpoint_create(
    *, integration: Integration, url: str, events: Sequence[str], description: str = "", is_active: bool = True
) -> WebhookEndpoint:
    """A new endpoint with a fresh ``whsec_`` secret (read it from the returned object, once, for the caller).
    Refuses non-http(s) URLs and literal private addresses (see ``webhooks.targets``)."""
    endpoint = WebhookEndpoint.objects.create(
        integration=integration,
        url=target_validate(url),
        events=events_validate(events),
        description=description.strip(),
        is_active=is_active,
        secret=signing.secret_generate(),
    )
    webhook_subscriptions_forget()
    transaction.on_commit(webhook_subscriptions_forget)
    return endpoint


def webhook_endpoint_update(*, endpoint: WebhookEndpoint, **changes: Any) -> WebhookEndpoint:
    """Change url, events, description or the active flag. Deliveries already written keep their endpoint."""
    allowed = {"url", "events", "description", "is_active"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationFailed(_("Unknown field: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    if "url" in changes:
        changes["url"] = target_validate(changes["url"])
    if "events" in changes:
        changes["events"] = events_validate(changes["events"])
    if "description" in changes:
        changes["description"] = changes["description"].strip()
    for field, value in changes.items():
        setattr(endpoint, field, value)
    endpoint.save(update_fields=[*changes, "updated_at"])
    webhook_subscriptions_forget()
    transaction.on_commit(webhook_subscriptions_forget)
    return endpoint


def webhook_endpoint_delete(*, endpoint: WebhookEndpoint) -> None:
    """Remove the endpoint with its deliveries and their log."""
    endpoint.delete()
    webhook_subscriptions_forget()
    transaction.on_commit(webhook_subscriptions_forget)


def webhook_endpoint_rotate_secret(
    *, endpoint: WebhookEndpoint, overlap: timedelta = DEFAULT_SECRET_OVERLAP
) -> WebhookEndpoint:
    """A new secret. For ``overlap`` (default 24 h, 0: none) deliveries carry a second signature made with
    the old secret, so the receiver can switch secrets without refusing anything in between."""
    if overlap < timedelta(0) or overlap > MAX_SECRET_OVERLAP:
        raise ValidationFailed(
            _("The overlap must be between 0 and %(days)s days.") % {"days": MAX_SECRET_OVERLAP.days},
            fields={"overlap_hours": [_("Out of range.")]},
        )
    now = timezone.now()
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        endpoint.previous_secret = endpoint.secret if overlap else ""
        endpoint.previous_secret_expires_at = now + overlap if overlap else None
        endpoint.secret = signing.secret_generate()
        endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at", "updated_at"])
    return endpoint


def webhook_endpoint_ping(*, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """Send a ``ping`` event to this endpoint only (to test the URL and the signature check). The request
    that asks for it only writes the delivery; the worker sends it."""
    if not endpoint.is_active:
        raise Conflict(_("The endpoint is disabled; enable it before pinging it."))
    with transaction.atomic():
        event = _write_event(
            type=PING,
            payload={"endpoint_id": endpoint.pk, "message": "Webhook test from the helpdesk."},
            endpoints=[endpoint.pk],
        )
    return WebhookDelivery.objects.select_related("endpoint", "event").get(event=event)


# --- delivery -----------------------------------------------------------------------------------------------------


def webhook_redeliver(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again, whatever its state: pending, due now, with a fresh retry window. Earlier
    attempts stay in the log and new ones are added. A send in flight keeps its lease and finishes first."""
    endpoint = delivery.endpoint
    if not endpoint.is_active:
        raise Conflict(_("The endpoint is disabled; enable it before redelivering."))
    now = timezone.now()
    with transaction.atomic():
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.PENDING, next_attempt_at=now, give_up_at=now + retry_window(), delivered_at=None
        )
        transaction.on_commit(lambda: _enqueue([delivery.pk]))
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
                excerpt = received.decode("utf-8", errors="replace")[:EXCERPT_CHARS]
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
        WebhookDelivery.objects.filter(pk=delivery_id).update(
            status=DeliveryStatus.FAILED, next_attempt_at=None, lease_until=None, last_error="endpoint disabled"
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
    if outcome.succeeded:
        changes |= {"status": DeliveryStatus.SUCCEEDED, "delivered_at": now, "next_attempt_at": None}
    elif now >= delivery.give_up_at:
        changes |= {"status": DeliveryStatus.FAILED, "next_attempt_at": None}
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
