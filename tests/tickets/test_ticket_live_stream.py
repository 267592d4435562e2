"""The ticket page's live channel (collision detection): the payload the stream sends (its cursor functions
called directly, as tests/notifications does for the bell), the WSGI fallback, and the stream itself read
through the async test client."""

from __future__ import annotations

import os
import time

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.test import AsyncClient, Client

from tests.factories import make_ticket
from tests.notifications.conftest import SseReader, parse_sse
from tickets import live
from tickets.selectors_collision import ticket_latest_event_id
from tickets.services.messages import ticket_add_customer_message, ticket_add_note, ticket_reply
from tickets.services.viewers import ticket_viewer_leave, ticket_viewer_touch


@pytest.fixture(autouse=True)
def _quick_stream(settings):  # type: ignore[no-untyped-def]
    settings.NOTIFICATIONS_STREAM_SECONDS = 5
    settings.TICKET_LIVE_POLL_SECONDS = 0.05
    settings.NOTIFICATIONS_HEARTBEAT_SECONDS = 60
    settings.REDIS_URL = ""  # database polling


def _open(ticket, reader, after_id=None):  # type: ignore[no-untyped-def]
    return live.cursor_open(
        ticket_id=ticket.pk, reader_id=reader.pk, customer_name=ticket.customer.name, after_id=after_id
    )


@pytest.mark.django_db
def test_the_first_read_sends_viewers_typing_and_the_newest_event_id_then_only_changes(agent, other_agent):
    ticket = make_ticket()
    cursor = _open(ticket, agent)
    payload, more = live.cursor_read(cursor, language="en")
    assert payload == {
        "viewers": [],
        "typing": [],
        "last_event_id": ticket_latest_event_id(ticket_id=ticket.pk),
        "events": [],
    }
    assert more is False
    assert live.cursor_read(cursor, language="en") == (None, False)  # nothing changed: nothing sent

    ticket_viewer_touch(ticket=ticket, user=agent)  # the reader's own heartbeat is no news to them
    assert live.cursor_read(cursor, language="en") == (None, False)
    ticket_viewer_touch(ticket=ticket, user=other_agent)
    payload, _ = live.cursor_read(cursor, language="en")
    assert payload is not None and payload["viewers"] == [str(other_agent)] and payload["typing"] == []
    ticket_viewer_touch(ticket=ticket, user=other_agent, typing=True)
    payload, _ = live.cursor_read(cursor, language="en")
    assert payload is not None and payload["typing"] == [str(other_agent)]
    ticket_viewer_leave(ticket=ticket, user=other_agent)
    payload, _ = live.cursor_read(cursor, language="en")
    assert payload is not None and payload["viewers"] == [] and payload["typing"] == []


@pytest.mark.django_db
def test_new_events_come_described_once_with_who_did_them_and_whether_they_were_mine(agent, other_agent):
    ticket = make_ticket(assignee=agent)
    cursor = _open(ticket, agent)
    live.cursor_read(cursor, language="en")
    ticket_add_customer_message(ticket=ticket, body="请问发什么快递？")
    reply = ticket_reply(ticket=ticket, author=other_agent, body="顺丰")
    ticket_add_note(ticket=ticket, author=agent, body="已核对")
    payload, _ = live.cursor_read(cursor, language="en")
    assert payload is not None
    events = payload["events"]
    assert [(e["type"], e["mine"]) for e in events] == [
        ("customer_replied", False),
        ("replied", False),  # the first-response bookkeeping event is left out
        ("status_changed", False),  # new → open with the first reply
        ("noted", True),
    ]
    assert events[0]["text"] == "New message from the buyer" and events[0]["excerpt"] == "请问发什么快递？"
    assert events[1]["text"] == f"{other_agent} replied" and events[1]["actor"] == str(other_agent)
    assert events[1]["excerpt"] == reply.body
    assert payload["last_event_id"] == ticket_latest_event_id(ticket_id=ticket.pk)
    assert live.cursor_read(cursor, language="en") == (None, False)  # each event once


