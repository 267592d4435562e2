from typing import Any

from django.http import HttpRequest

from .selectors import notification_bell


def unread_notifications(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Once per request: the ticket page's panels render their own templates with the request, and each such
    # render runs the context processors again.
    bell = getattr(request, "_notification_bell", None)
    if bell is None:
        bell = notification_bell(user=user)
        request._notification_bell = bell  # type: ignore[attr-defined]
    # latest_notification_id: the page's live stream resumes after it, so nothing created while the page
    # loads is missed.
    return {"unread_notification_count": bell.unread, "latest_notification_id": bell.latest_id}
