"""The after-sales refusal form on the ticket page says, in the agent's language, that the reason goes to the
buyer word for word (it becomes a public message on their request)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.aftersales.conftest import walk
from tickets.models import Message

pytestmark = pytest.mark.django_db

WARNING = {
    "en": "The buyer receives this reason exactly as you write it",
    "zh-hans": "这段原因会原样发送给买家",
}


def _refusal_form(html: str) -> str:
    match = re.search(r'<form[^>]*>(?:(?!</form>).)*data-testid="aftersales-to-rejected".*?</form>', html, re.S)
    assert match, "no refusal form"
    return match.group(0)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_refusal_form_warns_that_the_reason_is_sent_to_the_buyer_as_written(agent, make_request, language):
    request = walk(make_request(), ["under_review"], agent)
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(agent)
    html = client.get(reverse("tickets:detail", args=[request.ticket_id])).content.decode()
    form = _refusal_form(html)
    assert WARNING[language] in form
    warning_id = re.search(r'<p class="as-to-buyer" id="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    assert 'name="note" placeholder=' in form and f'aria-describedby="{warning_id}"' in form
    # Only the refusal's reason goes to the buyer: no other form carries the warning.
    assert html.count(WARNING[language]) == 1


def test_what_the_warning_says_is_what_happens(agent, make_request):
    request = walk(make_request(), ["under_review"], agent)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(agent)
    reason = "超过7天无理由退货期限，抱歉无法办理。"
    url = reverse("aftersales:transition", args=[request.pk])
    assert client.post(url, {"to_status": "rejected", "note": reason}).status_code == 302
    public = Message.objects.filter(ticket_id=request.ticket_id, visibility="public")
    assert any(reason in message.body for message in public)
