"""The notifications page: the settings link and the all / unread filter are separate controls (they used to
run together as one line of text, "通知设置 仅看未读"), and the filter survives paging."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from .conftest import notify

pytestmark = pytest.mark.django_db


def _client(user, language: str) -> Client:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def _between(html: str, start: str, end: str) -> str:
    return html.split(start, 1)[1].split(end, 1)[0]


@pytest.mark.parametrize(
    ("language", "settings_label", "unread"),
    [("zh-hans", "通知设置", "仅看未读"), ("en", "Notification settings", "Unread only")],
)
def test_settings_is_a_button_and_the_unread_filter_a_tab(agent, language, settings_label, unread):
    notify(agent)
    html = _client(agent, language).get("/notifications/").content.decode()
    actions = _between(html, '<div class="page-actions">', "</div>")
    assert re.search(rf'<a href="/notifications/settings/" class="button"[^>]*>{settings_label}</a>', actions)
    assert unread not in actions
    tabs = _between(html, 'data-testid="notification-filter">', "</nav>")
    assert re.search(rf'<a href="\?unread=1" class=""\s*>{unread}</a>', tabs)
    assert 'class="active" aria-current="page"' in tabs


def test_the_unread_tab_is_marked_and_kept_when_paging(agent):
    for number in range(60):
        notify(agent, reference=f"HD-{number:06d}")
    html = _client(agent, "en").get("/notifications/?unread=1").content.decode()
    tabs = _between(html, 'data-testid="notification-filter">', "</nav>")
    assert re.search(r'<a href="\?unread=1" class="active" aria-current="page">Unread only</a>', tabs)
    assert 'href="?unread=1&amp;page=2"' in html
