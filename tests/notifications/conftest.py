from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.utils.translation import gettext_noop

from notifications.models import Notification
from notifications.services import notifications_create

ESCALATED = gettext_noop("Ticket %(reference)s escalated (level %(level)s): first response overdue")


def notify(user, *, reference: str = "HD-000001", dedupe_key: str | None = None, **kwargs: Any) -> Notification:  # type: ignore[no-untyped-def]
    """One notification for ``user`` through the service (as every caller makes them); returns it."""
    notifications_create(
        recipients=[user],
        verb="escalated",
        message=ESCALATED,
        params={"reference": reference, "level": 1},
        url="/tickets/1/",
        dedupe_key=dedupe_key,
        **kwargs,
    )
    return Notification.objects.filter(recipient=user).order_by("-pk").first()  # type: ignore[return-value]


@pytest.fixture
def logged_in():  # type: ignore[no-untyped-def]
    def make(user) -> Client:  # type: ignore[no-untyped-def]
        client = Client()
        client.force_login(user)
        return client

    return make


@dataclass
class SseEvent:
    id: str | None
    data: dict[str, Any] | None
    retry: int | None
    comment: bool


def parse_sse(text: str) -> list[SseEvent]:
    events = []
    for block in text.split("\n\n"):
        if not block.strip():
            continue
        fields: dict[str, str] = {}
        comment = False
        for line in block.split("\n"):
            if line.startswith(":"):
                comment = True
                continue
            name, _, value = line.partition(":")
            fields[name] = value.removeprefix(" ")
        events.append(
            SseEvent(
                id=fields.get("id"),
                data=json.loads(fields["data"]) if "data" in fields else None,
                retry=int(fields["retry"]) if "retry" in fields else None,
                comment=comment,
            )
        )
    return events


class SseReader:
    """Reads a streaming response from the async test client as it arrives, block by block."""

    def __init__(self, response: Any):
        self.response = response
        self.content = response.streaming_content
        self.buffer = ""
        self.seen: list[SseEvent] = []
        self.ended = False

    async def _next_block(self, timeout: float) -> SseEvent | None:
        while "\n\n" not in self.buffer:
            try:
                chunk = await asyncio.wait_for(anext(self.content), timeout)
            except StopAsyncIteration:
                self.ended = True
                return None
            self.buffer += chunk.decode() if isinstance(chunk, bytes) else chunk
        block, self.buffer = self.buffer.split("\n\n", 1)
        event = parse_sse(block + "\n\n")[0]
        self.seen.append(event)
        return event

    async def next_data(self, timeout: float = 5) -> SseEvent:
        """The next event with data (skipping heartbeats and retry hints); fails after ``timeout`` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            event = await self._next_block(max(0.01, deadline - loop.time()))
            if event is None:
                raise AssertionError(f"the stream ended without another event; saw {self.seen}")
            if event.data is not None:
                return event

    async def rest(self, timeout: float = 10) -> list[SseEvent]:
        """Everything until the stream ends."""
        events = []
        while (event := await self._next_block(timeout)) is not None:
            events.append(event)
        return events

    async def close(self) -> None:
        # Closing the wrapper the client hands out does not close what it wraps: close both, so the stream's
        # generator ends (and unsubscribes) as it does when a browser goes away.
        await self.content.aclose()
        await self.response._iterator.aclose()
