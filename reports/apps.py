from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from audit.presentation import register_export_title

        from . import metrics  # noqa: F401  (registers every report)
        from .registry import report_definitions

        # An export's audit entry names the report by its code; the log shows its title.
        for definition in report_definitions():
            register_export_title(definition.name, definition.title)
