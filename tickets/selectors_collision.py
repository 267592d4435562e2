"""Collision detection reads (issue 15): who else has a ticket open or is typing a reply, what happened on a
ticket after the newest event a page showed, and which of those changes make a reply or a status change
stale.

The database is the truth: viewers are ``TicketViewer`` rows refreshed by the page's heartbeat, news is the
ticket's ``TicketEvent`` rows after an id. Event ids grow in commit order on one ticket, because every service
that writes an event holds the ticket's row lock until it commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Max
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from .enums import EventType, TicketStatus
from .models import Message, Ticket, TicketEvent, TicketViewer

CHANNEL_PREFIX = "helpdesk:ticket:"
EXCERPT_CHARS = 120
# Events that are only bookkeeping of another one on the same change: never news by themselves.
_QUIET_EVENTS = {EventType.FIRST_RESPONDED, EventType.NEXT_REPLIED, EventType.SLA_RECOMPUTED}


def ticket_channel(ticket_id: int) -> str:
    """The Redis pub/sub channel that wakes a ticket page's live streams."""
    return f"{CHANNEL_PREFIX}{ticket_id}"


def _active_since(now: datetime | None) -> datetime:
    return (now or timezone.now()) - timedelta(seconds=float(settings.TICKET_VIEWER_TIMEOUT_SECONDS))


@dataclass(frozen=True)
class Presence:
    """Who else has a ticket open, and which of them is typing a reply, by display name."""

    viewers: list[str]
    typing: list[str]


def ticket_presence(*, ticket_id: int, reader_id: int, now: datetime | None = None) -> Presence:
    """The people (other than the reader) whose page of the ticket sent a heartbeat within
    ``TICKET_VIEWER_TIMEOUT_SECONDS``, oldest viewer first, and those of them typing now. One query."""
    now = now or timezone.now()
    rows = (
        TicketViewer.objects.filter(ticket_id=ticket_id, last_seen_at__gte=_active_since(now))
        .exclude(user_id=reader_id)
        .select_related("user")
        .order_by("id")
    )
    viewers, typing = [], []
    for row in rows:
        viewers.append(str(row.user))
        if row.typing_until is not None and row.typing_until > now:
            typing.append(str(row.user))
    return Presence(viewers=viewers, typing=typing)


def ticket_viewer_names(*, ticket_id: int, reader_id: int, now: datetime | None = None) -> list[str]:
    return ticket_presence(ticket_id=ticket_id, reader_id=reader_id, now=now).viewers


def ticket_typing_names(*, ticket_id: int, reader_id: int, now: datetime | None = None) -> list[str]:
    return ticket_presence(ticket_id=ticket_id, reader_id=reader_id, now=now).typing


def inbox_viewers(
    *, ticket_ids: Iterable[int], reader_id: int | None, now: datetime | None = None
) -> dict[int, list[str]]:
    """For a page of inbox rows: who (other than the reader) is viewing each ticket, in one query."""
    ids = list(ticket_ids)
    found: dict[int, list[str]] = {}
    if not ids:
        return found
    rows = TicketViewer.objects.filter(ticket_id__in=ids, last_seen_at__gte=_active_since(now))
    if reader_id is not None:
        rows = rows.exclude(user_id=reader_id)
    for row in rows.select_related("user").order_by("ticket_id", "id"):
        found.setdefault(row.ticket_id, []).append(str(row.user))
    return found


def ticket_latest_event_id(*, ticket_id: int) -> int:
    """The id of the ticket's newest event (0 if it has none)."""
    latest = TicketEvent.objects.filter(ticket_id=ticket_id).aggregate(latest=Max("id"))["latest"]
    return int(latest or 0)


def ticket_events_after(*, ticket_id: int, after_id: int, limit: int = 20) -> list[TicketEvent]:
    """The ticket's events after ``after_id``, oldest first, with their actors."""
    return list(
        TicketEvent.objects.filter(ticket_id=ticket_id, id__gt=after_id).select_related("actor").order_by("id")[:limit]
    )


