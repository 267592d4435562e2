"""Old events are forgotten once delivered or abandoned; pending ones are kept however old."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from tests.factories import make_ticket
from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEvent
from webhooks.services.delivery import webhook_deliver, webhook_purge

pytestmark = pytest.mark.django_db


def test_purge_keeps_pending_and_recent_events_and_drops_old_finished_ones(endpoint, receiver, settings):
    settings.WEBHOOK_RETENTION_DAYS = 30
    long_ago = timezone.now() - timedelta(days=31)
    with time_machine.travel(long_ago, tick=False):
        make_ticket()  # will be delivered
        make_ticket()  # will stay pending (the receiver is never asked)
    delivered, pending = WebhookDelivery.objects.order_by("id")
    webhook_deliver(delivery_id=delivered.pk)
    delivered.refresh_from_db()
    assert delivered.status == "succeeded" and WebhookAttempt.objects.count() == 1
    make_ticket()  # recent
    assert webhook_purge() == 1
    assert not WebhookDelivery.objects.filter(pk=delivered.pk).exists()
    assert not WebhookAttempt.objects.exists()
    assert WebhookDelivery.objects.filter(pk=pending.pk).exists()
    assert WebhookEvent.objects.count() == 2
