"""Agents' attachments: checked by content, stored with the message (or not at all), shown on the ticket page and
served only to who may see the ticket, with headers that never let a file run as a page."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.test import Client

from accounts.roles import Role
from core.errors import Conflict, ValidationFailed
from tests.attachment_files import docx, html_named_jpg, huge, pdf, png, svg_with_script, zip_named_png
from tests.browser import staff_user
from tests.factories import TeamFactory, make_ticket
from tickets.models import MessageAttachment
from tickets.services.assignment import ticket_set_restricted
from tickets.services.attachments import attachments_check
from tickets.services.messages import ticket_add_note, ticket_reply
from tickets.services.transitions import ticket_transition

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
    return settings.MEDIA_ROOT


def _stored_files(media) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file()) if media.exists() else []


@pytest.fixture
def staff(agent) -> Client:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(agent)
    return client


def test_a_reply_keeps_its_photo_and_a_thumbnail_under_names_we_chose(agent):
    ticket = make_ticket()
    message = ticket_reply(ticket=ticket, author=agent, body="请看图", attachments=attachments_check([png("我的.png")]))
    [attachment] = message.attachments.all()
    assert attachment.content_type == "image/png" and attachment.original_name == "我的.png"
    assert attachment.uploaded_by == agent and attachment.size > 0
    assert attachment.file.name.startswith("tickets/attachments/") and "我的" not in attachment.file.name
    assert attachment.thumbnail.name.startswith("tickets/thumbnails/")
    assert default_storage.exists(attachment.file.name) and default_storage.exists(attachment.thumbnail.name)


def test_a_reply_or_note_may_be_files_only_but_not_empty(agent):
    ticket = make_ticket()
    assert ticket_reply(ticket=ticket, author=agent, body="", attachments=attachments_check([pdf()])).body == ""
    assert ticket_add_note(ticket=ticket, author=agent, body=" ", attachments=attachments_check([png()])).body == ""
    with pytest.raises(ValidationFailed):
        ticket_reply(ticket=ticket, author=agent, body="  ")


@pytest.mark.parametrize(
    "upload", [zip_named_png, svg_with_script, html_named_jpg], ids=["png-really-zip", "svg-script", "html-as-jpg"]
)
def test_files_that_are_not_what_they_claim_are_refused_by_content(upload):
    with pytest.raises(ValidationFailed) as refused:
        attachments_check([upload()])
    assert refused.value.fields["attachments"]


def test_a_50_mb_file_is_refused_with_the_limit_in_the_message():
    with pytest.raises(ValidationFailed) as refused:
        attachments_check([huge(50)])
    assert "10 MB" in refused.value.message


def test_more_files_than_the_limit_are_refused_as_a_whole(settings):
    with pytest.raises(ValidationFailed) as refused:
        attachments_check([png(f"{i}.png") for i in range(settings.ATTACHMENT_MAX_PER_MESSAGE + 1)])
    assert "At most 10 files" in refused.value.message


def test_agents_may_attach_office_files_buyers_may_not():
    [checked] = attachments_check([docx()])
    assert checked.extension == "docx" and checked.thumbnail is None
    with pytest.raises(ValidationFailed):
        attachments_check([docx()], allow_documents=False)


def test_files_of_a_refused_reply_are_deleted(agent, _media):
    ticket = make_ticket()
    ticket_transition(ticket=ticket, to_status="resolved", actor=agent)
    ticket_transition(ticket=ticket, to_status="closed", actor=agent)
    with pytest.raises(Conflict):
        ticket_reply(ticket=ticket, author=agent, body="x", attachments=attachments_check([png()]))
    assert MessageAttachment.objects.count() == 0
    assert _stored_files(_media) == []


def test_the_reply_form_uploads_files_and_the_timeline_shows_a_thumbnail_and_a_chip(staff):
    ticket = make_ticket()
    response = staff.post(
        f"/tickets/{ticket.pk}/reply/", {"body": "", "attachments": [png("破损.png"), pdf("发票.pdf")]}
    )
    assert response.status_code == 302
    page = staff.get(f"/tickets/{ticket.pk}/").content.decode()
    photo, invoice = MessageAttachment.objects.order_by("id")
    assert f"/tickets/{ticket.pk}/attachments/{photo.pk}/?thumbnail=1" in page
    assert 'data-testid="attachment-chip"' in page and "发票.pdf" in page
    assert 'enctype="multipart/form-data"' in page


def test_a_bad_file_on_the_reply_form_is_a_400_and_nothing_is_sent(staff, _media):
    ticket = make_ticket()
    response = staff.post(f"/tickets/{ticket.pk}/reply/", {"body": "看附件", "attachments": [zip_named_png()]})
    assert response.status_code == 400
    assert "is not an image, a PDF or an Office document" in response.content.decode()
    assert ticket.messages.count() == 0 and _stored_files(_media) == []


def test_the_note_form_takes_files_too(staff):
    ticket = make_ticket()
    assert staff.post(f"/tickets/{ticket.pk}/note/", {"body": "内部", "attachments": [png()]}).status_code == 302
    assert MessageAttachment.objects.get().message.visibility == "internal"


def test_staff_get_the_file_with_safe_headers(staff, agent):
    ticket = make_ticket()
    message = ticket_reply(ticket=ticket, author=agent, body="x", attachments=attachments_check([png(), docx()]))
    photo, document = message.attachments.order_by("id")
    response = staff.get(f"/tickets/{ticket.pk}/attachments/{photo.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"] and response["Content-Disposition"] == "inline"
    assert staff.get(f"/tickets/{ticket.pk}/attachments/{photo.pk}/?thumbnail=1")["Content-Type"] == "image/jpeg"
    download = staff.get(f"/tickets/{ticket.pk}/attachments/{document.pk}/")
    assert download["Content-Disposition"].startswith("attachment;")
    assert "UTF-8''%E5%94%AE" in download["Content-Disposition"]


def test_a_file_of_another_teams_restricted_ticket_is_a_404(manager):
    after, pre = TeamFactory(name="售后"), TeamFactory(name="售前")
    insider, outsider = staff_user("insider", Role.AGENT), staff_user("outsider", Role.AGENT)
    after.members.add(insider)
    after.managers.add(manager)
    pre.members.add(outsider)
    ticket = make_ticket(team=after)
    ticket_set_restricted(ticket=ticket, restricted=True, actor=manager)
    message = ticket_reply(ticket=ticket, author=insider, body="x", attachments=attachments_check([png()]))
    url = f"/tickets/{ticket.pk}/attachments/{message.attachments.get().pk}/"
    client = Client()
    client.force_login(insider)
    assert client.get(url).status_code == 200
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_a_file_asked_for_under_another_ticket_is_a_404(staff, agent):
    ticket, other = make_ticket(), make_ticket()
    message = ticket_reply(ticket=ticket, author=agent, body="x", attachments=attachments_check([png()]))
    assert staff.get(f"/tickets/{other.pk}/attachments/{message.attachments.get().pk}/").status_code == 404


def test_the_ticket_page_loads_attachments_without_a_query_per_message(staff, agent, django_assert_max_num_queries):
    ticket = make_ticket()
    ticket_reply(ticket=ticket, author=agent, body="x", attachments=attachments_check([png()]))
    staff.get(f"/tickets/{ticket.pk}/")  # warm caches (calendars, panels)
    with django_assert_max_num_queries(60) as first:
        staff.get(f"/tickets/{ticket.pk}/")
    for _i in range(5):
        ticket_add_note(ticket=ticket, author=agent, body="y", attachments=attachments_check([png()]))
    with django_assert_max_num_queries(len(first.captured_queries)):
        staff.get(f"/tickets/{ticket.pk}/")


def test_an_agent_logs_the_buyers_chat_photo_but_not_an_office_file(staff):
    ticket = make_ticket()
    url = f"/tickets/{ticket.pk}/customer-message/"
    assert staff.post(url, {"body": "", "attachments": [docx()]}).status_code == 400
    assert staff.post(url, {"body": "买家微信发来的照片", "attachments": [png()]}).status_code == 302
    assert MessageAttachment.objects.get().message.author_type == "customer"
