"""What the abusive-input tests share: the API's operations read from its own OpenAPI document, and one row of
every kind an ``{id}`` in a path can name, so that each operation reaches the code that reads its input (a
missing row would answer 404 before the body is parsed)."""

from __future__ import annotations

import io
import re
from datetime import time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from aftersales.models import Approval, Offer
from aftersales.services.intake import EvidenceInput, LineInput, aftersales_request_create
from complaints.models import Complaint, FollowUp
from integrations import services as integration_services
from integrations.scopes import ALL_SCOPES
from knowledge.services.articles import article_create
from notifications.models import Notification
from replies.services.canned import canned_reply_create
from replies.services.wording import wording_rule_create
from webhooks.services.endpoints import webhook_endpoint_create, webhook_endpoint_ping
from workforce.models import Shift, Skill
from workforce.services.handover import handover_create
from workforce.services.routing import routing_rule_create

from .factories import CustomerFactory, OrderFactory, OrderLineFactory, make_ticket

_document: dict[str, Any] = {}
METHODS = ("get", "post", "put", "patch", "delete")
BODY_METHODS = ("POST", "PUT", "PATCH")


def openapi_document() -> dict[str, Any]:
    """The schema as the API serves it (read once per test run)."""
    if not _document:
        response = Client().get("/api/v1/schema/?format=json", HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        _document.update(response.json())
    return _document


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    """(path template, METHOD, operation) for every operation of the API."""
    return [
        (path, method.upper(), operation)
        for path, item in openapi_document()["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def component(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = openapi_document()["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def string_fields(schema: dict[str, Any], prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], dict[str, Any]]]:
    """(path, schema) of every string a request body may carry (choices included), however deeply nested:
    a path is a tuple of names, with "[]" for "an item of this list"."""
    schema = component(schema)
    found: list[tuple[tuple[str, ...], dict[str, Any]]] = []
    for part in schema.get("allOf", []) + schema.get("oneOf", []) + schema.get("anyOf", []):
        found += string_fields(part, prefix)
    for name, prop in schema.get("properties", {}).items():
        prop = component(prop)
        if prop.get("readOnly"):
            continue
        if prop.get("type") == "array":
            items = component(prop.get("items", {}))
            if items.get("type") == "object" or "properties" in items:
                found += string_fields(items, (*prefix, name, "[]"))
            elif (items.get("type") == "string" or "enum" in items) and items.get("format") != "binary":
                found.append(((*prefix, name, "[]"), items))
        elif prop.get("type") == "object" or "properties" in prop or "allOf" in prop or "oneOf" in prop:
            found += string_fields(prop, (*prefix, name))
        elif (prop.get("type") == "string" or "enum" in prop) and prop.get("format") != "binary":
            found.append(((*prefix, name), prop))
    return found


def body_with(path: tuple[str, ...], value: Any) -> Any:
    """The smallest body that puts ``value`` at ``path``: ("customer", "platform") → {"customer": {"platform": v}}."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    return [body_with(rest, value)] if head == "[]" else {head: body_with(rest, value)}


def json_body_schema(operation: dict[str, Any]) -> dict[str, Any] | None:
    return operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")


def takes_idempotency_key(operation: dict[str, Any]) -> bool:
    return any(p["in"] == "header" and p["name"] == "Idempotency-Key" for p in operation.get("parameters", []))


def replays_idempotent(operation: dict[str, Any]) -> bool:
    """Whether a retry with the same key gets the stored first response (which reads the body, to fingerprint it):
    its successful responses declare ``Idempotent-Replayed``."""
    return takes_idempotency_key(operation) and all(
        "Idempotent-Replayed" in response.get("headers", {})
        for code, response in operation.get("responses", {}).items()
        if code.startswith("2")
    )


@pytest.fixture
def one_of_each(db, team, agent, manager, admin_user, settings, tmp_path):  # type: ignore[no-untyped-def]
    """fill(path template) -> a path whose ``{id}`` names a real row of the right kind (and ``{name}`` a report)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    customer = CustomerFactory()
    order = OrderFactory(
        customer=customer,
        total_amount=Decimal("79.00"),
        paid_amount=Decimal("79.00"),
        delivered_at=timezone.now() - timedelta(days=2),
    )
    line = OrderLineFactory(order=order)
    ticket = make_ticket(kind="aftersales", category="return_refund", customer=customer, team=team)
    png = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(png, "PNG")
    photo = SimpleUploadedFile("photo.png", png.getvalue(), content_type="image/png")
    request = aftersales_request_create(
        ticket=ticket,
        order=order,
        type="return_refund",
        reason_code="no_reason",
        lines=[LineInput(order_line_id=line.pk, quantity=1)],
        description="不想要了",
        created_by=agent,
        evidence=[EvidenceInput(kind="other", file=photo)],
    )
    offer = Offer.objects.create(request=request, resolution="partial_refund", amount=Decimal("1.00"))
    approval = Approval.objects.create(request=request, refund_amount=Decimal("79.00"), requested_by=agent)
    complaint_ticket = make_ticket(kind="complaint", category="product_quality", customer=customer, team=team)
    complaint = Complaint.objects.get(ticket=complaint_ticket)
    follow_up = FollowUp.objects.create(complaint=complaint, due_at=timezone.now())
    integration = integration_services.integration_create(name="abuse", platform="taobao", scopes=list(ALL_SCOPES))
    spare_key = integration_services.api_key_create(integration=integration, name="spare").api_key
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    endpoint = webhook_endpoint_create(
        integration=integration, url="https://example.com/hook", events=["ticket.created"]
    )
    delivery = webhook_endpoint_ping(endpoint=endpoint)
    Notification.objects.create(recipient=admin_user, verb="test", message="test")
    shift = Shift.objects.create(team=team, name="早班", start_time=time(8), end_time=time(16))
    handover = handover_create(author=agent, team=team, notes="交接")
    ids = {
        "tickets": ticket.pk,
        "complaints": complaint_ticket.pk,
        "follow-ups": follow_up.pk,
        "requests": request.pk,
        "offers": offer.pk,
        "approvals": approval.pk,
        "evidence": request.evidence.first().pk,
        "customers": customer.pk,
        "orders": order.pk,
        "integrations": integration.pk,
        "api-keys": spare_key.pk,
        "endpoints": endpoint.pk,
        "deliveries": delivery.pk,
        "shifts": shift.pk,
        "handovers": handover.pk,
        "skills": Skill.objects.create(name="abuse").pk,
        "agents": agent.pk,
        "teams": team.pk,
        "routing-rules": routing_rule_create(actor=None, name="abuse", keywords=["从不出现"], add_tags=["x"]).pk,
        "canned-replies": canned_reply_create(
            actor=manager, scope="global", title="abuse", shortcut="abuse", body="{{买家称呼}}您好"
        ).pk,
        "wording-rules": wording_rule_create(
            actor=None, kind="discouraged", match="contains", pattern="abuse", explanation="x"
        ).pk,
        "articles": article_create(author=manager, title="abuse", audience="public").pk,
    }

    def fill(template: str) -> str:
        def one(match: re.Match[str]) -> str:
            segment = template[: match.start()].rstrip("/").rsplit("/", 1)[-1]
            return str(ids[segment]) if match.group(1) == "id" else "tickets"

        return re.sub(r"\{(id|name)\}", one, template)

    return fill
