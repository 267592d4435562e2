from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = _("Tickets")

    def ready(self) -> None:
        from customers.selectors import register_ticket_visibility

        from . import tasks  # noqa: F401 - registers the Celery tasks core.enqueue queues by name
        from .access import visible_tickets_q

        # A buyer's profile (customers sits below tickets) lists only the tickets its reader may see.
        register_ticket_visibility(visible_tickets_q)
