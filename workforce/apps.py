from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkforceConfig(AppConfig):
    name = "workforce"
    verbose_name = _("Work distribution")

    def ready(self) -> None:
        from tickets.hooks import register_router

        from .services.routing import route_intake

        # Routing rules (智能分流) run on every intake path: ticket_create asks the router first.
        register_router(route_intake)
