from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    """The knowledge base (知识库): articles with Chinese full-text search, the case library, suggestions on the
    ticket page, and the public help centre where buyers help themselves or open a request."""

    name = "knowledge"
    verbose_name = _("Knowledge base")

    def ready(self) -> None:
        from tickets.panels import register_side_panel

        from .panels import CASE_PANEL, SUGGESTIONS_PANEL

        register_side_panel(SUGGESTIONS_PANEL)
        register_side_panel(CASE_PANEL)
