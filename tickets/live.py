"""The ticket page's live channel (collision detection): who else is viewing and typing, and what happened on
the ticket since the page's newest event, as server-sent events. Each event's data is::

    {"viewers": ["李雷"], "typing": [], "last_event_id": 42,
     "events": [{"id", "type", "actor", "at", "mine", "text", "excerpt"}, ...]}

``events`` are the ticket's events after the last id sent (oldest first, bookkeeping left out), described in
the reader's language; ``mine`` marks the reader's own. ``last_event_id`` is also the SSE ``id``: a
reconnecting EventSource sends it back as ``Last-Event-ID`` and the news resumes there.

The same machinery as the bell (``notifications.live.wakeup_stream``): the stream re-reads the database on a
Redis pub/sub wake-up on ``helpdesk:ticket:<id>`` (published after commit by every event on the ticket and by
every heartbeat) and polls every ``TICKET_LIVE_POLL_SECONDS`` without Redis, every
``TICKET_LIVE_FALLBACK_POLL_SECONDS`` with it (typing marks and viewers also expire with no write at all).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import translation

from notifications.live import in_thread, sse_event, sse_retry, wakeup_stream

from .selectors_collision import (
    describe_events,
    ticket_channel,
    ticket_events_after,
    ticket_latest_event_id,
    ticket_presence,
)

EVENTS_PER_MESSAGE = 20


@dataclass
class TicketCursor:
    """Where one page's stream stands: the newest event id sent, and the viewers and typists sent last."""

    ticket_id: int
    reader_id: int
    customer_name: str
    after_id: int
    viewers: list[str] | None = None
    typing: list[str] | None = None


def cursor_open(*, ticket_id: int, reader_id: int, customer_name: str, after_id: int | None) -> TicketCursor:
    """Start after ``after_id`` (``Last-Event-ID``, or ``?after=`` the newest event the page showed), else
    after the ticket's newest event."""
    if after_id is None:
        after_id = ticket_latest_event_id(ticket_id=ticket_id)
    return TicketCursor(ticket_id=ticket_id, reader_id=reader_id, customer_name=customer_name, after_id=after_id)


def cursor_read(cursor: TicketCursor, *, language: str) -> tuple[dict[str, Any] | None, bool]:
    """Advance the cursor: the payload to send (None when nothing changed since the last one) and whether
    more events are waiting. Two queries when nothing happened, three with news."""
    presence = ticket_presence(ticket_id=cursor.ticket_id, reader_id=cursor.reader_id)
    events = ticket_events_after(ticket_id=cursor.ticket_id, after_id=cursor.after_id, limit=EVENTS_PER_MESSAGE)
    if not events and presence.viewers == cursor.viewers and presence.typing == cursor.typing:
        return None, False
    cursor.viewers, cursor.typing = presence.viewers, presence.typing
    if events:
        cursor.after_id = events[-1].pk
    with translation.override(language):
        news = describe_events(events, reader_id=cursor.reader_id, customer_name=cursor.customer_name)
    payload = {
        "viewers": presence.viewers,
        "typing": presence.typing,
        "last_event_id": cursor.after_id,
        "events": news,
    }
    return payload, len(events) == EVENTS_PER_MESSAGE


async def event_stream(*, cursor: TicketCursor, language: str) -> AsyncIterator[str]:
    """The SSE body for an ASGI server: the state at once, then a message whenever it changes."""
    read = in_thread(cursor_read)

    async def read_news() -> tuple[dict[str, Any] | None, bool]:
        result: tuple[dict[str, Any] | None, bool] = await read(cursor, language=language)
        return result

    async for chunk in wakeup_stream(
        channel=ticket_channel(cursor.ticket_id),
        read=read_news,
        poll=float(settings.TICKET_LIVE_POLL_SECONDS),
        fallback_poll=float(settings.TICKET_LIVE_FALLBACK_POLL_SECONDS),
        id_key="last_event_id",
    ):
        yield chunk


def reconnect_without_streaming_ms() -> int:
    """Where the server cannot stream, the browser reconnects this often: a typing mark is only useful at once,
    so the poll is the stream's own (each answer is two small queries)."""
    return int(float(settings.TICKET_LIVE_POLL_SECONDS) * 1000)


async def single_event(*, cursor: TicketCursor, language: str) -> str:
    """The whole body where the server cannot stream (a WSGI server): the state now and a reconnect hint,
    which makes EventSource poll."""
    payload, _more = await in_thread(cursor_read)(cursor, language=language)
    body = sse_retry(reconnect_without_streaming_ms())
    return body + (sse_event(payload, id_key="last_event_id") if payload else "")
