"""Who has a ticket open and who is typing (collision detection): the heartbeat service, its expiry, the leave
beacon, the wake-ups they publish, and the heartbeat endpoint."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from accounts.roles import Role
from tests.browser import staff_user
from tests.factories import UserFactory, make_ticket
from tickets.models import TicketViewer
from tickets.selectors_collision import ticket_channel, ticket_presence
from tickets.services import viewers as viewer_services
from tickets.services.messages import ticket_add_note
from tickets.services.viewers import ticket_viewer_leave, ticket_viewer_touch

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


@pytest.fixture
def published(monkeypatch):  # type: ignore[no-untyped-def]
    calls: list[list[str]] = []
    monkeypatch.setattr(viewer_services, "publish_channel_wakeups", lambda channels: calls.append(list(channels)))
    return calls


def test_a_viewer_counts_until_the_timeout_after_their_last_heartbeat(agent, other_agent, settings):
    settings.TICKET_VIEWER_TIMEOUT_SECONDS = 30
    ticket = make_ticket()
    with time_machine.travel(NOW, tick=False) as clock:
        ticket_viewer_touch(ticket=ticket, user=other_agent)
        assert ticket_presence(ticket_id=ticket.pk, reader_id=agent.pk).viewers == [str(other_agent)]
        clock.shift(timedelta(seconds=29))
        assert ticket_presence(ticket_id=ticket.pk, reader_id=agent.pk).viewers == [str(other_agent)]
        clock.shift(timedelta(seconds=2))
        assert ticket_presence(ticket_id=ticket.pk, reader_id=agent.pk).viewers == []
        ticket_viewer_touch(ticket=ticket, user=other_agent)  # the next heartbeat brings them back
        assert ticket_presence(ticket_id=ticket.pk, reader_id=agent.pk).viewers == [str(other_agent)]
    assert TicketViewer.objects.filter(ticket=ticket).count() == 1  # one row per person, upserted


def test_the_reader_never_sees_themselves_among_the_viewers(agent, other_agent):
    ticket = make_ticket()
    ticket_viewer_touch(ticket=ticket, user=agent)
    ticket_viewer_touch(ticket=ticket, user=other_agent)
    assert ticket_presence(ticket_id=ticket.pk, reader_id=agent.pk).viewers == [str(other_agent)]
    assert ticket_presence(ticket_id=ticket.pk, reader_id=other_agent.pk).viewers == [str(agent)]


def test_typing_lasts_six_seconds_and_a_plain_heartbeat_does_not_cut_it_short(agent, other_agent):
    ticket = make_ticket()
    with time_machine.travel(NOW, tick=False) as clock:
        ticket_viewer_touch(ticket=ticket, user=other_agent, typing=True)
        assert ticket_presence(ticket_id=ticket.pk, reader_id=agent.pk).typing == [str(other_agent)]
        clock.shift(timedelta(seconds=3))
        ticket_viewer_touch(ticket=ticket, user=other_agent)  # the 10-second heartbeat, not a keystroke
        assert ticket_presence(ticket_id=ticket.pk, reader_id=agent.pk).typing == [str(other_agent)]
        clock.shift(timedelta(seconds=4))
        presence = ticket_presence(ticket_id=ticket.pk, reader_id=agent.pk)
        assert presence.typing == [] and presence.viewers == [str(other_agent)]


def test_leaving_removes_the_viewer_at_once(agent, other_agent):
    ticket = make_ticket()
    ticket_viewer_touch(ticket=ticket, user=other_agent, typing=True)
    ticket_viewer_leave(ticket=ticket, user=other_agent)
    ticket_viewer_leave(ticket=ticket, user=other_agent)  # a second beacon is harmless
    assert ticket_presence(ticket_id=ticket.pk, reader_id=agent.pk).viewers == []


def test_heartbeats_and_leaving_wake_the_ticket_s_pages_after_commit(
    other_agent, published, django_capture_on_commit_callbacks
):
    ticket = make_ticket()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ticket_viewer_touch(ticket=ticket, user=other_agent)
    assert published == []  # not before the commit
    for callback in callbacks:
        callback()
    assert published == [[f"helpdesk:ticket:{ticket.pk}"]] == [[ticket_channel(ticket.pk)]]
    with django_capture_on_commit_callbacks(execute=True):
        ticket_viewer_leave(ticket=ticket, user=other_agent)
    assert published[-1] == [ticket_channel(ticket.pk)]


def test_every_event_on_a_ticket_wakes_its_pages_after_commit(agent, published, django_capture_on_commit_callbacks):
    ticket = make_ticket()
    with django_capture_on_commit_callbacks(execute=True):
        ticket_add_note(ticket=ticket, author=agent, body="内部备注")
    assert [ticket_channel(ticket.pk)] in published


def test_the_heartbeat_endpoint_records_viewing_typing_and_leaving(agent, other_agent):
    ticket = make_ticket()
    client = Client()
    client.force_login(other_agent)
    assert client.post(f"/tickets/{ticket.pk}/viewing/", {"typing": "0"}).status_code == 204
    presence = ticket_presence(ticket_id=ticket.pk, reader_id=agent.pk)
    assert presence.viewers == [str(other_agent)] and presence.typing == []
    assert client.post(f"/tickets/{ticket.pk}/viewing/", {"typing": "1"}).status_code == 204
    assert ticket_presence(ticket_id=ticket.pk, reader_id=agent.pk).typing == [str(other_agent)]
    assert client.post(f"/tickets/{ticket.pk}/viewing/", {"leave": "1"}).status_code == 204
    assert ticket_presence(ticket_id=ticket.pk, reader_id=agent.pk).viewers == []
    assert client.get(f"/tickets/{ticket.pk}/viewing/").status_code == 405


def test_someone_who_may_not_see_the_ticket_gets_404_from_every_collision_endpoint(team):
    ticket = make_ticket(team=team)
    outsider = staff_user("outsider", Role.AGENT)  # scope "teams", and in no team
    client = Client()
    client.force_login(outsider)
    assert client.post(f"/tickets/{ticket.pk}/viewing/", {"typing": "1"}).status_code == 404
    assert client.post(f"/tickets/{ticket.pk}/viewing/", {"leave": "1"}).status_code == 404
    assert client.get(f"/tickets/{ticket.pk}/live/").status_code == 404
    assert client.get(f"/tickets/{ticket.pk}/timeline/").status_code == 404
    assert not TicketViewer.objects.exists()


def test_the_live_stream_is_for_logged_in_staff_only(client):
    ticket = make_ticket()
    assert client.get(f"/tickets/{ticket.pk}/live/").status_code == 401
    client.force_login(UserFactory(username="no-role"))
    assert client.get(f"/tickets/{ticket.pk}/live/").status_code == 403
    assert client.post(f"/tickets/{ticket.pk}/viewing/").status_code == 403