@pytest.mark.django_db
def test_the_stream_resumes_after_the_id_the_page_showed(agent, other_agent):
    ticket = make_ticket(assignee=other_agent)
    shown = ticket_latest_event_id(ticket_id=ticket.pk)
    ticket_reply(ticket=ticket, author=other_agent, body="好的")
    payload, _ = live.cursor_read(_open(ticket, agent, after_id=shown), language="en")
    assert payload is not None and [e["type"] for e in payload["events"]] == ["replied", "status_changed"]
    payload, _ = live.cursor_read(_open(ticket, agent), language="en")  # no resume point: from now on
    assert payload is not None and payload["events"] == []


@pytest.mark.django_db
def test_under_wsgi_the_live_url_answers_one_event_and_a_quick_retry(agent, other_agent):
    ticket = make_ticket(assignee=other_agent)
    shown = ticket_latest_event_id(ticket_id=ticket.pk)
    ticket_viewer_touch(ticket=ticket, user=other_agent, typing=True)
    ticket_reply(ticket=ticket, author=other_agent, body="我来")
    client = Client()
    client.force_login(agent)
    response = client.get(f"/tickets/{ticket.pk}/live/", headers={"Last-Event-ID": str(shown), "Accept-Language": "en"})
    assert response.status_code == 200 and response["Content-Type"] == "text/event-stream"
    assert "no-store" in response["Cache-Control"]
    retry, event = parse_sse(response.content.decode())
    assert retry.retry == 50  # TICKET_LIVE_POLL_SECONDS: the browser asks again soon
    assert event.id == str(ticket_latest_event_id(ticket_id=ticket.pk))
    assert event.data["viewers"] == [str(other_agent)] and event.data["typing"] == [str(other_agent)]
    assert [e["text"] for e in event.data["events"]][0] == f"{other_agent} replied"


@pytest.mark.django_db(transaction=True)
def test_the_stream_sends_the_state_at_once_then_a_colleague_s_reply_as_it_happens(agent, other_agent):
    ticket = make_ticket(assignee=other_agent)
    client = AsyncClient()
    client.force_login(agent)

    async def scenario() -> None:
        after = await sync_to_async(ticket_latest_event_id)(ticket_id=ticket.pk)
        response = await client.get(f"/tickets/{ticket.pk}/live/?after={after}", headers={"Accept-Language": "en"})
        assert response.status_code == 200 and response["X-Accel-Buffering"] == "no"
        stream = SseReader(response)
        try:
            first = await stream.next_data()
            assert first.data == {"viewers": [], "typing": [], "last_event_id": after, "events": []}
            assert stream.seen[0].retry == 2000
            await sync_to_async(ticket_viewer_touch)(ticket=ticket, user=other_agent, typing=True)
            second = await stream.next_data()
            assert second.data["typing"] == [str(other_agent)]
            await sync_to_async(ticket_reply)(ticket=ticket, author=other_agent, body="已处理")
            third = await stream.next_data()
            assert [e["type"] for e in third.data["events"]][0] == "replied"
            assert third.id == str(third.data["last_event_id"]) and int(third.id) > after
        finally:
            await stream.close()

    async_to_sync(scenario)()


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_redis_wakeup_on_the_ticket_s_channel_delivers_a_reply_at_once(agent, other_agent, settings):
    settings.REDIS_URL = os.environ["REDIS_URL"]
    settings.TICKET_LIVE_POLL_SECONDS = 30
    settings.TICKET_LIVE_FALLBACK_POLL_SECONDS = 30
    settings.NOTIFICATIONS_STREAM_SECONDS = 20
    ticket = make_ticket(assignee=other_agent)
    client = AsyncClient()
    client.force_login(agent)

    async def scenario() -> None:
        stream = SseReader(await client.get(f"/tickets/{ticket.pk}/live/"))
        try:
            await stream.next_data()
            started = time.monotonic()
            await sync_to_async(ticket_reply)(ticket=ticket, author=other_agent, body="马上发")
            event = await stream.next_data(timeout=5)
            assert "replied" in [e["type"] for e in event.data["events"]]
            assert time.monotonic() - started < 5  # far sooner than the 30 s poll
        finally:
            await stream.close()

    async_to_sync(scenario)()
