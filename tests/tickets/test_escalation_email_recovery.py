"""escalation_emails_recover and its beat task: an escalation e-mail whose task was never queued (the broker
was down when the sweep committed) is sent a minute later, once, however many recoveries and tasks run."""

from __future__ import annotations

import logging
import smtplib
import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from tests.concurrency import race
from tests.factories import make_ticket
from tickets.models import Escalation
from tickets.services import escalation as escalation_services
from tickets.services.escalation import escalation_emails_recover, escalation_send_email, sla_sweep
from tickets.tasks import escalation_email_recovery_task

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
SWEPT = NOW + timedelta(minutes=11)  # the first response was due at NOW + 10 min


@pytest.fixture
def broker_down(monkeypatch):  # type: ignore[no-untyped-def]
    from tickets import tasks

    def down(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks.escalation_email_task, "apply_async", down)


@pytest.fixture
def escalate(team, broker_down, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """escalate(n) -> n escalations made by a sweep at SWEPT that committed while the broker was down."""

    def make(count: int = 1) -> list[Escalation]:
        with time_machine.travel(NOW, tick=False):
            for _ in range(count):
                make_ticket(team=team)
        with time_machine.travel(SWEPT, tick=False), django_capture_on_commit_callbacks(execute=True):
            assert len(sla_sweep()) == count
        return list(Escalation.objects.order_by("pk"))

    return make


def recover_at(moment: datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return escalation_email_recovery_task()


@pytest.mark.django_db
def test_an_escalation_e_mail_lost_with_the_broker_is_sent_once_by_the_recovery(escalate, manager, mailoutbox):
    (escalation,) = escalate()
    assert mailoutbox == [], "the broker was down at commit: no task, no mail"
    assert recover_at(SWEPT + timedelta(seconds=30)) == 0, "younger than a minute: its task may still be queued"
    assert recover_at(SWEPT + timedelta(minutes=2)) == 1
    assert [mail.to for mail in mailoutbox] == [[manager.email]]
    assert escalation.ticket.reference in mailoutbox[0].subject
    assert recover_at(SWEPT + timedelta(minutes=3)) == 0
    assert escalation_send_email(escalation_id=escalation.pk) is False  # a late task finds it sent
    assert len(mailoutbox) == 1
    escalation.refresh_from_db()
    assert escalation.notified_at == SWEPT + timedelta(minutes=2)


@pytest.mark.django_db
def test_an_escalation_older_than_a_day_is_left_alone(escalate, mailoutbox):
    escalate()
    assert recover_at(SWEPT + timedelta(hours=24, minutes=1)) == 0
    assert mailoutbox == []


@pytest.mark.django_db
def test_a_mail_server_error_stops_the_run_and_the_next_run_sends_everything(escalate, mailoutbox, monkeypatch, caplog):
    escalate(3)
    real_send_mail = escalation_services.send_mail

    def smtp_down(**kwargs):  # type: ignore[no-untyped-def]
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr(escalation_services, "send_mail", smtp_down)
    with caplog.at_level(logging.WARNING, logger="core.enqueue"):
        assert recover_at(SWEPT + timedelta(minutes=2)) == 0
    assert len([r for r in caplog.records if "stopping this run" in r.getMessage()]) == 1
    assert Escalation.objects.filter(notified_at__isnull=True).count() == 3
    monkeypatch.setattr(escalation_services, "send_mail", real_send_mail)
    assert recover_at(SWEPT + timedelta(minutes=3)) == 3
    assert len(mailoutbox) == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_recoveries_and_a_late_task_send_each_escalation_e_mail_once(
    team, manager, mailoutbox, monkeypatch, broker_down, django_capture_on_commit_callbacks
):
    past = timezone.now() - timedelta(hours=25)
    for _ in range(3):
        make_ticket(team=team, received_at=past)
    with django_capture_on_commit_callbacks(execute=True):
        sla_sweep()
    escalations = list(Escalation.objects.values_list("pk", flat=True))
    assert len(escalations) == 6 and mailoutbox == []  # first response and resolution, each ticket
    real_send_mail = escalation_services.send_mail

    def slow_send_mail(**kwargs):  # type: ignore[no-untyped-def]
        time.sleep(0.2)  # an SMTP round trip: long enough for every racer to reach the same rows
        return real_send_mail(**kwargs)

    monkeypatch.setattr(escalation_services, "send_mail", slow_send_mail)
    later = timezone.now() + timedelta(minutes=2)
    race(
        lambda: escalation_emails_recover(now=later),
        lambda: escalation_emails_recover(now=later),
        lambda: escalation_emails_recover(now=later),
        *[lambda pk=pk: escalation_send_email(escalation_id=pk) for pk in escalations],  # the tasks, late
    )
    assert len(mailoutbox) == 6
    assert sorted(mail.subject for mail in mailoutbox) == sorted({mail.subject for mail in mailoutbox})
    assert not Escalation.objects.filter(notified_at__isnull=True).exists()
