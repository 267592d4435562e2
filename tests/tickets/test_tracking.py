from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from tests.factories import make_ticket
from tickets.services.messages import ticket_add_note, ticket_reply
from tickets.services.transitions import ticket_transition
from tickets.tracking import tracking_token, tracking_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def test_buyer_sees_status_and_public_messages_but_never_internal_notes(buyer, agent):
    ticket = make_ticket(subject="<script>x</script>")
    ticket_reply(ticket=ticket, author=agent, body="您好，已为您加急")
    ticket_add_note(ticket=ticket, author=agent, body="内部：这个客户难缠")
    response = buyer.get(f"/track/{tracking_token(ticket)}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "您好，已为您加急" in html and "内部：这个客户难缠" not in html
    assert "agent1" not in html  # agents' names stay internal
    assert "<script>x</script>" not in html
    steps = {step["key"]: step["done"] for step in response.context["steps"]}
    assert steps == {"received": True, "in_progress": True, "resolved": False, "closed": False}


@pytest.mark.parametrize("token", ["nonsense", "MQ:1abc:xyz"])
def test_invalid_or_tampered_links_are_404(buyer, token):
    make_ticket()
    assert buyer.get(f"/track/{token}/").status_code == 404


def test_buyer_writes_from_the_page_and_a_waiting_ticket_resumes(buyer, agent):
    ticket = make_ticket()
    ticket_reply(ticket=ticket, author=agent, body="请提供照片")
    ticket_transition(ticket=ticket, to_status="pending_customer", actor=agent)
    url = f"/track/{tracking_token(ticket)}/"
    assert buyer.post(url, {"body": ""}).status_code == 400
    assert buyer.post(url, {"body": "照片链接：…"}).status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "open" and ticket.messages.filter(author_type="customer").count() == 1


def test_closed_ticket_page_takes_no_messages(buyer, agent):
    ticket = make_ticket()
    ticket_transition(ticket=ticket, to_status="resolved", actor=agent)
    ticket_transition(ticket=ticket, to_status="closed", actor=agent)
    url = f"/track/{tracking_token(ticket)}/"
    assert "<textarea" not in buyer.get(url).content.decode()
    assert buyer.post(url, {"body": "还在吗"}).status_code == 400
    assert ticket.messages.count() == 0


def test_a_link_is_the_same_every_time_and_an_old_timestamped_link_still_works():
    from django.core import signing

    from tickets.tracking import SALT, ticket_from_tracking_token

    ticket = make_ticket()
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        later = tracking_url(ticket)
    assert tracking_url(ticket) == later
    assert ticket_from_tracking_token(signing.dumps(ticket.pk, salt=SALT, compress=True)) == ticket


def test_links_appear_on_the_ticket_page_the_api_and_complaint_apologies(agent_api, team, settings):
    settings.HELPDESK_PUBLIC_URL = "https://help.example.com"
    complaint = make_ticket(kind="complaint", category="logistics", subject="物流慢", team=team)
    url = tracking_url(complaint)
    assert url.startswith("https://help.example.com/track/")
    assert agent_api.get(f"/api/v1/tickets/{complaint.pk}/").json()["tracking_url"] == url
    assert url in complaint.messages.get().body
