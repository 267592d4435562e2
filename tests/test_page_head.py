"""base.html's head: a page's own scripts and styles go in ``{% block extra_head %}``, never in the title."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _title(html: str) -> str:
    match = re.search(r"<title>(.*?)</title>", html, re.S)
    assert match, "no <title>"
    return match.group(1)


def _head(html: str) -> str:
    return html.split("</head>", 1)[0]


def test_new_ticket_page_title_is_text_and_its_script_loads_once_from_the_head(agent):
    client = Client()
    client.force_login(agent)
    html = client.get("/tickets/new/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    title = _title(html)
    assert "<script" not in title and "kind-labels" not in title
    assert title.strip().startswith("New ticket")
    assert html.count("js/ticket_form.js") == 1
    assert "js/ticket_form.js" in _head(html)
    assert html.count('id="kind-labels"') == 1


@pytest.mark.parametrize("path", ["/reports/", "/reports/section/sla/"])
def test_report_pages_load_their_stylesheet_and_scripts_once_from_the_head(manager, path):
    client = Client()
    client.force_login(manager)
    html = client.get(path).content.decode()
    head = _head(html)
    for asset in ("css/reports.css", "vendor/chartjs/chart.umd.min.js", "js/dashboard.js"):
        assert html.count(asset) == 1, asset
        assert asset in head, asset
    assert "<" not in _title(html).replace("&lt;", "")
