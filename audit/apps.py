from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        # Auth events come from Django's own signals (log-ins) and from the accounts hook (role changes in the
        # admin): both are connected here, once.
        from . import receivers

        receivers.connect()
