"""Live delivery of notifications to an open page: the server-sent event stream and the polling summary.

Both send the same JSON payload::

    {"unread": 3, "last_id": 42, "items": [{"id", "verb", "text", "url", "created_at"}, ...]}

``items`` are the notifications after the last one sent (oldest first), their text in the reader's language;
``last_id`` is the newest id sent, which is also the event's SSE ``id``: a reconnecting EventSource sends it
back as ``Last-Event-ID`` and the new stream resumes there, so nothing is missed or sent twice.

The stream reads the database (the truth) whenever a Redis pub/sub wake-up arrives, and polls as well:
every ``NOTIFICATIONS_POLL_SECONDS`` without Redis, every ``NOTIFICATIONS_FALLBACK_POLL_SECONDS`` with it
(a lost wake-up only delays). It ends after ``NOTIFICATIONS_STREAM_SECONDS`` and the browser reconnects.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from core import integers

from .models import Notification
from .pubsub import WakeupSubscriber, channel_for
from .selectors import (
    notification_bell,
    notification_ids_since,
    notification_list,
    notification_news,
    notification_unread_count,
)

logger = logging.getLogger(__name__)

ITEMS_PER_EVENT = 20
SUMMARY_ITEMS = 5
# How long after its creation a row can still appear (its transaction committing after a newer row's).
LATE_COMMIT_WINDOW = timedelta(minutes=2)
# The reconnect delay the browser is told: soon after a planned end; slowly when the server cannot stream.
RECONNECT_MS = 2000
RECONNECT_WITHOUT_STREAMING_MS = 20000

T = TypeVar("T")


@dataclass
class StreamCursor:
    """Where one stream stands: the newest id sent, recently sent ids below it, the unread count sent."""

    user_id: int
    after_id: int
    delivered: dict[int, datetime] = field(default_factory=dict)
    unread: int | None = None


def parse_id(value: str | None) -> int | None:
    """A notification id from a header or query string; None for anything else (never an error: a stream that
    cannot resume where it asked starts after the newest)."""
    return integers.parse_id((value or "").strip())


def item_payload(notification: Notification) -> dict[str, Any]:
    """One notification for the browser; call with the reader's language active."""
    return {
        "id": notification.pk,
        "verb": notification.verb,
        "text": notification.text,
        "url": reverse("notifications:open", args=[notification.pk]),
        "created_at": notification.created_at.isoformat(),
    }


def cursor_open(*, user_id: int, after_id: int | None) -> StreamCursor:
    """Start a stream after ``after_id`` (from ``Last-Event-ID`` or ``?after=``), else after the newest."""
    if after_id is None:
        after_id = notification_bell(user=user_id).latest_id
    since = timezone.now() - LATE_COMMIT_WINDOW
    # The previous stream (or the page) saw everything up to after_id that was committed then; rows that
    # commit late from now on are new to us.
    delivered = notification_ids_since(user_id=user_id, up_to_id=after_id, since=since)
    return StreamCursor(user_id=user_id, after_id=after_id, delivered=delivered)


def cursor_read(cursor: StreamCursor, *, language: str) -> tuple[dict[str, Any] | None, bool]:
    """Advance the cursor: the payload to send (None if nothing changed since the last one) and whether
    more items are waiting."""
    since = timezone.now() - LATE_COMMIT_WINDOW
    cursor.delivered = {pk: created for pk, created in cursor.delivered.items() if created >= since}
    items = notification_news(
        user_id=cursor.user_id,
        after_id=cursor.after_id,
        late_since=since,
        known_ids=cursor.delivered.keys(),
        limit=ITEMS_PER_EVENT,
    )
    unread = notification_unread_count(user=cursor.user_id)
    for notification in items:
        cursor.after_id = max(cursor.after_id, notification.pk)
        cursor.delivered[notification.pk] = notification.created_at
    if not items and unread == cursor.unread:
        return None, False
    cursor.unread = unread
    with translation.override(language):
        payload = {"unread": unread, "last_id": cursor.after_id, "items": [item_payload(n) for n in items]}
    return payload, len(items) == ITEMS_PER_EVENT


def summary_payload(*, user: Any, after_id: int | None, language: str) -> dict[str, Any]:
    """For the polling fallback: the unread count and the items after ``after_id`` (the newest few without)."""
    bell = notification_bell(user=user)
    if after_id is None:
        items = list(reversed(notification_list(user=user)[:SUMMARY_ITEMS]))
        last_id = bell.latest_id
    else:
        items = notification_news(user_id=user.pk, after_id=after_id, limit=ITEMS_PER_EVENT)
        last_id = max([after_id, *(notification.pk for notification in items)])
    with translation.override(language):
        return {"unread": bell.unread, "last_id": last_id, "items": [item_payload(n) for n in items]}


