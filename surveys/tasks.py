"""Celery tasks: thin, take ids; the service decides whether anything is still to do."""

import smtplib

from celery import shared_task

from . import services


@shared_task(
    name="surveys.tasks.survey_invitation_email_task",
    ignore_result=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def survey_invitation_email_task(invitation_id: int) -> bool:
    return services.survey_send_invitation_email(invitation_id=invitation_id)


@shared_task(name="surveys.tasks.survey_invitation_email_recovery_task", ignore_result=True)
def survey_invitation_email_recovery_task() -> int:
    """Beat, every EMAIL_RECOVERY_SECONDS: send the survey invitations whose e-mail task was never queued."""
    return services.survey_invitation_emails_recover()
