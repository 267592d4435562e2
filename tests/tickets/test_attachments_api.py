"""Attachments over the API: multipart replies, notes and buyer messages, listed with download URLs; an
internal note's file only for readers of notes."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from integrations import services as integration_services
from tests.attachment_files import png, zip_named_png
from tests.factories import CustomerFactory, make_ticket
from tickets.models import MessageAttachment
from tickets.services.attachments import attachments_check
from tickets.services.messages import ticket_add_note

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


def _key_client(scopes: list[str]) -> APIClient:
    integration = integration_services.integration_create(
        name=f"Taobao shop {' '.join(scopes)}", platform="taobao", scopes=scopes, rate_limit_per_minute=100_000
    )
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Bearer {integration_services.api_key_create(integration=integration).secret}"
    )
    return client


def test_a_multipart_reply_carries_files_and_lists_them_with_urls(agent_api):
    ticket = make_ticket()
    response = agent_api.post(
        f"/api/v1/tickets/{ticket.pk}/replies/",
        {"body": "", "attachments": [png("a.png"), png("b.png")]},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    [message] = response.json()["messages"]
    names = [a["name"] for a in message["attachments"]]
    assert names == ["a.png", "b.png"]
    first = message["attachments"][0]
    assert (
        first["is_image"] and first["content_type"] == "image/png" and first["thumbnail_url"].endswith("?thumbnail=1")
    )
    download = agent_api.get(first["url"])
    assert download.status_code == 200 and download["Content-Type"] == "image/png"
    assert download["X-Content-Type-Options"] == "nosniff"


def test_a_json_reply_still_works(agent_api):
    ticket = make_ticket()
    response = agent_api.post(f"/api/v1/tickets/{ticket.pk}/replies/", {"body": "您好"}, format="json")
    assert response.status_code == 201 and response.json()["messages"][0]["attachments"] == []


def test_a_disguised_file_over_the_api_is_a_400_naming_the_field(agent_api):
    ticket = make_ticket()
    response = agent_api.post(
        f"/api/v1/tickets/{ticket.pk}/notes/", {"body": "x", "attachments": [zip_named_png()]}, format="multipart"
    )
    assert response.status_code == 400
    assert "attachments" in response.json()["error"]["fields"]
    assert ticket.messages.count() == 0


def test_the_platform_pushes_a_buyers_photo(agent_api):
    ticket = make_ticket(customer=CustomerFactory(platform="taobao"))
    client = _key_client(["tickets:read", "tickets:write"])
    response = client.post(
        f"/api/v1/tickets/{ticket.pk}/customer-messages/", {"attachments": [png()]}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    assert MessageAttachment.objects.get().message.author_type == "customer"


def test_a_notes_file_is_not_served_to_a_key_without_notes_read(agent):
    ticket = make_ticket(customer=CustomerFactory(platform="taobao"))
    note = ticket_add_note(ticket=ticket, author=agent, body="内部", attachments=attachments_check([png()]))
    url = f"/api/v1/tickets/{ticket.pk}/attachments/{note.attachments.get().pk}/"
    assert _key_client(["tickets:read"]).get(url).status_code == 404
    assert _key_client(["tickets:read", "notes:read"]).get(url).status_code == 200


def test_the_ticket_detail_does_not_grow_queries_with_files(agent_api, agent, django_assert_max_num_queries):
    ticket = make_ticket()
    ticket_add_note(ticket=ticket, author=agent, body="1", attachments=attachments_check([png()]))
    agent_api.get(f"/api/v1/tickets/{ticket.pk}/")
    with django_assert_max_num_queries(60) as first:
        agent_api.get(f"/api/v1/tickets/{ticket.pk}/")
    for _i in range(4):
        ticket_add_note(ticket=ticket, author=agent, body="n", attachments=attachments_check([png(), png()]))
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert len(agent_api.get(f"/api/v1/tickets/{ticket.pk}/").json()["messages"]) == 5


def test_an_override_reason_is_internal_like_a_note(agent):
    """A reply sent past a forbidden wording rule: the reply goes to the platform, but the agent's reason and
    the rule's explanation (the reply_check_overridden event) only to readers of internal notes."""
    from tests.replies.conftest import seed_default_wording_rules
    from tickets.services.messages import ticket_reply

    seed_default_wording_rules()
    ticket = make_ticket(customer=CustomerFactory(platform="taobao"))
    ticket_reply(ticket=ticket, author=agent, body="亲，明天一定到", override_reason="主管同意，内部原因")
    url = f"/api/v1/tickets/{ticket.pk}/"
    without_notes = _key_client(["tickets:read"]).get(url).json()
    assert "reply_check_overridden" not in [event["type"] for event in without_notes["events"]]
    assert "主管同意" not in str(without_notes)
    assert "亲，明天一定到" in [message["body"] for message in without_notes["messages"]]
    with_notes = _key_client(["tickets:read", "notes:read"]).get(url).json()
    assert "reply_check_overridden" in [event["type"] for event in with_notes["events"]]
