from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepliesConfig(AppConfig):
    """The reply toolkit: canned replies (快捷回复/话术) with variables, and wording checks before sending."""

    name = "replies"
    verbose_name = _("Reply toolkit")

    def ready(self) -> None:
        # --- wording checks (issue 16 point 6) ---
        from tickets.hooks import register_event_listener, register_reply_check
        from tickets.panels import ComposerTool, register_composer_tool

        from .services.wording import count_rule_hits, wording_check
        from .views.wording import wording_composer_tool

        # ticket_reply runs it on every reply; a forbidden rule blocks the reply unless overridden with a reason.
        register_reply_check(wording_check)
        # Counts, per rule, the sent replies it warned about and the overrides that passed it.
        register_event_listener(count_rule_hits)
        # The reply box's inline warnings as the agent types.
        register_composer_tool(ComposerTool(key="replies_wording", staff=wording_composer_tool))
        # --- end wording checks ---
