"""Wake-up messages for open event streams, over Redis pub/sub.

A message carries no data: it only tells the streams subscribed to a channel to re-read the database, which
stays the truth. So a lost message only delays news until the stream's next poll, and no message is ever
needed for correctness. Without ``REDIS_URL`` nothing is published and streams poll the database instead.

A channel is a name: one per user for the notification bell (``channel_for``), and any other name an app
above picks for its own streams (the ticket page's ``helpdesk:ticket:<id>``), published with
``publish_channel_wakeups`` and followed with ``WakeupSubscriber(url, channel=...)``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from typing import Any

import redis
import redis.asyncio as aioredis
from django.conf import settings

logger = logging.getLogger(__name__)

CHANNEL_PREFIX = "helpdesk:notifications:"
# A publish runs after a commit, inside whatever request or task made the notification: it must not stall
# it for long when Redis is down.
_PUBLISH_TIMEOUT_SECONDS = 1.0

_clients: dict[str, redis.Redis] = {}


def channel_for(user_id: int) -> str:
    return f"{CHANNEL_PREFIX}{user_id}"


def _client(url: str) -> redis.Redis:
    # One client (and so one connection pool) per URL and process; redis-py's pool is thread-safe.
    client = _clients.get(url)
    if client is None:
        client = redis.Redis.from_url(
            url, socket_connect_timeout=_PUBLISH_TIMEOUT_SECONDS, socket_timeout=_PUBLISH_TIMEOUT_SECONDS
        )
        _clients[url] = client
    return client


def publish_wakeups(user_ids: Iterable[int]) -> None:
    """Tell each user's open streams to look for news. Never raises: a Redis outage is logged."""
    _publish([channel_for(user_id) for user_id in user_ids], "notification wake-ups")


def publish_channel_wakeups(channels: Iterable[str]) -> None:
    """Tell the streams following each named channel to look for news. Never raises: a Redis outage is
    logged (the streams' poll covers the loss)."""
    _publish(channels, "wake-ups")


def _publish(channels: Iterable[str], what: str) -> None:
    url = settings.REDIS_URL
    names = sorted(set(channels))
    if not url or not names:
        return
    try:
        pipeline = _client(url).pipeline(transaction=False)
        for name in names:
            pipeline.publish(name, "1")
        pipeline.execute()
    except Exception:  # noqa: BLE001 - any Redis or network error; the stream's poll covers the loss
        logger.warning("could not publish %s on %s; streams will poll", what, names, exc_info=True)


class WakeupSubscriber:
    """One stream's subscription to a channel: its user's (``user_id``) or a named one (``channel``); one
    Redis connection per open stream."""

    def __init__(self, url: str, user_id: int | None = None, *, channel: str | None = None):
        if (user_id is None) == (channel is None):
            raise ValueError("give a user_id or a channel")
        self._client: Any = aioredis.from_url(url, socket_connect_timeout=2)
        self._pubsub: Any = self._client.pubsub(ignore_subscribe_messages=True)
        self._channel = channel if channel is not None else channel_for(user_id or 0)

    async def start(self) -> None:
        await self._pubsub.subscribe(self._channel)

    async def wait(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for a wake-up; True if one came. Several queued ones count once.

        Raises Redis and network errors: the caller then falls back to polling.
        """
        deadline = time.monotonic() + timeout
        woke = False
        while True:
            remaining = deadline - time.monotonic()
            if woke or remaining <= 0:
                # Drain what is already queued so a burst of notifications costs one database read.
                while await self._pubsub.get_message(timeout=0) is not None:
                    woke = True
                return woke
            # get_message returns None early for a subscription confirmation; loop until the deadline.
            message = await self._pubsub.get_message(timeout=remaining)
            if message is not None:
                woke = True

    async def close(self) -> None:
        try:
            await self._pubsub.aclose()
            await self._client.aclose()
        except Exception:  # noqa: BLE001 - closing a broken connection
            logger.debug("closing a wake-up subscription failed", exc_info=True)
