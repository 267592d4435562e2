"""notifications_create: rows, and the side effects it defers to commit (stream wake-ups, e-mails)."""

from __future__ import annotations

import logging
import os

import pytest
import redis
from django.db import transaction

from notifications import services
from notifications.models import Notification
from notifications.pubsub import channel_for
from notifications.services import notifications_create, notifications_mark_read
from notifications.tasks import notification_email_task
from tests.factories import UserFactory

from .conftest import ESCALATED

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(monkeypatch):  # type: ignore[no-untyped-def]
    calls: list[list[int]] = []
    monkeypatch.setattr(services, "publish_wakeups", lambda user_ids: calls.append(sorted(user_ids)))
    return calls


@pytest.fixture
def queued(monkeypatch):  # type: ignore[no-untyped-def]
    calls: list[int] = []
    monkeypatch.setattr(notification_email_task, "apply_async", lambda args, **kwargs: calls.append(*args))
    return calls


def _create(recipients, **kwargs) -> int:  # type: ignore[no-untyped-def]
    return notifications_create(
        recipients=recipients, verb="escalated", message=ESCALATED, params={"reference": "HD-000001"}, **kwargs
    )


def test_recipients_are_woken_only_after_commit(agent, manager, published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert _create([agent, manager, agent]) == 2
    assert published == []  # nothing inside the transaction
    for callback in callbacks:
        callback()
    assert published == [sorted([agent.pk, manager.pk])]


def test_a_rolled_back_notification_wakes_no_one(agent, published, queued, django_capture_on_commit_callbacks):
    agent.notify_by_email = True
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            _create([agent])
            raise RuntimeError("the caller's transaction fails")
    assert published == [] and queued == []
    assert not Notification.objects.exists()


def test_a_repeated_dedupe_key_wakes_only_new_recipients(agent, manager, published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert _create([agent], dedupe_key="escalation:1") == 1
        assert _create([agent, manager], dedupe_key="escalation:1") == 1
    assert published == [[agent.pk], [manager.pk]]
    assert Notification.objects.count() == 2


def test_marking_read_wakes_the_reader_s_streams_so_every_tab_agrees(
    agent, published, django_capture_on_commit_callbacks
):
    _create([agent])  # its own wake-up is left uncommitted here
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications_mark_read(user=agent) == 1
        assert notifications_mark_read(user=agent) == 0  # nothing changed: nobody to tell
    assert published == [[agent.pk]]


def test_an_email_is_queued_after_commit_for_recipients_who_asked_for_one(queued, django_capture_on_commit_callbacks):
    wants = UserFactory(notify_by_email=True)
    no_preference = UserFactory()
    no_address = UserFactory(notify_by_email=True, email="")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _create([wants, no_preference, no_address])
    assert queued == []
    for callback in callbacks:
        callback()
    assert queued == [Notification.objects.get(recipient=wants).pk]


def test_no_email_is_queued_when_the_caller_mails_on_its_own(queued, django_capture_on_commit_callbacks):
    wants = UserFactory(notify_by_email=True)
    with django_capture_on_commit_callbacks(execute=True):
        _create([wants], email=False)
    assert queued == []
    assert Notification.objects.filter(recipient=wants).exists()


def test_a_broker_outage_while_queueing_an_email_is_logged_not_raised(
    monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        raise OSError("broker unreachable")

    monkeypatch.setattr(notification_email_task, "apply_async", broker_down)
    wants = UserFactory(notify_by_email=True)
    with (
        caplog.at_level(logging.WARNING, logger="core.enqueue"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert _create([wants]) == 1
    assert "only its e-mail waits for notification_email_recovery_task" in caplog.text
    assert Notification.objects.filter(recipient=wants).exists()


def test_a_redis_outage_while_publishing_does_not_break_notifications_create(
    agent, settings, caplog, django_capture_on_commit_callbacks
):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    with (
        caplog.at_level(logging.WARNING, logger="notifications.pubsub"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert _create([agent]) == 1
    assert Notification.objects.filter(recipient=agent).count() == 1
    assert "could not publish notification wake-ups" in caplog.text


@pytest.mark.redis
def test_the_wakeup_reaches_the_recipient_s_channel_on_redis(agent, settings, django_capture_on_commit_callbacks):
    settings.REDIS_URL = os.environ["REDIS_URL"]
    subscriber = redis.Redis.from_url(settings.REDIS_URL).pubsub(ignore_subscribe_messages=True)
    subscriber.subscribe(channel_for(agent.pk))
    try:
        subscriber.get_message(timeout=1)  # the subscription confirmation
        with django_capture_on_commit_callbacks(execute=True):
            _create([agent])
        message = subscriber.get_message(timeout=3)
        assert message is not None and message["channel"] == channel_for(agent.pk).encode()
    finally:
        subscriber.close()
