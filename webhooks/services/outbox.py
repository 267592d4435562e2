"""The outbox: who subscribes (kept in memory, re-read at most once a second), and the events and deliveries
written in the transaction of the change they report, queued for delivery after commit."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from core.enqueue import enqueue

from ..models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from ..payloads import ticket_event_data, webhook_time, webhook_type_for

MIN_RETRY_HOURS = 24.0


SUBSCRIPTIONS_TTL_SECONDS = 1.0


def retry_window() -> timedelta:
    """How long a delivery is retried before it is given up: ``WEBHOOK_RETRY_HOURS``, never under 24 h."""
    return timedelta(hours=max(MIN_RETRY_HOURS, float(settings.WEBHOOK_RETRY_HOURS)))


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


class _PayloadEncoder(DjangoJSONEncoder):
    """Django's encoder, but a datetime in UTC to the microsecond (``webhook_time``), like every other time in
    a delivery: Django's own writes milliseconds and ``Z``."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime) and o.tzinfo is not None:
            return webhook_time(o)
        return super().default(o)


def _json_safe(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=_PayloadEncoder))


def write_event(*, type: str, payload: dict[str, Any], endpoints: Sequence[int]) -> WebhookEvent:
    now = timezone.now()
    event = WebhookEvent(type=type, created_at=now, payload={})
    event.payload = {"id": str(event.id), "type": type, "created_at": webhook_time(now), "data": _json_safe(payload)}
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
    transaction.on_commit(lambda: enqueue_deliveries(ids))
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
    return write_event(type=type, payload=payload, endpoints=endpoint_ids)


def enqueue_deliveries(delivery_ids: Iterable[int]) -> None:
    """After commit: queue each delivery. The rows are committed, so a broker error loses nothing: the relay
    sends them."""
    for delivery_id in delivery_ids:
        if not enqueue("webhooks.tasks.webhook_deliver_task", delivery_id, if_lost="the relay will send it"):
            return  # the broker is down: the rest would fail the same way


def webhook_on_ticket_event(ticket: Any, event: Any) -> None:
    """The ticket core's event listener (registered in ``WebhooksConfig.ready``): runs inside the ticket
    service's transaction for every ``TicketEvent``; writes to the outbox when someone subscribes."""
    webhook_type = webhook_type_for(event)
    if webhook_type is None or not webhook_wanted(type=webhook_type):
        return
    platform = ticket.customer.platform
    if not webhook_wanted(type=webhook_type, platform=platform):
        return
    webhook_emit(type=webhook_type, payload=ticket_event_data(webhook_type, ticket, event), platform=platform)
