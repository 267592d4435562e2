"""After-sales status changes go out as aftersales.status_changed."""

from __future__ import annotations

import pytest

from aftersales.services.transitions import aftersales_transition
from tests.aftersales.conftest import as_ticket, make_request, order, shirt  # noqa: F401 - fixtures
from webhooks.models import WebhookEvent
from webhooks.services.endpoints import webhook_endpoint_create

pytestmark = pytest.mark.django_db


def test_a_status_change_is_emitted_with_old_and_new_status(integration, receiver, make_request, agent):  # noqa: F811
    webhook_endpoint_create(integration=integration, url=receiver.url, events=["aftersales.status_changed"])
    request = make_request()
    old_status = request.status
    aftersales_transition(request=request, to_status="cancelled", actor=agent)
    payload = WebhookEvent.objects.filter(type="aftersales.status_changed").latest("created_at").payload
    data = payload["data"]
    assert data["request_id"] == request.pk and data["ticket_id"] == request.ticket_id
    assert data["old_status"] == old_status and data["new_status"] == "cancelled"
    assert data["type"] == "return_refund" and data["refund_amount"] == str(request.refund_amount)
    assert data["ticket_reference"] == request.ticket.reference
