"""Celery beat's schedule: each entry names a task a worker knows, and lost e-mails are looked for each minute."""

from django.conf import settings

from helpdesk.celery import app

RECOVERIES = (
    "tickets.tasks.escalation_email_recovery_task",
    "notifications.tasks.notification_email_recovery_task",
    "surveys.tasks.survey_invitation_email_recovery_task",
)


def test_every_beat_entry_names_a_registered_task():
    app.loader.import_default_modules()
    unknown = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values() if entry["task"] not in app.tasks]
    assert unknown == []


def test_the_e_mail_recoveries_run_every_minute():
    schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert [schedule.get(name) for name in RECOVERIES] == [60.0] * len(RECOVERIES)
