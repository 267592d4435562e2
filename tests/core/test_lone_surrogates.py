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
