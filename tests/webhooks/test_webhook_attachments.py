"""A reply's files go out in its ticket.updated webhook as signed download links that expire."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from tests.attachment_files import png
from tests.factories import make_ticket
from tickets.attachment_links import attachment_signed_link
from tickets.enums import EventType
from tickets.services.attachments import attachments_check
from tickets.services.messages import ticket_add_note, ticket_reply
from webhooks.payloads import ticket_event_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    """Assertions read the English messages (the default language is Simplified Chinese)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.HELPDESK_PUBLIC_URL = "https://help.example.com"


def _reply_payload(agent):  # type: ignore[no-untyped-def]
    ticket = make_ticket()
    message = ticket_reply(ticket=ticket, author=agent, body="请看图", attachments=attachments_check([png("图.png")]))
    event = ticket.events.get(type=EventType.REPLIED, data__message_id=message.pk)
    return ticket_event_data("ticket.updated", ticket, event)


def _path(url: str) -> str:
    return url.removeprefix("https://help.example.com")


def test_the_reply_webhook_lists_each_file_with_a_signed_link_that_works_without_login(agent):
    data = _reply_payload(agent)
    [attachment] = data["change"]["message"]["attachments"]
    assert attachment["name"] == "图.png" and attachment["content_type"] == "image/png"
    assert attachment["url"].startswith("https://help.example.com/files/")
    assert attachment["expires_at"].endswith("+00:00")
    response = Client().get(_path(attachment["url"]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert "sandbox" in response["Content-Security-Policy"]


def test_a_tampered_link_is_a_404(agent):
    [attachment] = _reply_payload(agent)["change"]["message"]["attachments"]
    path = _path(attachment["url"])
    tampered = path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]
    assert Client().get(tampered).status_code == 404
    assert Client().get("/files/nonsense/").status_code == 404


def test_an_expired_link_is_a_410(agent, settings):
    [attachment] = _reply_payload(agent)["change"]["message"]["attachments"]
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.ATTACHMENT_LINK_MAX_AGE_SECONDS + 60)):
        response = Client(HTTP_ACCEPT_LANGUAGE="en").get(_path(attachment["url"]))
    assert response.status_code == 410 and "expired" in response.content.decode()


def test_a_signed_link_to_a_notes_file_is_refused(agent):
    ticket = make_ticket()
    note = ticket_add_note(ticket=ticket, author=agent, body="内部", attachments=attachments_check([png()]))
    link = attachment_signed_link(note.attachments.get())
    assert Client().get(_path(link.url)).status_code == 404
