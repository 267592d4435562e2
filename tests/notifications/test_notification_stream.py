"""The bell's server-sent event stream, read as it arrives through the async test client (an ASGI request)."""

from __future__ import annotations

import os
import time

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.test import AsyncClient, Client

from notifications.models import Notification
from notifications.services import notifications_mark_read

from .conftest import ESCALATED, SseReader, notify, parse_sse

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _quick_stream(settings):  # type: ignore[no-untyped-def]
    settings.NOTIFICATIONS_STREAM_SECONDS = 5
    settings.NOTIFICATIONS_POLL_SECONDS = 0.05
    settings.NOTIFICATIONS_HEARTBEAT_SECONDS = 60
    settings.REDIS_URL = ""  # database polling; the Redis wake-up has its own tests below


def _client(user) -> AsyncClient:  # type: ignore[no-untyped-def]
    client = AsyncClient()
    client.force_login(user)
    return client


def _run(scenario) -> None:  # type: ignore[no-untyped-def]
    async_to_sync(scenario)()


def test_stream_sends_the_unread_count_at_once_then_each_new_notification(agent):
    old = notify(agent, reference="HD-000001")

    client = _client(agent)

    async def scenario() -> None:
        response = await client.get("/notifications/stream/", headers={"Accept-Language": "en"})
        assert response.status_code == 200
        assert response["Content-Type"] == "text/event-stream"
        assert "no-cache" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
        assert response["X-Accel-Buffering"] == "no"
        stream = SseReader(response)
        try:
            first = await stream.next_data()
            # Connected without a resume point: the state now, nothing the page already showed.
            assert first.data == {"unread": 1, "last_id": old.pk, "items": []}
            assert first.id == str(old.pk)

            new = await sync_to_async(notify)(agent, reference="HD-000002")
            second = await stream.next_data()
            assert second.id == str(new.pk)
            assert second.data == {
                "unread": 2,
                "last_id": new.pk,
                "items": [
                    {
                        "id": new.pk,
                        "verb": "escalated",
                        "text": "Ticket HD-000002 escalated (level 1): first response overdue",
                        "url": f"/notifications/{new.pk}/open/",
                        "created_at": new.created_at.isoformat(),
                    }
                ],
            }
        finally:
            await stream.close()

    _run(scenario)


def test_stream_starts_with_a_retry_hint_so_the_browser_reconnects_soon(agent):
    client = _client(agent)

    async def scenario() -> None:
        stream = SseReader(await client.get("/notifications/stream/"))
        try:
            await stream.next_data()
            assert stream.seen[0].retry == 2000
        finally:
            await stream.close()

    _run(scenario)


def test_stream_resumes_after_last_event_id_without_repeating_or_missing(agent):
    seen = notify(agent, reference="HD-000001")
    missed = [notify(agent, reference="HD-000002"), notify(agent, reference="HD-000003")]

    client = _client(agent)

    async def scenario() -> None:
        # The page's ?after= is older; the header a reconnecting EventSource sends wins.
        response = await client.get(
            "/notifications/stream/?after=0", headers={"Last-Event-ID": str(seen.pk), "Accept-Language": "en"}
        )
        stream = SseReader(response)
        try:
            first = await stream.next_data()
            assert [item["id"] for item in first.data["items"]] == [n.pk for n in missed]
            assert first.data["unread"] == 3
            assert first.id == str(missed[-1].pk)
        finally:
            await stream.close()

    _run(scenario)


def test_stream_resumes_after_the_page_s_newest_id_given_as_after(agent):
    shown = notify(agent, reference="HD-000001")
    created_while_loading = notify(agent, reference="HD-000002")

    client = _client(agent)

    async def scenario() -> None:
        stream = SseReader(await client.get(f"/notifications/stream/?after={shown.pk}"))
        try:
            first = await stream.next_data()
            assert [item["id"] for item in first.data["items"]] == [created_while_loading.pk]
        finally:
            await stream.close()

    _run(scenario)


def test_a_malformed_resume_point_is_ignored_not_an_error(agent):
    existing = notify(agent)

    client = _client(agent)

    async def scenario() -> None:
        response = await client.get("/notifications/stream/?after=-1", headers={"Last-Event-ID": "9" * 40 + "x"})
        assert response.status_code == 200
        stream = SseReader(response)
        try:
            first = await stream.next_data()
            assert first.data["items"] == [] and first.data["last_id"] == existing.pk
        finally:
            await stream.close()

    _run(scenario)


def test_stream_delivers_a_notification_that_commits_after_a_newer_one(agent, other_agent):
    """Ids are handed out at insert but seen at commit: a row with a lower id can appear later."""
    probe = notify(other_agent)  # where the id sequence stands

    client = _client(agent)

    async def scenario() -> None:
        stream = SseReader(await client.get("/notifications/stream/"))
        try:
            await stream.next_data()
            newer = await sync_to_async(Notification.objects.create)(
                pk=probe.pk + 50, recipient=agent, verb="escalated", message=ESCALATED, params={"reference": "B"}
            )
            assert [item["id"] for item in (await stream.next_data()).data["items"]] == [newer.pk]
            late = await sync_to_async(Notification.objects.create)(
                pk=probe.pk + 10, recipient=agent, verb="escalated", message=ESCALATED, params={"reference": "A"}
            )
            event = await stream.next_data()
            assert [item["id"] for item in event.data["items"]] == [late.pk]
            assert event.id == str(newer.pk)  # the resume point stays the newest id sent
            assert event.data["unread"] == 2
            # Nothing is sent twice: the next event carries only what is new.
            await sync_to_async(notifications_mark_read)(user=agent, ids=[late.pk])
            assert (await stream.next_data()).data == {"unread": 1, "last_id": newer.pk, "items": []}
        finally:
            await stream.close()

    _run(scenario)


