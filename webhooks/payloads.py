"""What goes out: ticket events mapped to webhook types, and the compact ticket snapshot they carry.

Only what a shop platform may see leaves the helpdesk: internal notes, SLA bookkeeping (warnings, pauses,
recomputations) and kind-app workflow steps (complaint analysis …) never do.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.utils.dateparse import parse_datetime

from tickets.attachment_links import attachment_signed_link
from tickets.enums import EscalationTarget, EventType, TicketStatus
from tickets.models import Message, Ticket, TicketEvent
from tickets.selectors_attachments import message_attachments
from tickets.tracking import tracking_url

from .enums import WebhookEventType

# Ticket events that change what a platform sees, reported as ticket.updated (with ``change``).
UPDATE_EVENTS = frozenset(
    {
        EventType.REPLIED,
        EventType.CUSTOMER_REPLIED,
        EventType.STATUS_CHANGED,
        EventType.PRIORITY_CHANGED,
        EventType.RECLASSIFIED,
        EventType.ASSIGNED,
        EventType.TEAM_CHANGED,
    }
)
MESSAGE_EVENTS = frozenset({EventType.REPLIED, EventType.CUSTOMER_REPLIED})

# What other apps add to a ticket webhook's data (surveys: ``survey_url`` on ticket.resolved). Webhooks does
# not know its producers: they register here from ``AppConfig.ready()``. A contributor reads, never writes.
TicketPayloadContributor = Callable[[Ticket, TicketEvent], dict[str, Any]]
_contributors: dict[str, list[TicketPayloadContributor]] = {}


def register_ticket_payload_contributor(webhook_type: str, contributor: TicketPayloadContributor) -> None:
    bucket = _contributors.setdefault(webhook_type, [])
    if contributor not in bucket:
        bucket.append(contributor)


def webhook_type_for(event: TicketEvent) -> str | None:
    """The webhook type a ticket event is sent as, or None when it stays inside the helpdesk."""
    if event.type == EventType.CREATED:
        return WebhookEventType.TICKET_CREATED
    if event.type == EventType.ESCALATED:
        # An agent's help request (target "requested") is internal, like a note: its reason stays inside.
        if (event.data or {}).get("target") == EscalationTarget.REQUESTED:
            return None
        return WebhookEventType.TICKET_ESCALATED
    if event.type == EventType.STATUS_CHANGED and (event.data or {}).get("new") == TicketStatus.RESOLVED:
        return WebhookEventType.TICKET_RESOLVED
    if event.type in UPDATE_EVENTS:
        return WebhookEventType.TICKET_UPDATED
    return None  # noted (internal), sla_*, first_responded / next_replied (shown by the snapshot), workflow


def webhook_time(moment: datetime | None) -> str | None:
    """How every time in a webhook is written: ISO 8601 in UTC, ``2026-11-23T06:03:11.402118+00:00``. A time
    just parsed from a request keeps the caller's offset in memory (``+08:00``) while one read back from the
    database is UTC; converting here makes every field of every delivery alike, whatever produced it."""
    return moment.astimezone(UTC).isoformat() if moment else None


def ticket_snapshot(ticket: Ticket, event: TicketEvent | None = None) -> dict[str, Any]:
    """The ticket as a platform sees it, from the in-memory instance (no re-read of the locked row). Ticket
    services save a change before they record its event, so this is the ticket *after* the change."""
    customer = ticket.customer
    updated_at = ticket.updated_at
    if event is not None and (updated_at is None or event.created_at > updated_at):
        updated_at = event.created_at
    return {
        "id": ticket.pk,
        "reference": ticket.reference,
        "kind": ticket.kind,
        "category": ticket.category,
        "status": ticket.status,
        "priority": ticket.priority,
        "subject": ticket.subject,
        "channel": ticket.channel,
        "source_platform": ticket.source_platform,
        "external_id": ticket.external_id,
        "customer": {
            "id": customer.pk,
            "platform": customer.platform,
            "platform_account_id": customer.platform_account_id,
            "name": customer.name,
        },
        "order_number": ticket.order.order_number if ticket.order_id and ticket.order else None,
        "team": ticket.team.name if ticket.team_id and ticket.team else None,
        "assignee": str(ticket.assignee) if ticket.assignee_id and ticket.assignee else None,
        "received_at": webhook_time(ticket.received_at),
        "first_response_due_at": webhook_time(ticket.first_response_due_at),
        "resolution_due_at": webhook_time(ticket.resolution_due_at),
        "first_responded_at": webhook_time(ticket.first_responded_at),
        "resolved_at": webhook_time(ticket.resolved_at),
        "escalation_level": ticket.escalation_level,
        "tracking_url": tracking_url(ticket),
        "updated_at": webhook_time(updated_at),
    }


def _change(event: TicketEvent) -> dict[str, Any]:
    """What happened, for ticket.updated / .resolved / .escalated: the event type and its public data."""
    data = dict(event.data or {})
    data.pop("recipients", None)  # staff names on an escalation stay inside
    for key, value in data.items():  # times the event wrote as text (an escalation's due_at): UTC, as the rest
        if key.endswith("_at") and isinstance(value, str) and (moment := parse_datetime(value)) and moment.tzinfo:
            data[key] = webhook_time(moment)
    change: dict[str, Any] = {"type": event.type, "at": webhook_time(event.created_at), **data}
    if event.type in MESSAGE_EVENTS and data.get("message_id"):
        message = (
            Message.objects.filter(pk=data["message_id"], visibility="public")
            .values("id", "author_type", "body", "created_at")
            .first()
        )
        if message is not None:
            change["message"] = {
                **message,
                "created_at": webhook_time(message["created_at"]),
                "attachments": _attachments(message["id"]),
            }
    return change


def _attachments(message_id: int) -> list[dict[str, Any]]:
    """A public message's files as signed download links that expire (``tickets.attachment_links``): the
    platform fetches them without credentials, and a link that leaks stops working after a week."""
    out = []
    for attachment in message_attachments(message_id=message_id):
        link = attachment_signed_link(attachment)
        out.append(
            {
                "id": attachment.pk,
                "name": attachment.display_name,
                "content_type": attachment.content_type,
                "size": attachment.size,
                "url": link.url,
                "expires_at": webhook_time(link.expires_at),
            }
        )
    return out


def ticket_event_data(webhook_type: str, ticket: Ticket, event: TicketEvent) -> dict[str, Any]:
    """The ``data`` of a ticket webhook: the snapshot, plus ``change``, plus what contributors add."""
    data = ticket_snapshot(ticket, event)
    if webhook_type != WebhookEventType.TICKET_CREATED:
        data["change"] = _change(event)
    for contributor in _contributors.get(webhook_type, ()):
        data.update(contributor(ticket, event))
    return data
