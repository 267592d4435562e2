"""A lone surrogate ("\\ud800") is not text: PostgreSQL cannot store it, a lookup with it raises, and an error
message that echoes it cannot be rendered. It is refused with a 400 where it enters, for every string field
(choices and lookups included) of every operation the OpenAPI document lists."""

from __future__ import annotations

import json

import pytest

from tests.abuse import BODY_METHODS, body_with, json_body_schema, one_of_each, operations, string_fields

__all__ = ["one_of_each"]


def dotted(path: tuple[str, ...]) -> str:
    """("orders", "[]", "customer", "name") → "orders[0].customer.name", as the error body names fields."""
    out = ""
    for part in path:
        out += "[0]" if part == "[]" else (f".{part}" if out else part)
    return out


@pytest.mark.django_db
def test_a_lone_surrogate_in_any_string_field_of_a_json_body_is_a_400_naming_it(
    one_of_each, admin_user, api_client_for
):
    api = api_client_for(admin_user)
    checked = []
    for template, method, operation in operations():
        schema = json_body_schema(operation)
        if method not in BODY_METHODS or schema is None:
            continue
        for path, _field in string_fields(schema):
            body = json.dumps(body_with(path, "a\ud800b"))  # ensure_ascii: sent as the escape \ud800
            response = api.generic(method, one_of_each(template), body, content_type="application/json")
            assert response.status_code == 400, (method, template, path, response.content[:300])
            assert dotted(path) in response.json()["error"]["fields"], (method, template, path)
            checked.append((method, template, path))
    assert len(checked) > 100


@pytest.mark.django_db
def test_a_lone_surrogate_in_a_key_or_a_list_is_refused_too(agent_api):
    for body, field in (
        ('{"kind": "inquiry", "\\udfff": 1}', "non_field_errors"),
        ('{"tags": ["a", "\\udc80"]}', "tags[1]"),
    ):
        response = agent_api.post("/api/v1/tickets/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400, body
        assert response.json()["error"]["fields"][field] == [
            "Not valid Unicode text: a lone surrogate (\\ud800–\\udfff) is not a character."
        ]


@pytest.mark.django_db
def test_a_surrogate_pair_is_one_character_and_welcome(agent_api, team):
    body = {
        "kind": "inquiry",
        "subject": "收到了 \U0001f600",
        "customer": {"name": "王", "platform": "taobao", "platform_account_id": "tb_1"},
        "team": team.pk,
    }
    response = agent_api.post("/api/v1/tickets/", json.dumps(body), content_type="application/json")
    assert response.status_code == 201
    assert response.json()["subject"] == "收到了 \U0001f600"


@pytest.mark.django_db
def test_a_lone_surrogate_or_nul_in_any_query_parameter_is_a_400_naming_it(one_of_each, admin_user, api_client_for):
    """In a URL a lone surrogate arrives as its surrogatepass UTF-8 bytes (%ED%A0%80), which Django would turn
    into U+FFFD and search for; NUL (%00) would reach the database."""
    api = api_client_for(admin_user)
    checked = []
    for template, method, operation in operations():
        for parameter in operation.get("parameters", []):
            if parameter["in"] != "query":
                continue
            name = parameter["name"]
            for raw in ("%ED%A0%80", "a%00b"):
                response = api.generic(method, f"{one_of_each(template)}?{name}={raw}")
                assert response.status_code == 400, (method, template, name, raw, response.content[:200])
                assert name in response.json()["error"]["fields"], (method, template, name)
            checked.append((template, name))
    assert len(checked) > 40


@pytest.mark.django_db
def test_a_form_field_that_is_not_text_is_a_400_naming_it(agent_api):
    body = "kind=inquiry&subject=%ED%A0%80&description=a%00b"
    response = agent_api.post("/api/v1/tickets/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"subject", "description"}


@pytest.mark.django_db
def test_browser_pages_refuse_query_strings_and_forms_that_are_not_text(client, agent):
    client.force_login(agent)
    assert client.get("/?q=%FF").status_code == 400
    response = client.post("/tickets/new/", "subject=%ED%A0%80", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert client.get("/?q=caf%C3%A9+%F0%9F%98%80").status_code == 200  # UTF-8, astral plane included


@pytest.mark.django_db
def test_a_form_body_over_the_limit_is_a_413_in_the_browser_too(client, agent, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client.force_login(agent)
    response = client.post("/tickets/new/", "subject=" + "x" * 2000, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
