"""Who has a ticket open (collision detection): the page's heartbeat and its leave beacon.

A viewer row per (ticket, user), upserted by each heartbeat; a row older than
``TICKET_VIEWER_TIMEOUT_SECONDS`` no longer counts (``tickets.selectors_collision``), so a closed tab that
never said goodbye drops out by itself. Each change wakes the ticket's open pages after commit.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from notifications.pubsub import publish_channel_wakeups

from ..models import Ticket, TicketViewer
from ..selectors_collision import ticket_channel

TYPING_SECONDS = 6


def wake_ticket_pages(ticket_id: int) -> None:
    """After the current transaction commits, tell the ticket's open live streams to re-read."""
    channel = ticket_channel(ticket_id)
    transaction.on_commit(lambda: publish_channel_wakeups([channel]))


def ticket_viewer_touch(
    *, ticket: Ticket, user: Any, typing: bool = False, now: datetime | None = None
) -> TicketViewer:
    """Record that ``user`` has ``ticket`` open now (and, with ``typing``, is writing a reply for the next
    ``TYPING_SECONDS``). An upsert: one row per ticket and user, safe to call every few seconds.

    Preconditions: the caller checked that ``user`` may see ``ticket``. A heartbeat without ``typing`` keeps
    an earlier typing mark until it runs out (the page sends typing on keystrokes, the heartbeat on a timer).
    Wakes the ticket's live streams on commit.
    """
    now = now or timezone.now()
    defaults: dict[str, Any] = {"last_seen_at": now}
    if typing:
        defaults["typing_until"] = now + timedelta(seconds=TYPING_SECONDS)
    with transaction.atomic():
        viewer, _created = TicketViewer.objects.update_or_create(ticket=ticket, user=user, defaults=defaults)
        wake_ticket_pages(ticket.pk)
    return viewer


def ticket_viewer_leave(*, ticket: Ticket, user: Any) -> None:
    """``user`` closed the ticket's page (the leave beacon): they no longer count as viewing. Idempotent."""
    with transaction.atomic():
        deleted, _rows = TicketViewer.objects.filter(ticket=ticket, user=user).delete()
        if deleted:
            wake_ticket_pages(ticket.pk)


def ticket_events_wake_pages(ticket: Ticket, event: Any) -> None:
    """Event listener (registered in ``TicketsConfig.ready``): every event written on a ticket wakes its open
    pages once the change commits, so they fetch the news."""
    wake_ticket_pages(ticket.pk)
