"""Webhook endpoints: subscribe, change, rotate the signing secret, ping, delete."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, ValidationFailed
from integrations.models import Integration

from .. import signing
from ..enums import PING, WebhookEventType
from ..models import WebhookDelivery, WebhookEndpoint
from ..targets import target_validate
from .outbox import webhook_subscriptions_forget, write_event

DEFAULT_SECRET_OVERLAP = timedelta(hours=24)


MAX_SECRET_OVERLAP = timedelta(days=7)


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
        event = write_event(
            type=PING,
            payload={"endpoint_id": endpoint.pk, "message": "Webhook test from the helpdesk."},
            endpoints=[endpoint.pk],
        )
    return WebhookDelivery.objects.select_related("endpoint", "event").get(event=event)
