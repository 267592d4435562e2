"""notification_emails_recover and its beat task: a notification e-mail whose task was never queued (the
broker was down at commit) is sent a minute later, once, however many recoveries and tasks run."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from notifications import services
from notifications.models import Notification
from notifications.services import notification_emails_recover, notification_send_email
from notifications.tasks import notification_email_recovery_task
from tests.concurrency import race
from tests.factories import UserFactory

from .conftest import notify

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest.fixture
def broker_down(monkeypatch):  # type: ignore[no-untyped-def]
    from notifications import tasks

    def down(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks.notification_email_task, "apply_async", down)


@pytest.fixture
def wants_email(db):  # type: ignore[no-untyped-def]
    return UserFactory(username="wants-mail", notify_by_email=True)


def created_with_broker_down(user, capture, **kwargs) -> Notification:  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False), capture(execute=True):
        return notify(user, **kwargs)


def recover_at(moment: datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return notification_email_recovery_task()


@pytest.mark.django_db
def test_a_notification_e_mail_lost_with_the_broker_is_sent_once_by_the_recovery(
    wants_email, broker_down, mailoutbox, django_capture_on_commit_callbacks
):
    notification = created_with_broker_down(wants_email, django_capture_on_commit_callbacks)
    assert notification.email_wanted and mailoutbox == []
    assert recover_at(NOW + timedelta(seconds=30)) == 0, "younger than a minute: its task may still be queued"
    assert recover_at(NOW + timedelta(minutes=2)) == 1
    assert recover_at(NOW + timedelta(minutes=3)) == 0
    assert notification_send_email(notification_id=notification.pk) is False  # a late task finds it sent
    assert [mail.to for mail in mailoutbox] == [[wants_email.email]]


@pytest.mark.django_db
def test_the_recovery_mails_no_one_who_did_not_ask(
    wants_email, broker_down, mailoutbox, django_capture_on_commit_callbacks
):
    no_mail = UserFactory(username="no-mail", notify_by_email=False)
    created_with_broker_down(no_mail, django_capture_on_commit_callbacks)
    created_with_broker_down(wants_email, django_capture_on_commit_callbacks, email=False)  # the caller mails
    changed_mind = UserFactory(username="changed-mind", notify_by_email=True)
    created_with_broker_down(changed_mind, django_capture_on_commit_callbacks)
    changed_mind.notify_by_email = False
    changed_mind.save()
    assert recover_at(NOW + timedelta(minutes=2)) == 0
    assert mailoutbox == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_recoveries_and_late_tasks_send_each_notification_e_mail_once(
    broker_down, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    users = [UserFactory(username=f"mail-{n}", notify_by_email=True) for n in range(4)]
    with django_capture_on_commit_callbacks(execute=True):
        ids = [notify(user).pk for user in users]
    real_send_mail = services.send_mail

    def slow_send_mail(**kwargs):  # type: ignore[no-untyped-def]
        time.sleep(0.2)  # an SMTP round trip: long enough for every racer to reach the same rows
        return real_send_mail(**kwargs)

    monkeypatch.setattr(services, "send_mail", slow_send_mail)
    later = timezone.now() + timedelta(minutes=2)
    race(
        *[lambda: notification_emails_recover(now=later)] * 3,
        *[lambda pk=pk: notification_send_email(notification_id=pk) for pk in ids],
    )
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted(user.email for user in users)
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
