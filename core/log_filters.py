"""Logging filters used by ``settings.LOGGING``.

A refused request is routine (a user without the role, an API key without the scope, a stale link), so it is
one line, not a traceback: Django's ``django.request`` logger attaches the ``PermissionDenied`` exception
(with the whole stack, and the chained application error behind it) to every 403 it logs.
"""

from __future__ import annotations

import logging
from typing import Any

from core.request_id import RequestIdLogFilter


def _escaped(text: str) -> str:
    # As Django does for the path it logs: a crafted URL cannot start a fake log line.
    return text.encode("unicode_escape").decode("ascii")


def _who(request: Any) -> str:
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return "anonymous"
    return _escaped(user.get_username())


class RequestIdFromRecord(RequestIdLogFilter):
    """``RequestIdLogFilter``, falling back to the id kept on the request: Django logs a 4xx response after
    the middleware that holds the id has returned, so the context variable is already reset then."""

    def filter(self, record: Any) -> bool:
        super().filter(record)
        if record.request_id == "-":
            request_id = getattr(getattr(record, "request", None), "request_id", None)
            if request_id:
                record.request_id = request_id
        return True


class ForbiddenOneLine(logging.Filter):
    """On ``django.request``: a 403 becomes one line with the method, path and user, no traceback (the handler's
    ``RequestIdFromRecord`` adds the request id)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) != 403:
            return True
        request = getattr(record, "request", None)
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        if request is not None:
            record.msg = "Forbidden: %s %s (user %s)"
            record.args = (_escaped(request.method or "-"), _escaped(request.path), _who(request))
        return True
