"""Every write to accounts that the helpdesk makes itself (the admin edits users directly)."""

from __future__ import annotations

from .models import User


def user_set_notification_preferences(*, user: User, notify_by_email: bool) -> bool:
    """Set how the user hears about notifications besides the bell. Returns whether anything changed.

    Only the preference is saved (``update_fields``), so a stale copy of the user cannot undo another edit.
    """
    if user.notify_by_email == notify_by_email:
        return False
    user.notify_by_email = notify_by_email
    user.save(update_fields=["notify_by_email"])
    return True
