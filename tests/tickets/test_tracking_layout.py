"""Every page a buyer sees (tracking, its errors, the survey and its errors) has the buyer's layout: never the
staff header, menu or "back to the inbox"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from surveys import links as survey_links
from surveys import services as survey_services
from surveys.models import SurveyInvitation
from tests.factories import make_ticket
from tickets.services.assignment import ticket_assign
from tickets.services.messages import ticket_reply
from tickets.services.transitions import ticket_transition
from tickets.tracking import tracking_token

pytestmark = pytest.mark.django_db

STAFF_MARKS = ('class="topbar"', 'class="mainnav"', 'data-testid="nav-toggle"', 'href="/"', "/notifications/")
STAFF_TEXTS = {"en": ("Back to the inbox", "Log out", "Inbox"), "zh-hans": ("返回工作台", "退出登录", "工作台")}


def _buyer(language: str) -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE=language)


def _assert_buyer_layout(html: str, language: str) -> None:
    for mark in STAFF_MARKS + STAFF_TEXTS[language]:
        assert mark not in html, mark


def _tampered(token: str) -> list[str]:
    head, _, signature = token.rpartition(":")
    return [
        "nonsense",
        head + ":" + ("A" if signature[0] != "A" else "B") + signature[1:],  # signature altered
        token[:-4],  # truncated, as a chat app may cut a long link
    ]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_tampered_tracking_link_is_a_404_in_the_buyers_layout(language):
    token = tracking_token(make_ticket())
    for bad in _tampered(token):
        response = _buyer(language).get(f"/track/{bad}/")
        assert response.status_code == 404, bad
        assert [t.name for t in response.templates][:2] == ["tickets/track_invalid.html", "customer_base.html"]
        html = response.content.decode()
        assert 'class="customer-page"' in html and 'data-testid="tracking-invalid"' in html
        _assert_buyer_layout(html, language)
    assert "Link not valid" in _buyer("en").get("/track/nonsense/").content.decode()
    assert "链接无效" in _buyer("zh-hans").get("/track/nonsense/").content.decode()


def test_a_tampered_link_is_the_buyers_page_even_for_a_logged_in_agent_and_on_post(agent):
    client = _buyer("en")
    client.force_login(agent)
    response = client.get("/track/nonsense/")
    assert response.status_code == 404
    _assert_buyer_layout(response.content.decode(), "en")
    response = _buyer("en").post("/track/nonsense/", {"body": "hello"})
    assert response.status_code == 404
    _assert_buyer_layout(response.content.decode(), "en")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_tracking_page_itself_has_the_buyers_layout(language, agent):
    ticket = make_ticket()
    ticket_reply(ticket=ticket, author=agent, body="您好")
    response = _buyer(language).get(f"/track/{tracking_token(ticket)}/")
    assert response.status_code == 200
    _assert_buyer_layout(response.content.decode(), language)


@pytest.fixture
def invitation(agent, manager, team):  # type: ignore[no-untyped-def]
    survey_services.survey_ensure_default()
    ticket = make_ticket(team=team)
    ticket_assign(ticket=ticket, assignee=agent, actor=manager)
    ticket_reply(ticket=ticket, author=agent, body="您好，已为您处理。")
    ticket_transition(ticket=ticket, to_status="resolved", actor=agent)
    return SurveyInvitation.objects.get(ticket=ticket)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_survey_page_and_its_error_pages_have_the_buyers_layout(invitation, language):
    token = survey_links.survey_token(invitation)
    buyer = _buyer(language)
    for path, status in ((f"/survey/{token}/", 200), ("/survey/nonsense/", 404), (f"/survey/{token[:-4]}/", 404)):
        response = buyer.get(path)
        assert response.status_code == status, path
        assert "surveys/survey_base.html" in [t.name for t in response.templates]
        _assert_buyer_layout(response.content.decode(), language)
    SurveyInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = buyer.get(f"/survey/{token}/")
    assert response.status_code == 410
    _assert_buyer_layout(response.content.decode(), language)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_message_refused_by_the_csrf_check_is_explained_in_the_buyers_layout(language):
    """In-app browsers that keep no cookies fail the CSRF check: the buyer is told what to do, on their page."""
    ticket = make_ticket()
    buyer = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE=language)
    url = f"/track/{tracking_token(ticket)}/"
    response = buyer.post(url, {"body": "还没收到货"})
    assert response.status_code == 403
    html = response.content.decode()
    assert 'data-testid="tracking-csrf-failed"' in html and f'href="{url}"' in html
    assert ("Your message was not sent" if language == "en" else "您的消息没有发送成功") in html
    _assert_buyer_layout(html, language)
    assert not ticket.messages.filter(body="还没收到货").exists()


def test_staff_forms_refused_by_the_csrf_check_keep_djangos_page(agent):
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    response = client.post(f"/tickets/{make_ticket().pk}/reply/", {"body": "x"})
    assert response.status_code == 403
    assert "tracking-csrf-failed" not in response.content.decode()
