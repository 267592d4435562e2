from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkforceConfig(AppConfig):
    name = "workforce"
    verbose_name = _("Work distribution")

    def ready(self) -> None:
        from tickets.enums import TicketKind
        from tickets.panels import TicketPanel, register_panel

        from .views.handover import handover_ticket_panel

        # The ticket page's "交接班" card: the ticket's latest handover note (every kind of ticket).
        for kind in TicketKind.values:
            register_panel(kind, TicketPanel(key="workforce_handover", staff=handover_ticket_panel))
