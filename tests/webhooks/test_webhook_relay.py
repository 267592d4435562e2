"""The relay: what the broker lost is still sent, and two relays at once send each delivery once."""

from __future__ import annotations

import logging
from collections import Counter

import pytest
from kombu.exceptions import OperationalError

from tests.concurrency import race
from tests.factories import make_ticket
from webhooks.models import WebhookDelivery
from webhooks.services.delivery import webhook_relay
from webhooks.tasks import webhook_deliver_task, webhook_relay_task


@pytest.mark.django_db
def test_a_broker_error_at_commit_loses_nothing_the_relay_sends_it(
    endpoint, receiver, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(webhook_deliver_task, "apply_async", broker_down)
    with caplog.at_level(logging.WARNING, logger="webhooks"), django_capture_on_commit_callbacks(execute=True):
        ticket = make_ticket()  # the change commits although the broker is down
    assert ticket.pk is not None
    assert "the relay will send it" in caplog.text
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and receiver.requests == []
    assert webhook_relay_task() == 1  # beat's task, run in-process
    delivery.refresh_from_db()
    assert delivery.status == "succeeded"
    assert [request.json["data"]["id"] for request in receiver.requests] == [ticket.pk]


@pytest.mark.django_db
def test_the_delivery_task_sends_a_due_delivery_and_ignores_a_done_one(endpoint, receiver):
    make_ticket()
    delivery = WebhookDelivery.objects.get()
    assert webhook_deliver_task(delivery.pk) is True
    assert webhook_deliver_task(delivery.pk) is False
    assert len(receiver.requests) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_relays_at_once_send_each_delivery_once(endpoint, receiver, queued):
    for _n in range(12):
        make_ticket()
    ids = set(WebhookDelivery.objects.values_list("event_id", flat=True))
    assert len(ids) == 12
    receiver.delay = 0.05  # long enough for the relays to overlap
    counts = race(webhook_relay, webhook_relay)
    sent = Counter(request.headers["Webhook-Id"] for request in receiver.requests)
    assert sent == Counter({str(event_id): 1 for event_id in ids})
    assert sum(counts) == 12 and all(count > 0 for count in counts)  # both relays worked, on different rows
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"succeeded"}
