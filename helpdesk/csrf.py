"""The page for a form refused by the CSRF check (settings.CSRF_FAILURE_VIEW).

A buyer writing to us from the tracking page or the help centre's request form gets it in the buyer's layout, in words they can act on (the
usual cause: a platform's in-app browser that keeps no cookies); everyone else gets Django's own page.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.views.csrf import csrf_failure as django_csrf_failure

BUYER_FORMS = {"tracking", "helpcentre:request"}


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    try:
        view_name = resolve(request.path_info).view_name
    except Resolver404:
        view_name = None
    if view_name in BUYER_FORMS:
        return render(request, "tickets/track_csrf_failed.html", {"again": request.path}, status=403)
    return django_csrf_failure(request, reason=reason)
