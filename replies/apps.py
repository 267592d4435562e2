from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepliesConfig(AppConfig):
    """The reply toolkit: canned replies (快捷回复/话术) with variables, and wording checks before sending."""

    name = "replies"
    verbose_name = _("Reply toolkit")

    def ready(self) -> None:
        from tickets.hooks import register_reply_check
        from tickets.panels import ComposerTool, register_composer_tool

        from .checks import unfilled_variables_check
        from .views.canned import picker_tool

        register_reply_check(unfilled_variables_check)
        register_composer_tool(ComposerTool("canned_replies", staff=picker_tool))
