from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from tickets.hooks import ListenerPhase, register_event_listener
        from webhooks.services.outbox import webhook_on_ticket_event

        from . import tasks  # noqa: F401 - registers the Celery tasks core.enqueue queues by name

        # tickets never imports webhooks. Outbox phase: the payload is built after every domain listener ran,
        # so it shows what they wrote (the survey link on ticket.resolved).
        register_event_listener(webhook_on_ticket_event, phase=ListenerPhase.OUTBOX)
