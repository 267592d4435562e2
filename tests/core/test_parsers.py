"""Request bodies (core.parsers): a body too deep or too large is a 400 or 413 in our error body, on every
operation the OpenAPI document lists, never a 500."""

from __future__ import annotations

import json
import uuid

import pytest
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.parsers import JSONParser as DRFJSONParser
from rest_framework.test import APIClient
from rest_framework.views import APIView

from core import parsers
from tests.abuse import (
    BODY_METHODS,
    component,
    json_body_schema,
    one_of_each,
    operations,
    replays_idempotent,
    takes_idempotency_key,
)
from tests.factories import UserFactory

__all__ = ["one_of_each"]

DEEP = 50_000


def deep_json(levels: int) -> str:
    return "[" * levels + "]" * levels


def _views(resolver: URLResolver | None = None) -> list[type]:
    found = []
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            found += _views(pattern)
        elif isinstance(pattern, URLPattern) and getattr(pattern.callback, "cls", None):
            found.append(pattern.callback.cls)
    return found


def test_every_api_view_parses_json_with_the_core_parser():
    api_views = [view for view in _views() if issubclass(view, APIView)]
    assert len(api_views) > 40
    strays = {
        f"{view.__module__}.{view.__name__}"
        for view in api_views
        for parser in view.parser_classes
        if issubclass(parser, DRFJSONParser) and not issubclass(parser, parsers.JSONParser)
    }
    assert strays == set()


def test_json_nested_32_levels_is_parsed_and_33_is_refused():
    assert parsers.json_loads(deep_json(32)) == parsers.json_loads(deep_json(32))
    for levels in (33, 900, DEEP):
        with pytest.raises(parsers.ParseError) as refused:
            parsers.json_loads(deep_json(levels))
        assert refused.value.get_codes() == "nesting_too_deep"
    nested_objects = '{"a": ' * 33 + "1" + "}" * 33
    with pytest.raises(parsers.ParseError):
        parsers.json_loads(nested_objects)


@pytest.mark.django_db
def test_a_50000_deep_json_body_is_a_400_on_every_write_operation(one_of_each, admin_user, api_client_for):
    api = api_client_for(admin_user)
    checked = 0
    for template, method, operation in operations():
        if method not in BODY_METHODS:
            continue
        path = one_of_each(template)
        # With an Idempotency-Key the body is read (for its fingerprint) even by operations that take none,
        # unless the operation never stores a response to replay (core.idempotency.idempotent_by_nature).
        parses_body = json_body_schema(operation) is not None or replays_idempotent(operation)
        headers = {"HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4())} if takes_idempotency_key(operation) else {}
        response = api.generic(method, path, deep_json(DEEP), content_type="application/json", **headers)
        if json_body_schema(operation) is None and "multipart/form-data" in operation.get("requestBody", {}).get(
            "content", {}
        ):
            assert response.status_code == 415, (method, path)  # files only: JSON is not accepted
            continue
        if not parses_body:
            assert response.status_code < 500, (method, path)
            continue
        assert response.status_code == 400, (method, path, response.content[:200])
        assert response.json()["error"]["code"] == "nesting_too_deep", (method, path)
        checked += 1
    assert checked >= 30  # every write operation of the API but the file upload and the contact reveal


@pytest.mark.django_db
def test_the_token_endpoint_refuses_a_deep_body_without_credentials():
    response = APIClient().post("/api/v1/auth/token/", deep_json(DEEP), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "nesting_too_deep"


@pytest.mark.django_db
def test_a_json_body_over_the_limit_is_a_413_before_it_is_parsed(settings, agent_api):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"kind": "inquiry", "subject": "s", "description": "x" * 2000})
    response = agent_api.post("/api/v1/tickets/", body, content_type="application/json")
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "request_too_large" and "1000" in error["message"]


