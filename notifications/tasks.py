"""Celery tasks: thin, idempotent, take ids."""

import smtplib

from celery import shared_task

from . import services


@shared_task(
    name="notifications.tasks.notification_email_task",
    ignore_result=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def notification_email_task(notification_id: int) -> bool:
    return services.notification_send_email(notification_id=notification_id)


@shared_task(name="notifications.tasks.notification_email_recovery_task", ignore_result=True)
def notification_email_recovery_task() -> int:
    """Beat, every EMAIL_RECOVERY_SECONDS: send the notification e-mails whose task was never queued."""
    return services.notification_emails_recover()
