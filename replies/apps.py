from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepliesConfig(AppConfig):
    """The reply toolkit: canned replies (快捷回复/话术) with variables, and wording checks before sending."""

    name = "replies"
    verbose_name = _("Reply toolkit")

    def ready(self) -> None:
        pass
