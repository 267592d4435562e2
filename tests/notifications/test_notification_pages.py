"""The bell on staff pages, the settings page, and the admin."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import UserFactory, make_ticket
from tickets.tracking import tracking_token

from .conftest import notify

pytestmark = pytest.mark.django_db


def test_staff_pages_load_the_live_script_and_tell_it_where_to_resume(agent, logged_in):
    notify(agent)
    newest = notify(agent)
    response = logged_in(agent).get("/")
    html = response.content.decode()
    assert "js/notifications.js" in html
    assert f'data-after="{newest.pk}"' in html
    assert 'data-stream-url="/notifications/stream/"' in html
    assert 'data-summary-url="/notifications/summary/"' in html
    assert 'role="status" aria-live="polite"' in html
    assert response.context["unread_notification_count"] == 2


def test_the_login_page_and_the_buyer_s_tracking_page_do_not_load_it(agent):
    assert "js/notifications.js" not in Client().get("/login/").content.decode()
    ticket = make_ticket(assignee=agent)
    tracking = Client().get(f"/track/{tracking_token(ticket)}/")
    assert tracking.status_code == 200
    assert "js/notifications.js" not in tracking.content.decode()
    assert "toasts" not in tracking.content.decode()


def test_the_list_links_to_the_settings(agent, logged_in):
    assert "/notifications/settings/" in logged_in(agent).get("/notifications/").content.decode()


def test_a_user_turns_email_notifications_on_and_off(agent, logged_in):
    client = logged_in(agent)
    page = client.get("/notifications/settings/")
    assert page.status_code == 200 and 'name="notify_by_email"' in page.content.decode()
    assert agent.email in page.content.decode()
    assert client.post("/notifications/settings/", {"notify_by_email": "on"}).status_code == 302
    agent.refresh_from_db()
    assert agent.notify_by_email is True
    client.post("/notifications/settings/", {})
    agent.refresh_from_db()
    assert agent.notify_by_email is False


def test_the_settings_page_says_when_there_is_no_address(logged_in):
    user = UserFactory(email="")
    assert (
        "no e-mail address"
        in logged_in(user).get("/notifications/settings/", headers={"Accept-Language": "en"}).content.decode()
    )


def test_the_settings_page_needs_a_login():
    response = Client().get("/notifications/settings/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_admins_see_the_preference_on_the_user_form(agent, logged_in):
    admin = UserFactory(is_staff=True, is_superuser=True)
    page = logged_in(admin).get(f"/admin/accounts/user/{agent.pk}/change/")
    assert page.status_code == 200 and 'name="notify_by_email"' in page.content.decode()
