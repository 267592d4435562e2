"""The page for a form refused by the CSRF check (settings.CSRF_FAILURE_VIEW).

A buyer writing to us from the tracking page gets it in the buyer's layout, in words they can act on (the
usual cause: a platform's in-app browser that keeps no cookies); everyone else gets Django's own page.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.views.csrf import csrf_failure as django_csrf_failure


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    try:
        url_name = resolve(request.path_info).url_name
    except Resolver404:
        url_name = None
    if url_name == "tracking":
        return render(request, "tickets/track_csrf_failed.html", {"again": request.path}, status=403)
    return django_csrf_failure(request, reason=reason)
