"""One pager for every list page: the same words everywhere, and its links keep the page's filters."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from tests.factories import make_ticket


def test_page_links_keep_every_filter_but_the_htmx_partial_flag():
    request = RequestFactory().get("/", {"view": "team", "kind": "complaint", "partial": "1", "page": "1"})
    rendered = Template("{% load pager %}{% page_url 3 %}").render(Context({"request": request}))
    assert rendered == "?view=team&amp;kind=complaint&amp;page=3"  # escaped for an href


@pytest.mark.django_db
def test_a_long_inbox_pages_with_its_filters_kept(client, manager, team):
    client.force_login(manager)
    for _ in range(51):
        make_ticket(team=team)
    inbox = client.get("/?view=team&kind=inquiry", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'rel="next"' in inbox and "?view=team&amp;kind=inquiry&amp;page=2" in inbox
    assert "Page 1 of 2" in inbox
