from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from tickets import extensions

        from . import tasks  # noqa: F401 - registers the Celery tasks core.enqueue queues by name
        from .services import webhook_on_ticket_event

        # tickets never imports webhooks: it calls the listeners registered here for every ticket event.
        extensions.register_event_listener(webhook_on_ticket_event)
