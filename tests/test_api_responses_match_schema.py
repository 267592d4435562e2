"""Every read answers what the schema says, nulls included: each GET operation of the OpenAPI document, on a
world where orders are not yet paid or shipped and complaints have no review link, validated with a strict
JSON Schema 2020-12 validator (formats checked). Generated clients trust the schema: a ``null`` where it says
date-time made them fall back to an untyped dict."""

from __future__ import annotations

import json
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from tests.abuse import one_of_each, openapi_document, operations

__all__ = ["one_of_each"]


def validator_for(schema: dict[str, Any]) -> Draft202012Validator:
    """A validator for one of the document's schemas: its ``#/components/…`` references resolve in the root."""
    root = {"components": openapi_document()["components"], "allOf": [schema]}
    return Draft202012Validator(root, format_checker=Draft202012Validator.FORMAT_CHECKER)


def response_schema(operation: dict[str, Any], status: int) -> dict[str, Any] | None:
    content = operation["responses"].get(str(status), {}).get("content", {})
    return content.get("application/json", {}).get("schema")


def problems(schema: dict[str, Any], body: Any) -> list[str]:
    return [
        f"{'/'.join(str(part) for part in error.absolute_path)}: {error.message}"
        for error in validator_for(schema).iter_errors(body)
    ]


@pytest.mark.django_db
def test_every_get_answers_what_the_schema_says_nulls_included(one_of_each, admin_user, api_client_for):
    api = api_client_for(admin_user)
    checked, wrong = [], {}
    for template, method, operation in operations():
        if method != "GET" or template.endswith(("/file/", "/export/")):
            continue
        response = api.get(one_of_each(template), HTTP_ACCEPT_LANGUAGE="en")
        if response.status_code != 200 or not response["Content-Type"].startswith("application/json"):
            continue
        schema = response_schema(operation, 200)
        assert schema is not None, f"GET {template}: 200 has no JSON schema"
        raw = b"".join(response.streaming_content) if response.streaming else response.content
        found = problems(schema, json.loads(raw))
        if found:
            wrong[template] = found[:5]
        checked.append(template)
    assert wrong == {}
    assert len(checked) >= 25


def test_a_ticket_whose_order_is_not_yet_paid_validates(agent_api, team):
    body = {
        "kind": "inquiry",
        "subject": "还没付款能改地址吗",
        "description": "",
        "team": team.pk,
        "customer": {"platform": "taobao", "platform_account_id": "tb-unpaid", "name": "张三"},
        "order": {"order_number": "TB-UNPAID-1", "status": "pending_payment", "total_amount": "59.00"},
    }
    response = agent_api.post("/api/v1/tickets/", body, format="json")
    assert response.status_code == 201, response.content
    order = response.json()["order"]
    assert order["paid_at"] is None and order["shipped_at"] is None and order["delivered_at"] is None
    operation = openapi_document()["paths"]["/api/v1/tickets/"]["post"]
    assert problems(response_schema(operation, 201), response.json()) == []  # type: ignore[arg-type]


def test_a_complaint_without_a_review_link_validates(agent_api, team):
    body = {
        "subject": "客服态度差",
        "description": "",
        "team": team.pk,
        "customer": {"platform": "taobao", "platform_account_id": "tb-angry", "name": "李四"},
    }
    response = agent_api.post("/api/v1/complaints/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["review_link"] == ""
    operation = openapi_document()["paths"]["/api/v1/complaints/"]["post"]
    assert problems(response_schema(operation, 201), response.json()) == []  # type: ignore[arg-type]


def test_a_delivery_shows_its_payload_as_one_of_the_documented_events(admin_user, api_client_for, team, settings):
    from integrations import services as integration_services
    from webhooks.models import WebhookDelivery
    from webhooks.services.endpoints import webhook_endpoint_create

    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    integration = integration_services.integration_create(name="shop", platform="taobao", scopes=["tickets:read"])
    webhook_endpoint_create(integration=integration, url="https://example.com/hook", events=["ticket.created"])
    api = api_client_for(admin_user)
    body = {
        "kind": "inquiry",
        "subject": "发票抬头写错了",
        "description": "",
        "team": team.pk,
        "customer": {"platform": "taobao", "platform_account_id": "tb-invoice", "name": "王五"},
    }
    assert api.post("/api/v1/tickets/", body, format="json").status_code == 201
    delivery = WebhookDelivery.objects.get(event__type="ticket.created")
    response = api.get(f"/api/v1/webhooks/deliveries/{delivery.pk}/")
    assert response.json()["payload"]["type"] == "ticket.created"
    operation = openapi_document()["paths"]["/api/v1/webhooks/deliveries/{id}/"]["get"]
    assert problems(response_schema(operation, 200), response.json()) == []  # type: ignore[arg-type]
