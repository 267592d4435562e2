from typing import Any

from django.http import HttpRequest

from .selectors import notification_bell


def unread_notifications(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    bell = notification_bell(user=user)
    # latest_notification_id: the page's live stream resumes after it, so nothing created while the page
    # loads is missed.
    return {"unread_notification_count": bell.unread, "latest_notification_id": bell.latest_id}
