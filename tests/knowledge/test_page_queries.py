"""The knowledge base's list pages ask as many queries for 3 articles as for 13 (no query per row)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .helpers import make_article, make_category

pytestmark = pytest.mark.django_db


def _queries(client: Client, url: str, params: dict[str, str] | None = None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


def _add(manager, category, count: int, start: int) -> None:
    for number in range(start, start + count):
        make_article(manager, title=f"退货运费问题 {number}", category=category, tags=["运费", f"t{number}"])


@pytest.mark.parametrize(
    ("url", "params", "staff"),
    [
        ("knowledge:list", None, True),
        ("knowledge:list", {"q": "运费"}, True),
        ("helpcentre:home", None, False),
        ("helpcentre:search", {"q": "运费"}, False),
        ("category", None, False),
    ],
)
def test_a_list_page_asks_the_same_queries_for_3_or_13_articles(client, manager, url, params, staff):
    shelf = make_category(manager, name="退换货", name_en="Returns")
    target = reverse("helpcentre:category", args=[shelf.slug]) if url == "category" else reverse(url)
    if staff:
        client.force_login(manager)
    _add(manager, shelf, 3, 0)
    few = _queries(client, target, params)
    _add(manager, shelf, 10, 3)
    assert _queries(client, target, params) == few
