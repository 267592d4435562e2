from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    """The knowledge base (知识库): articles with Chinese full-text search, the case library, suggestions on the
    ticket page, and the public help centre where buyers help themselves or open a request."""

    name = "knowledge"
    verbose_name = _("Knowledge base")

    def ready(self) -> None:
        pass