def sse_event(payload: dict[str, Any], *, id_key: str = "last_id") -> str:
    return f"id: {payload[id_key]}\ndata: {json.dumps(payload, ensure_ascii=False)}\n\n"


def sse_retry(milliseconds: int) -> str:
    return f"retry: {milliseconds}\n\n"


def in_thread(function: Callable[..., T]) -> Callable[..., Any]:
    """Run ORM work off the event loop, then give the database connection back.

    An open stream spends nearly all its time waiting; holding a connection through that would cost one
    database connection per open browser tab.
    """

    def run(*args: Any, **kwargs: Any) -> T:
        try:
            return function(*args, **kwargs)
        finally:
            if not connection.in_atomic_block:
                connection.close()

    return sync_to_async(run)


async def event_stream(*, cursor: StreamCursor, language: str) -> AsyncIterator[str]:
    """The SSE body: the current state at once, then an event whenever the user's unread state changes,
    a comment line as heartbeat, and a reconnect hint at the end."""
    read = in_thread(cursor_read)

    async def read_news() -> tuple[dict[str, Any] | None, bool]:
        result: tuple[dict[str, Any] | None, bool] = await read(cursor, language=language)
        return result

    async for chunk in wakeup_stream(
        channel=channel_for(cursor.user_id),
        read=read_news,
        poll=float(settings.NOTIFICATIONS_POLL_SECONDS),
        fallback_poll=float(settings.NOTIFICATIONS_FALLBACK_POLL_SECONDS),
    ):
        yield chunk


async def wakeup_stream(
    *,
    channel: str,
    read: Callable[[], Awaitable[tuple[dict[str, Any] | None, bool]]],
    poll: float,
    fallback_poll: float,
    lifetime: float | None = None,
    heartbeat: float | None = None,
    id_key: str = "last_id",
) -> AsyncIterator[str]:
    """An SSE body that re-reads the database on each wake-up published on ``channel`` and on a poll: every
    ``poll`` seconds without Redis, every ``fallback_poll`` with it. ``read()`` returns the payload to send
    (None when nothing changed) and whether more is waiting; ``payload[id_key]`` is the event's SSE id.
    Shared by the bell and by pages of apps above (the ticket page's viewers and news)."""
    lifetime = float(settings.NOTIFICATIONS_STREAM_SECONDS) if lifetime is None else lifetime
    heartbeat = float(settings.NOTIFICATIONS_HEARTBEAT_SECONDS) if heartbeat is None else heartbeat

    deadline = time.monotonic() + lifetime
    yield sse_retry(RECONNECT_MS)
    # Subscribe before the first read: a wake-up published in between then triggers a second read instead
    # of being lost.
    subscriber = await _subscribe(channel)
    try:
        payload, more = await read()
        if payload is not None:
            yield sse_event(payload, id_key=id_key)
        now = time.monotonic()
        next_poll = now if more else now + (fallback_poll if subscriber else poll)
        next_heartbeat = now + heartbeat
        while now < deadline:
            wait = max(0.0, min(deadline, next_poll, next_heartbeat) - now)
            woke = False
            if subscriber is not None:
                try:
                    woke = await subscriber.wait(wait)
                except Exception:  # noqa: BLE001 - Redis went away: poll the database for the rest
                    logger.warning("wake-up subscription lost; polling instead", exc_info=True)
                    await subscriber.close()
                    subscriber = None
                    next_poll = min(next_poll, time.monotonic() + poll)
            elif wait > 0:
                await asyncio.sleep(wait)
            now = time.monotonic()
            if now >= deadline:
                break
            if woke or now >= next_poll:
                payload, more = await read()
                if payload is not None:
                    yield sse_event(payload, id_key=id_key)
                    next_heartbeat = now + heartbeat
                now = time.monotonic()
                next_poll = now if more else now + (fallback_poll if subscriber else poll)
            if now >= next_heartbeat:
                yield ": keep-alive\n\n"
                next_heartbeat = now + heartbeat
    finally:
        if subscriber is not None:
            await subscriber.close()
    yield sse_retry(RECONNECT_MS)


async def _subscribe(channel: str) -> WakeupSubscriber | None:
    url = settings.REDIS_URL
    if not url:
        return None
    subscriber = WakeupSubscriber(url, channel=channel)
    try:
        await subscriber.start()
    except Exception:  # noqa: BLE001 - Redis is down: this stream polls the database instead
        logger.warning("could not subscribe to wake-ups on %s; polling instead", channel, exc_info=True)
        await subscriber.close()
        return None
    return subscriber


async def single_event(*, cursor: StreamCursor, language: str) -> str:
    """The whole body where the server cannot stream (a WSGI server): the state now, and a slow reconnect,
    which makes EventSource poll."""
    payload, _more = await in_thread(cursor_read)(cursor, language=language)
    return sse_retry(RECONNECT_WITHOUT_STREAMING_MS) + (sse_event(payload) if payload else "")
