"""Celery tasks: thin, idempotent, take ids. The database says what is due; tasks only wake the services."""

import smtplib

from celery import shared_task

from tickets.services.clocks import sla_reevaluate_open_tickets
from tickets.services.escalation import escalation_emails_recover, escalation_send_email, sla_sweep


@shared_task(name="tickets.tasks.sla_sweep_task", ignore_result=True)
def sla_sweep_task() -> int:
    """Run one SLA sweep (Celery beat, every SLA_SWEEP_SECONDS). Returns how many escalations it made."""
    return len(sla_sweep())


@shared_task(
    name="tickets.tasks.escalation_email_task",
    ignore_result=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def escalation_email_task(escalation_id: int) -> bool:
    return escalation_send_email(escalation_id=escalation_id)


@shared_task(name="tickets.tasks.sla_reevaluate_task", ignore_result=True)
def sla_reevaluate_task(reason: str, calendar_id: int | None = None) -> int:
    """Re-match policies and recompute due times of open tickets after an admin changed policies or calendars."""
    return sla_reevaluate_open_tickets(reason=reason, calendar_id=calendar_id)


@shared_task(name="tickets.tasks.escalation_email_recovery_task", ignore_result=True)
def escalation_email_recovery_task() -> int:
    """Beat, every EMAIL_RECOVERY_SECONDS: send the escalation e-mails whose task was never queued."""
    return escalation_emails_recover()
