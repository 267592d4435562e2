"""survey_invitation_emails_recover and its beat task: a survey invitation whose e-mail task was never queued
(the broker was down when the ticket was resolved) is e-mailed a minute later, once per issue."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from surveys import services
from surveys.models import SurveyInvitation
from surveys.services import survey_invitation_emails_recover, survey_send_invitation_email
from surveys.tasks import survey_invitation_email_recovery_task
from tests.concurrency import race

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest.fixture
def broker_down(monkeypatch):  # type: ignore[no-untyped-def]
    from surveys import tasks

    def down(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks.survey_invitation_email_task, "apply_async", down)


def recover_at(moment: datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return survey_invitation_email_recovery_task()


@pytest.mark.django_db
def test_a_survey_invitation_lost_with_the_broker_is_e_mailed_once_by_the_recovery(
    resolve, broker_down, mailoutbox, django_capture_on_commit_callbacks
):
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        ticket = resolve(email="buyer@example.com")
        resolve()  # a buyer without an address: nothing to send
    invitation = SurveyInvitation.objects.get(ticket=ticket)
    assert mailoutbox == []
    assert recover_at(NOW + timedelta(seconds=30)) == 0, "younger than a minute: its task may still be queued"
    assert recover_at(NOW + timedelta(minutes=2)) == 1
    assert recover_at(NOW + timedelta(minutes=3)) == 0
    assert survey_send_invitation_email(invitation_id=invitation.pk) is False  # a late task finds it sent
    assert [mail.to for mail in mailoutbox] == [["buyer@example.com"]]
    invitation.refresh_from_db()
    assert invitation.email_count == 1


@pytest.mark.django_db
def test_answered_or_expired_invitations_are_not_e_mailed(
    resolve, broker_down, mailoutbox, django_capture_on_commit_callbacks
):
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        answered = SurveyInvitation.objects.get(ticket=resolve(email="a@example.com"))
        expired = SurveyInvitation.objects.get(ticket=resolve(email="b@example.com"))
    SurveyInvitation.objects.filter(pk=answered.pk).update(completed_at=NOW + timedelta(seconds=20))
    SurveyInvitation.objects.filter(pk=expired.pk).update(expires_at=NOW + timedelta(seconds=50))
    assert recover_at(NOW + timedelta(minutes=2)) == 0
    assert mailoutbox == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_recoveries_and_late_tasks_send_each_invitation_once(
    resolve, broker_down, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        tickets = [resolve(email=f"buyer{n}@example.com") for n in range(3)]
    ids = list(SurveyInvitation.objects.filter(ticket__in=tickets).values_list("pk", flat=True))
    real_send_mail = services.send_mail

    def slow_send_mail(**kwargs):  # type: ignore[no-untyped-def]
        time.sleep(0.2)  # an SMTP round trip: long enough for every racer to reach the same rows
        return real_send_mail(**kwargs)

    monkeypatch.setattr(services, "send_mail", slow_send_mail)
    later = timezone.now() + timedelta(minutes=2)
    race(
        *[lambda: survey_invitation_emails_recover(now=later)] * 3,
        *[lambda pk=pk: survey_send_invitation_email(invitation_id=pk) for pk in ids],
    )
    assert sorted(mail.to[0] for mail in mailoutbox) == [f"buyer{n}@example.com" for n in range(3)]
    assert set(SurveyInvitation.objects.values_list("email_count", flat=True)) == {1}
