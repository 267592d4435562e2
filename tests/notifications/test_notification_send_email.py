"""notification_send_email and its task: the optional e-mail copy of a notification, sent at least once."""

from __future__ import annotations

import smtplib

import pytest

from notifications import services
from notifications.services import notification_send_email
from notifications.tasks import notification_email_task
from tests.factories import UserFactory

from .conftest import notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def wants_email():  # type: ignore[no-untyped-def]
    return UserFactory(username="wants-mail", notify_by_email=True)


def test_the_email_is_sent_once_in_the_site_language_and_marked(wants_email, mailoutbox, settings):
    settings.HELPDESK_PUBLIC_URL = "https://help.example.com/"
    notification = notify(wants_email, reference="HD-000042", email=False)
    assert notification_send_email(notification_id=notification.pk) is True
    assert notification_send_email(notification_id=notification.pk) is False  # once only
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [wants_email.email]
    assert "工单 HD-000042 已升级（第 1 级）：首次响应超时" in mail.subject  # settings.LANGUAGE_CODE is Chinese
    assert f"https://help.example.com/notifications/{notification.pk}/open/" in mail.body
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_created_notifications_reach_the_mailbox_through_the_task_once(
    wants_email, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    # The task body runs in place of the broker round trip.
    monkeypatch.setattr(notification_email_task, "apply_async", lambda args, **kwargs: notification_email_task(*args))
    other = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notify(wants_email, dedupe_key="escalation:7")
        notify(other, dedupe_key="escalation:7")
        notify(wants_email, dedupe_key="escalation:7")  # a retried caller: no second notification, no second mail
    assert [mail.to for mail in mailoutbox] == [[wants_email.email]]


def test_a_failed_send_raises_for_a_retry_and_is_not_marked(wants_email, monkeypatch):
    notification = notify(wants_email, email=False)

    def smtp_down(**kwargs):  # type: ignore[no-untyped-def]
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr(services, "send_mail", smtp_down)
    with pytest.raises(smtplib.SMTPException):
        notification_send_email(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.emailed_at is None
    assert smtplib.SMTPException in notification_email_task.autoretry_for


def test_a_recipient_who_turned_email_off_since_gets_nothing(wants_email, mailoutbox):
    notification = notify(wants_email, email=False)
    wants_email.notify_by_email = False
    wants_email.save()
    assert notification_send_email(notification_id=notification.pk) is False
    assert mailoutbox == []


def test_a_vanished_notification_is_not_an_error(mailoutbox):
    assert notification_email_task(10**12) is False
    assert mailoutbox == []