def test_stream_sends_the_new_count_when_notifications_are_read_elsewhere(agent):
    notify(agent)
    notify(agent)

    client = _client(agent)

    async def scenario() -> None:
        stream = SseReader(await client.get("/notifications/stream/"))
        try:
            assert (await stream.next_data()).data["unread"] == 2
            await sync_to_async(notifications_mark_read)(user=agent)
            event = await stream.next_data()
            assert event.data["unread"] == 0 and event.data["items"] == []
        finally:
            await stream.close()

    _run(scenario)


def test_stream_shows_only_the_caller_s_own_notifications(agent, other_agent):
    client = _client(agent)

    async def scenario() -> None:
        stream = SseReader(await client.get("/notifications/stream/"))
        try:
            await stream.next_data()
            await sync_to_async(notify)(other_agent)
            mine = await sync_to_async(notify)(agent)
            event = await stream.next_data()
            assert [item["id"] for item in event.data["items"]] == [mine.pk]
            assert event.data["unread"] == 1
        finally:
            await stream.close()

    _run(scenario)


def test_stream_text_is_in_the_reader_s_language(agent):
    client = _client(agent)

    async def scenario() -> None:
        stream = SseReader(await client.get("/notifications/stream/", headers={"Accept-Language": "zh-hans"}))
        try:
            await stream.next_data()
            await sync_to_async(notify)(agent, reference="HD-000009")
            event = await stream.next_data()
            assert event.data["items"][0]["text"] == "工单 HD-000009 已升级（第 1 级）：首次响应超时"
        finally:
            await stream.close()

    _run(scenario)


def test_stream_sends_heartbeats_and_ends_after_its_lifetime_with_a_reconnect_hint(agent, settings):
    settings.NOTIFICATIONS_STREAM_SECONDS = 0.6
    settings.NOTIFICATIONS_HEARTBEAT_SECONDS = 0.15

    client = _client(agent)

    async def scenario() -> None:
        stream = SseReader(await client.get("/notifications/stream/"))
        started = time.monotonic()
        events = await stream.rest()
        assert time.monotonic() - started < 3
        assert stream.ended
        assert sum(1 for event in events if event.comment) >= 2  # ": keep-alive" lines
        assert events[-1].retry == 2000  # EventSource reconnects after this many milliseconds

    _run(scenario)


def test_stream_refuses_anonymous_visitors():
    async def scenario() -> None:
        response = await AsyncClient().get("/notifications/stream/")
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"

    _run(scenario)
    assert Client().get("/notifications/stream/").status_code == 401


def test_a_deactivated_user_s_session_is_refused(agent):
    client = _client(agent)
    agent.is_active = False
    agent.save()

    async def scenario() -> None:
        assert (await client.get("/notifications/stream/")).status_code == 401

    _run(scenario)


def test_a_wsgi_server_gets_one_event_and_a_slow_reconnect_at_once(agent, logged_in):
    """Where the server cannot stream, the request must not hold a worker for the stream's lifetime."""
    notify(agent)
    started = time.monotonic()
    response = logged_in(agent).get("/notifications/stream/")
    assert time.monotonic() - started < 2
    assert response.status_code == 200 and response["Content-Type"] == "text/event-stream"
    events = parse_sse(response.content.decode())
    assert events[0].retry == 20000
    assert events[1].data["unread"] == 1


def test_stream_polls_the_database_when_redis_is_down(agent, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there

    client = _client(agent)

    async def scenario() -> None:
        stream = SseReader(await client.get("/notifications/stream/"))
        try:
            await stream.next_data()
            new = await sync_to_async(notify)(agent)  # its publish fails too, and is only logged
            assert [item["id"] for item in (await stream.next_data()).data["items"]] == [new.pk]
        finally:
            await stream.close()

    _run(scenario)


@pytest.mark.redis
def test_a_redis_wakeup_delivers_at_once_without_waiting_for_a_poll(agent, settings):
    settings.REDIS_URL = os.environ["REDIS_URL"]
    settings.NOTIFICATIONS_POLL_SECONDS = 30
    settings.NOTIFICATIONS_FALLBACK_POLL_SECONDS = 30
    settings.NOTIFICATIONS_STREAM_SECONDS = 20

    client = _client(agent)

    async def scenario() -> None:
        stream = SseReader(await client.get("/notifications/stream/"))
        try:
            await stream.next_data()
            started = time.monotonic()
            new = await sync_to_async(notify)(agent)
            event = await stream.next_data(timeout=5)
            assert [item["id"] for item in event.data["items"]] == [new.pk]
            assert time.monotonic() - started < 5  # far sooner than the 30 s poll
        finally:
            await stream.close()

    _run(scenario)


@pytest.mark.redis
def test_a_notification_for_someone_else_does_not_wake_the_stream_into_sending(agent, other_agent, settings):
    settings.REDIS_URL = os.environ["REDIS_URL"]
    settings.NOTIFICATIONS_POLL_SECONDS = 30
    settings.NOTIFICATIONS_FALLBACK_POLL_SECONDS = 30
    settings.NOTIFICATIONS_STREAM_SECONDS = 1.5

    client = _client(agent)

    async def scenario() -> None:
        stream = SseReader(await client.get("/notifications/stream/"))
        await stream.next_data()
        await sync_to_async(notify)(other_agent)
        assert [event for event in await stream.rest() if event.data is not None] == []

    _run(scenario)
