"""Every URL path parameter that names a row is an ``<id:…>``: a number that cannot be a row id (0, or past
2⁶³−1, the largest id PostgreSQL and SQLite can store) answers 404 on every database, never a 500."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from core.converters import MAX_ID, IdConverter

OUT_OF_RANGE = ["0", str(MAX_ID + 1), "2" * 33]


def _routes(resolver: URLResolver | None = None, prefix: str = "") -> list[str]:
    resolver = resolver or get_resolver()
    routes = []
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            routes += _routes(pattern, route)
        elif isinstance(pattern, URLPattern):
            routes.append(route)
    return routes


def test_no_route_takes_an_unbounded_integer():
    assert [route for route in _routes() if "<int:" in route] == []


def test_the_converter_takes_every_storable_id_and_nothing_else():
    converter = IdConverter()
    assert converter.to_python("1") == 1
    assert converter.to_python(str(MAX_ID)) == MAX_ID
    assert converter.to_url(42) == "42"
    for value in ("0", str(MAX_ID + 1)):
        with pytest.raises(ValueError):
            converter.to_python(value)
    assert re.fullmatch(converter.regex, "2" * 33) is None


@pytest.mark.parametrize("number", OUT_OF_RANGE)
def test_every_id_route_answers_404_for_a_number_that_cannot_be_an_id(number, admin_user, client, api_client_for):
    client.force_login(admin_user)
    api = api_client_for(admin_user)
    routes = [route for route in _routes() if "<id:" in route]
    assert len(routes) > 40  # every app's detail pages and API operations
    for route in routes:
        path = "/" + re.sub(r"<id:\w+>", number, route)
        for method in ("get", "post", "patch"):
            response = getattr(api if path.startswith("/api/") else client, method)(path)
            assert response.status_code == 404, (method, path, response.status_code)
