"""The buyer's photos on the tracking page, and the files they may open through their signed link."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from tests.attachment_files import docx, huge, png, svg_with_script, zip_named_png
from tests.factories import make_ticket
from tickets.models import MessageAttachment
from tickets.services.attachments import attachments_check
from tickets.services.messages import ticket_add_note, ticket_reply
from tickets.tracking import tracking_token

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
    cache.clear()  # the upload allowance is counted in the cache
    yield
    cache.clear()


@pytest.fixture
def buyer() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def test_the_buyer_sends_photos_and_sees_their_thumbnails(buyer):
    ticket = make_ticket()
    url = f"/track/{tracking_token(ticket)}/"
    assert buyer.post(url, {"body": "", "attachments": [png("破损1.png"), png("破损2.png")]}).status_code == 302
    message = ticket.messages.get()
    assert message.author_type == "customer" and message.attachments.count() == 2
    assert message.attachments.first().uploaded_by is None
    page = buyer.get(url).content.decode()
    first = message.attachments.order_by("id").first()
    assert f"{url}files/{first.pk}/?thumbnail=1" in page
    photo = buyer.get(f"{url}files/{first.pk}/")
    assert photo.status_code == 200 and photo["Content-Type"] == "image/png"
    assert photo["X-Content-Type-Options"] == "nosniff"


def test_the_buyer_sees_an_agents_file_but_never_an_internal_notes(buyer, agent):
    ticket = make_ticket()
    reply = ticket_reply(ticket=ticket, author=agent, body="说明书", attachments=attachments_check([png("说明.png")]))
    note = ticket_add_note(ticket=ticket, author=agent, body="内部", attachments=attachments_check([png("内部.png")]))
    url = f"/track/{tracking_token(ticket)}/"
    page = buyer.get(url).content.decode()
    assert "说明.png" in page and "内部.png" not in page
    assert buyer.get(f"{url}files/{reply.attachments.get().pk}/").status_code == 200
    assert buyer.get(f"{url}files/{note.attachments.get().pk}/").status_code == 404


def test_a_file_of_another_ticket_or_under_a_tampered_link_is_a_404(buyer, agent):
    mine, other = make_ticket(), make_ticket()
    reply = ticket_reply(ticket=other, author=agent, body="x", attachments=attachments_check([png()]))
    pk = reply.attachments.get().pk
    assert buyer.get(f"/track/{tracking_token(mine)}/files/{pk}/").status_code == 404
    assert buyer.get(f"/track/MQ:tampered/files/{pk}/").status_code == 404


@pytest.mark.parametrize(
    "upload", [zip_named_png, svg_with_script, docx], ids=["png-really-zip", "svg-script", "office-file"]
)
def test_the_buyer_may_send_photos_and_pdfs_only(buyer, upload):
    ticket = make_ticket()
    response = buyer.post(f"/track/{tracking_token(ticket)}/", {"body": "看图", "attachments": [upload()]})
    assert response.status_code == 400
    assert "is not an image or a PDF" in response.content.decode()
    assert ticket.messages.count() == 0 and MessageAttachment.objects.count() == 0


def test_too_many_files_in_one_message_is_a_400(buyer, settings):
    ticket = make_ticket()
    files = [png(f"{i}.png") for i in range(settings.ATTACHMENT_MAX_PER_MESSAGE + 1)]
    response = buyer.post(f"/track/{tracking_token(ticket)}/", {"body": "", "attachments": files})
    assert response.status_code == 400 and "At most 10 files" in response.content.decode()


def test_uploads_beyond_the_hourly_allowance_are_a_429(buyer, settings):
    settings.TRACKING_UPLOADS_PER_HOUR = 3
    ticket = make_ticket()
    url = f"/track/{tracking_token(ticket)}/"
    assert buyer.post(url, {"body": "", "attachments": [png(), png()]}).status_code == 302
    refused = buyer.post(url, {"body": "", "attachments": [png(), png()]})
    assert refused.status_code == 429 and "Please wait" in refused.content.decode()
    assert MessageAttachment.objects.count() == 2
    assert buyer.post(url, {"body": "只写文字也可以"}).status_code == 302  # text alone is never limited


def test_an_empty_message_without_photos_is_a_400(buyer):
    ticket = make_ticket()
    assert buyer.post(f"/track/{tracking_token(ticket)}/", {"body": " "}).status_code == 400


def test_a_50_mb_photo_is_a_400_naming_the_limit(buyer):
    ticket = make_ticket()
    response = buyer.post(f"/track/{tracking_token(ticket)}/", {"body": "大图", "attachments": [huge(50)]})
    assert response.status_code == 400 and "larger than 10 MB" in response.content.decode()
    assert ticket.messages.count() == 0
