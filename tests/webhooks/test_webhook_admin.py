"""The admin: endpoints made through the service (they get a secret), deliveries redelivered by an action."""

from __future__ import annotations

import pytest

from tests.factories import make_ticket
from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from webhooks.services.delivery import webhook_deliver, webhook_relay

pytestmark = pytest.mark.django_db


def test_an_endpoint_added_in_the_admin_gets_a_secret(admin_client, integration, receiver):
    response = admin_client.post(
        "/admin/webhooks/webhookendpoint/add/",
        {
            "integration": integration.pk,
            "url": receiver.url,
            "events": '["ticket.created"]',
            "description": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret.startswith("whsec_") and endpoint.events == ["ticket.created"]


def test_unknown_events_are_refused_in_the_admin(admin_client, integration, receiver):
    response = admin_client.post(
        "/admin/webhooks/webhookendpoint/add/",
        {"integration": integration.pk, "url": receiver.url, "events": '["nope"]', "is_active": "on"},
    )
    assert response.status_code == 200 and not WebhookEndpoint.objects.exists()


def test_the_redeliver_action_and_the_delivery_page(admin_client, endpoint, receiver):
    receiver.status = 500
    make_ticket()
    delivery = WebhookDelivery.objects.get()
    webhook_deliver(delivery_id=delivery.pk)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status="failed", next_attempt_at=None)
    page = admin_client.get(f"/admin/webhooks/webhookdelivery/{delivery.pk}/change/")
    assert page.status_code == 200 and "ticket.created" in page.content.decode()
    listing = admin_client.get("/admin/webhooks/webhookdelivery/?status__exact=failed")
    assert listing.status_code == 200
    response = admin_client.post(
        "/admin/webhooks/webhookdelivery/", {"action": "redeliver", "_selected_action": [delivery.pk]}
    )
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == "pending"
    receiver.status = 200
    webhook_relay()
    assert [a.status_code for a in WebhookAttempt.objects.filter(delivery=delivery)] == [500, 200]
