from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepliesConfig(AppConfig):
    """The reply toolkit: canned replies (快捷回复/话术) with variables, and wording checks before sending."""

    name = "replies"
    verbose_name = _("Reply toolkit")

    def ready(self) -> None:
        from tickets.hooks import register_event_listener, register_reply_check
        from tickets.panels import ComposerTool, register_composer_tool

        from .checks import unfilled_variables_check
        from .services.wording import count_rule_hits, wording_check
        from .views.canned import picker_tool
        from .views.wording import wording_composer_tool

        # ticket_reply runs every check on every reply, whatever the path (page, API):
        # a canned reply's unfilled variable is never sent raw;
        register_reply_check(unfilled_variables_check)
        # a forbidden wording rule blocks the reply unless overridden with a reason.
        register_reply_check(wording_check)
        # Counts, per rule, the sent replies it warned about and the overrides that passed it.
        register_event_listener(count_rule_hits)
        # In the reply box: the canned-reply picker (# or Ctrl+/) and the inline wording warnings.
        register_composer_tool(ComposerTool("canned_replies", staff=picker_tool))
        register_composer_tool(ComposerTool(key="replies_wording", staff=wording_composer_tool))