def _actor_name(event: TicketEvent) -> str | None:
    return str(event.actor) if event.actor is not None else None


def _status_label(value: Any) -> str:
    return str(TicketStatus(value).label) if value in TicketStatus.values else str(value or "")


def describe_events(
    events: list[TicketEvent], *, reader_id: int | None, customer_name: str = ""
) -> list[dict[str, Any]]:
    """The events as short news for a person (call with the reader's language active): type, actor name,
    time, whether the reader caused it, a one-line text and, for messages, an excerpt. One query for the
    messages' bodies; bookkeeping events that repeat another one are left out."""
    message_ids = [e.data.get("message_id") for e in events if isinstance(e.data, dict) and e.data.get("message_id")]
    bodies = dict(Message.objects.filter(pk__in=message_ids).values_list("pk", "body")) if message_ids else {}
    described = []
    for event in events:
        if event.type in _QUIET_EVENTS:
            continue
        data = event.data if isinstance(event.data, dict) else {}
        actor = _actor_name(event)
        message_id = data.get("message_id")
        body = bodies.get(message_id, "") if isinstance(message_id, int) else ""
        if event.type == EventType.CUSTOMER_REPLIED:
            text = _("New message from the buyer")
        elif event.type == EventType.REPLIED:
            text = _("%(name)s replied") % {"name": actor} if actor else _("An automatic reply was sent")
        elif event.type == EventType.NOTED:
            text = _("%(name)s added an internal note") % {"name": actor or _("Someone")}
        elif event.type == EventType.STATUS_CHANGED:
            text = _("Status changed: %(old)s → %(new)s") % {
                "old": _status_label(data.get("old")),
                "new": _status_label(data.get("new")),
            }
        else:
            label = str(EventType(event.type).label) if event.type in EventType.values else event.type
            text = f"{label} — {actor}" if actor else label
        described.append(
            {
                "id": event.pk,
                "type": event.type,
                "actor": actor if event.type != EventType.CUSTOMER_REPLIED or actor else (customer_name or None),
                "at": event.created_at.isoformat(),
                "mine": reader_id is not None and event.actor_id == reader_id,
                "text": text,
                "excerpt": Truncator(body).chars(EXCERPT_CHARS) if body else "",
            }
        )
    return described


def _makes_stale(event: TicketEvent, sender_id: int | None) -> bool:
    """Whether an event the sender has not seen should stop their reply or status change: the buyer wrote
    (unless the sender recorded that message themselves, from a call), someone else (a person) replied, or
    someone else (anyone, the system too) changed the status. Internal notes and the sender's own steps never
    do."""
    if event.type == EventType.CUSTOMER_REPLIED:
        return event.actor_id is None or event.actor_id != sender_id
    if event.type == EventType.REPLIED:
        return event.actor_id is not None and event.actor_id != sender_id
    if event.type == EventType.STATUS_CHANGED:
        return event.actor_id is None or event.actor_id != sender_id
    return False


def ticket_stale_changes(
    *, ticket: Ticket, sender_id: int | None, seen_event_id: int, limit: int = 20
) -> list[dict[str, Any]]:
    """The changes after ``seen_event_id`` that make a reply or status change from ``sender_id`` stale, oldest
    first, described for a person (empty when nothing that matters happened)."""
    candidates = (
        TicketEvent.objects.filter(
            ticket_id=ticket.pk,
            id__gt=seen_event_id,
            type__in=[EventType.CUSTOMER_REPLIED, EventType.REPLIED, EventType.STATUS_CHANGED],
        )
        .select_related("actor")
        .order_by("id")
    )
    stale = [event for event in candidates if _makes_stale(event, sender_id)][:limit]
    if not stale:
        return []
    return describe_events(stale, reader_id=sender_id, customer_name=ticket.customer.name)
