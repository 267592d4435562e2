"""Cursor pagination (core.api.StandardCursorPagination): a cursor we did not make is a 400 ``invalid_cursor`` on
every cursor-paginated list the OpenAPI document names, never a 500; the ones we make still page."""

from __future__ import annotations

import base64

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.generics import GenericAPIView

from core.api import StandardCursorPagination
from tests.abuse import operations
from tests.factories import make_ticket


def _encoded(raw: str) -> str:
    return base64.b64encode(raw.encode()).decode()


FORGED = [
    _encoded("p=abc"),
    _encoded("p=%C2%B2"),  # "²": a digit to str.isdigit, not to int
    _encoded("p=%D9%A3"),  # "٣": a digit to int, not ASCII
    _encoded("p=99999999999999999999999999"),
    _encoded("p=-99999999999999999999999999"),
    _encoded("p=%00"),
    _encoded("p=2024-13-45"),
    _encoded("p=2024-02-30T00:00:00%2B00:00"),
    _encoded("p=9999-12-31T23:59:59-14:00"),
    _encoded("p=2026-01-01T00:00:00"),  # no offset
    _encoded("r=1&p=abc"),
    _encoded("o=%C2%B2"),
    "!!not base64!!",
    "cD1hYmM",  # base64 without its padding
]


def _list_views(resolver: URLResolver | None = None) -> list[type]:
    found = []
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            found += _list_views(pattern)
        elif isinstance(pattern, URLPattern) and getattr(pattern.callback, "cls", None):
            if issubclass(pattern.callback.cls, GenericAPIView):
                found.append(pattern.callback.cls)
    return found


def test_every_paginated_list_uses_the_standard_cursor_pagination():
    """Cursor pagination everywhere but the complaint queue, whose order (most severe first, then the due time)
    no cursor can follow, the handover book (unread first), the canned replies (by title or use, small) and the
    knowledge base (by search rank): they page by a checked offset (core.api.StandardOffsetPagination)."""
    paginated = [view for view in _list_views() if view.pagination_class is not None]
    assert len(paginated) >= 9
    by_offset = [view for view in paginated if not issubclass(view.pagination_class, StandardCursorPagination)]
    assert sorted((view.__name__, view.pagination_class.__name__) for view in by_offset) == [
        ("ArticleListCreateApi", "StandardOffsetPagination"),  # by search rank: no cursor follows it
        ("CannedReplyListApi", "StandardOffsetPagination"),  # by title, use or last use; a few thousand rows
        ("ComplaintListCreateApi", "StandardOffsetPagination"),
        ("HandoverListCreateApi", "StandardOffsetPagination"),  # unread first, then newest: no cursor follows it
    ]


@pytest.mark.django_db
def test_a_forged_cursor_is_a_400_on_every_cursor_paginated_list(admin_user, api_client_for, team):
    make_ticket(team=team)
    api = api_client_for(admin_user)
    lists = [
        (path, {p["name"] for p in operation.get("parameters", [])})
        for path, method, operation in operations()
        if method == "GET" and any(p["name"] == "cursor" for p in operation.get("parameters", []))
    ]
    assert len(lists) == 8
    for path, parameters in lists:
        orderings = [None, "updated_at"] if "ordering" in parameters else [None]
        for ordering in orderings:
            for cursor in FORGED:
                query = {"cursor": cursor, **({"ordering": ordering} if ordering else {})}
                response = api.get(path, query)
                assert response.status_code == 400, (path, query, response.content[:200])
                assert response.json()["error"]["code"] == "invalid_cursor", (path, query)
                assert "cursor" in response.json()["error"]["fields"]


@pytest.mark.django_db
@pytest.mark.parametrize("ordering", ["-id", "updated_at", "-created_at"])
def test_the_cursors_we_make_page_through_every_row(agent_api, team, ordering):
    made = {make_ticket(team=team).pk for _ in range(5)}
    seen: list[int] = []
    url: str | None = f"/api/v1/tickets/?page_size=2&ordering={ordering}"
    while url:
        page = agent_api.get(url).json()
        seen += [ticket["id"] for ticket in page["results"]]
        url = page["next"]
        if url:  # and back again from the second page
            previous = agent_api.get(url).json()["previous"]
            assert previous and agent_api.get(previous).status_code == 200
    assert sorted(seen) == sorted(made)
