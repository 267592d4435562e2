from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkforceConfig(AppConfig):
    name = "workforce"
    verbose_name = _("Work distribution")

    def ready(self) -> None:
        from tickets.enums import TicketKind
        from tickets.hooks import register_router
        from tickets.panels import TicketPanel, register_panel

        from .services.routing import route_intake
        from .views.handover import handover_ticket_panel

        # The ticket page's "交接班" card: the ticket's latest handover note (every kind of ticket).
        for kind in TicketKind.values:
            register_panel(kind, TicketPanel(key="workforce_handover", staff=handover_ticket_panel))
        # Routing rules (智能分流) run on every intake path: ticket_create asks the router first.
        register_router(route_intake)
        # Presence and auto-assignment (the assign slice): the ticket listener, the sign-out handler, the tasks.
        from . import (
            assign_hooks,
            tasks,  # noqa: F401 - registers the Celery tasks beat names
        )

        assign_hooks.register()
