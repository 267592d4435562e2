"""Wake-up messages for open notification streams, over Redis pub/sub.

A message carries no data: it only tells a user's open streams to re-read the database, which stays the
truth. So a lost message only delays news until the stream's next poll, and no message is ever needed for
correctness. Without ``REDIS_URL`` nothing is published and streams poll the database instead.
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
    url = settings.REDIS_URL
    ids = sorted(set(user_ids))
    if not url or not ids:
        return
    try:
        pipeline = _client(url).pipeline(transaction=False)
        for user_id in ids:
            pipeline.publish(channel_for(user_id), "1")
        pipeline.execute()
    except Exception:  # noqa: BLE001 - any Redis or network error; the stream's poll covers the loss
        logger.warning("could not publish notification wake-ups for users %s; streams will poll", ids, exc_info=True)


class WakeupSubscriber:
    """One stream's subscription to its user's channel (one Redis connection per open stream)."""

    def __init__(self, url: str, user_id: int):
        self._client: Any = aioredis.from_url(url, socket_connect_timeout=2)
        self._pubsub: Any = self._client.pubsub(ignore_subscribe_messages=True)
        self._channel = channel_for(user_id)

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
            logger.debug("closing a notification subscription failed", exc_info=True)
