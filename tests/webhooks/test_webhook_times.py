"""Every time in every webhook delivery is written one way: ISO 8601 in UTC (``+00:00``), to the microsecond,
as docs/webhooks.md shows. A ticket opened over the API with ``"received_at": "…+08:00"`` used to go out with
``+08:00`` in ``ticket.created`` and ``+00:00`` in every later event, and ``aftersales.status_changed`` wrote
its ``updated_at`` as Django's ``…391Z``."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from aftersales.services.transitions import aftersales_transition
from integrations import services as integration_services
from tests.aftersales.conftest import as_ticket, make_request, order, shirt  # noqa: F401 - fixtures
from tests.tickets.test_ticket_api import PAYLOAD
from tickets.services.escalation import sla_sweep
from webhooks.models import WebhookEvent

pytestmark = pytest.mark.django_db

LOOKS_LIKE_A_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")


def _times(value: Any, path: str = "") -> list[tuple[str, str]]:
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in _times(item, f"{path}.{key}")]
    if isinstance(value, list):
        return [found for index, item in enumerate(value) for found in _times(item, f"{path}[{index}]")]
    return [(path, value)] if isinstance(value, str) and LOOKS_LIKE_A_TIME.match(value) else []


def test_every_time_in_every_delivery_is_utc(endpoint, integration, key_client, make_request, agent, team):  # noqa: F811
    client = key_client(integration_services.api_key_create(integration=integration).secret)
    received = (timezone.localtime() - timedelta(minutes=30)).replace(microsecond=0)
    assert received.isoformat().endswith("+08:00")
    ticket = client.post(
        "/api/v1/tickets/", {**PAYLOAD, "team": team.pk, "received_at": received.isoformat()}, format="json"
    ).json()
    client.post(f"/api/v1/tickets/{ticket['id']}/customer-messages/", {"body": "在吗"}, format="json")
    sla_sweep()  # the first response is 20 minutes late: ticket.escalated, with its due_at
    aftersales_transition(request=make_request(), to_status="cancelled", actor=agent)

    payloads = [event.payload for event in WebhookEvent.objects.order_by("created_at")]
    types = {payload["type"] for payload in payloads}
    assert {"ticket.created", "ticket.updated", "ticket.escalated", "aftersales.status_changed"} <= types
    times = [found for payload in payloads for found in _times(payload)]
    assert len(times) > 20
    for path, value in times:
        moment = datetime.fromisoformat(value)
        assert value == moment.astimezone(UTC).isoformat() and value.endswith("+00:00"), (path, value)
    [created] = [p for p in payloads if p["type"] == "ticket.created" and p["data"]["id"] == ticket["id"]]
    assert created["data"]["received_at"] == received.astimezone(UTC).isoformat()