@pytest.mark.django_db
def test_a_form_body_over_the_limit_is_a_413(settings, agent_api):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = agent_api.post(
        "/api/v1/tickets/", "subject=" + "x" * 2000, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"


@pytest.mark.django_db
def test_multipart_fields_over_the_limit_are_a_413(settings, one_of_each, admin_user, api_client_for):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    path = one_of_each("/api/v1/aftersales/requests/{id}/evidence/")  # the one operation that takes multipart
    response = api_client_for(admin_user).post(path, {"kind": "x" * 2000}, format="multipart")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"


@pytest.mark.django_db
def test_a_body_that_is_not_utf8_is_a_400(agent_api):
    response = agent_api.post("/api/v1/tickets/", b'{"subject": "\xff\xfe"}', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


MULTIPART_ONLY = {("POST", "/api/v1/aftersales/requests/{id}/evidence/")}
# A message may carry files: JSON, or multipart with repeated binary ``attachments``.
JSON_OR_MULTIPART = {
    ("POST", "/api/v1/tickets/{id}/replies/"),
    ("POST", "/api/v1/tickets/{id}/notes/"),
    ("POST", "/api/v1/tickets/{id}/customer-messages/"),
}


def test_every_request_body_is_json_but_the_evidence_upload_which_is_multipart_with_a_binary_file():
    """Nested bodies have no form version (generated clients crash building one, and the server never read
    it): the document offers JSON alone, and multipart only where a file is uploaded."""
    bodies = {
        (method, template): operation["requestBody"]["content"]
        for template, method, operation in operations()
        if "requestBody" in operation
    }
    assert len(bodies) > 25
    assert {key for key, content in bodies.items() if list(content) != ["application/json"]} == (
        MULTIPART_ONLY | JSON_OR_MULTIPART
    )
    for key in JSON_OR_MULTIPART:
        assert list(bodies[key]) == ["application/json", "multipart/form-data"]
        schema = component(bodies[key]["multipart/form-data"]["schema"])
        assert schema["properties"]["attachments"]["items"] == {"type": "string", "format": "binary"}
    for key in MULTIPART_ONLY:
        assert list(bodies[key]) == ["multipart/form-data"]
        schema = component(bodies[key]["multipart/form-data"]["schema"])
        assert schema["properties"]["file"] == {"type": "string", "format": "binary"}
        assert "file" in schema["required"]


@pytest.mark.django_db
def test_a_form_or_multipart_body_is_a_415_on_every_json_operation(one_of_each, admin_user, api_client_for):
    api = api_client_for(admin_user)
    checked = 0
    for template, method, operation in operations():
        if json_body_schema(operation) is None:
            continue
        path = one_of_each(template)
        bodies = [("kind=inquiry&subject=x", "application/x-www-form-urlencoded")]
        # A message with files (reply, note, buyer message) declares multipart beside JSON: only the form is foreign.
        if "multipart/form-data" not in operation.get("requestBody", {}).get("content", {}):
            bodies.append((encode_multipart(BOUNDARY, {"subject": "x", "customer.name": "x"}), MULTIPART_CONTENT))
        for body, content_type in bodies:
            # With an Idempotency-Key the body is read first, for its fingerprint: that path must refuse it too.
            for headers in (
                {},
                {"HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4())} if takes_idempotency_key(operation) else {},
            ):
                response = api.generic(method, path, body, content_type=content_type, **headers)
                assert response.status_code == 415, (method, path, content_type, response.content[:200])
                assert response.json()["error"]["code"] == "unsupported_media_type", (method, path)
        checked += 1
    assert checked >= 25


@pytest.mark.django_db
def test_the_token_endpoint_takes_json_only():
    UserFactory(username="agent1", password="pw-for-tests")
    form = APIClient().post("/api/v1/auth/token/", {"username": "agent1", "password": "pw-for-tests"})
    assert form.status_code == 415
    assert form.json()["error"]["code"] == "unsupported_media_type"
    body = {"username": "agent1", "password": "pw-for-tests"}
    assert APIClient().post("/api/v1/auth/token/", body, format="json").json()["token"]
