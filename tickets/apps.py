from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = _("Tickets")

    def ready(self) -> None:
        from customers.selectors import register_ticket_visibility

        from . import tasks  # noqa: F401 - registers the Celery tasks core.enqueue queues by name
        from .access import visible_tickets_q
        from .hooks import ListenerPhase, register_event_listener
        from .services.viewers import ticket_events_wake_pages

        # A buyer's profile (customers sits below tickets) lists only the tickets its reader may see.
        register_ticket_visibility(visible_tickets_q)
        # Collision detection: every event on a ticket wakes its open pages after commit (tickets.live).
        register_event_listener(ticket_events_wake_pages, phase=ListenerPhase.OUTBOX)
