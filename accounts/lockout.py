"""Login lockout (django-axes): how long a lockout lasts, and what the person or program is told.

Settings (``helpdesk/settings.py``): ``LOGIN_FAILURE_LIMIT`` failures lock the username and the address for
``LOGIN_LOCKOUT_MINUTES`` after the last one. Axes refuses every password during the lockout, the right one
too; this module only words the refusal: a page in the reader's language for ``/login/`` and
``/admin/login/``, our one JSON error body (429, ``Retry-After``) for the API.
"""

from __future__ import annotations

import math
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off
from django.conf import settings
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import ngettext
from rest_framework import exceptions

from core.errors import error_body


def lockout_seconds_left(request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
    """Seconds until the longest of the lockouts that hold this request (its username, its address) ends."""
    cool_off = get_cool_off(request)
    if cool_off is None:
        return 0
    AxesProxyHandler.update_request(request)
    handler: Any = AxesProxyHandler.get_implementation()
    now = timezone.now()
    left = 0.0
    for attempts in handler.get_user_attempts(request, credentials):
        found = attempts.aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        if (found["failures"] or 0) >= settings.AXES_FAILURE_LIMIT and found["last"] is not None:
            left = max(left, (found["last"] + cool_off - now).total_seconds())
    return max(math.ceil(left), 1)


def lockout_message(seconds: int) -> str:
    minutes = max(math.ceil(seconds / 60), 1)
    return ngettext(
        "Too many failed logins for this user or from this address. Logging in is paused for %(minutes)s "
        "minute; an administrator can unlock it sooner.",
        "Too many failed logins for this user or from this address. Logging in is paused for %(minutes)s "
        "minutes; an administrator can unlock it sooner.",
        minutes,
    ) % {"minutes": minutes}


class LoginLockedOut(exceptions.Throttled):
    """A login refused during a lockout: 429 with ``Retry-After``, in the one error body (core.errors)."""

    default_code = "login_locked_out"

    def __init__(self, seconds: int) -> None:
        super().__init__(code=self.default_code)
        self.wait = seconds
        self.detail = exceptions.ErrorDetail(lockout_message(seconds), code=self.default_code)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the answer to a login refused during a lockout (the browser's and the admin's)."""
    seconds = lockout_seconds_left(request, credentials)
    if request.path.startswith("/api/"):
        body = error_body("login_locked_out", lockout_message(seconds))
        response: HttpResponse = JsonResponse(body, status=429)
    else:
        context = {
            "minutes": max(math.ceil(seconds / 60), 1),
            "username": get_client_username(request, credentials) or "",
            "login_url": request.path,
        }
        response = render(request, "registration/locked_out.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response
