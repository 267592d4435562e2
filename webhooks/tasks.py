"""Celery tasks: thin, idempotent, take ids. Both run on the "webhooks" queue (CELERY_TASK_ROUTES), on their
own worker, so a slow receiver never holds up the SLA sweep or e-mail."""

from celery import shared_task

from webhooks.services.delivery import webhook_deliver, webhook_purge, webhook_relay


@shared_task(name="webhooks.tasks.webhook_deliver_task", ignore_result=True)
def webhook_deliver_task(delivery_id: int) -> bool:
    """One attempt of one delivery, if it is still due (retries are found by the relay, not re-queued)."""
    return webhook_deliver(delivery_id=delivery_id)


@shared_task(name="webhooks.tasks.webhook_relay_task", ignore_result=True)
def webhook_relay_task() -> int:
    """The outbox relay (beat, every WEBHOOK_RELAY_SECONDS): sends what is due. Returns attempts made."""
    return webhook_relay()


@shared_task(name="webhooks.tasks.webhook_purge_task", ignore_result=True)
def webhook_purge_task() -> int:
    """Daily: forget delivered or abandoned events older than WEBHOOK_RETENTION_DAYS."""
    return webhook_purge()
