"""Presence pages: the top bar's status control (re-rendered by htmx after a choice) and the page heartbeat."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import agent_required
from core.errors import ApplicationError

from ..enums import PresenceReason
from ..selectors_presence import presence_control_context
from ..services.presence import presence_heartbeat, presence_set


@agent_required
@require_http_methods(["GET", "POST"])
def presence_view(request: HttpRequest) -> HttpResponse:
    """GET: the status control. POST ``status``: the agent's choice; htmx gets the control back, a page without
    script is sent back where it came from."""
    error = ""
    if request.method == "POST":
        try:
            # The page is open in this session: the sweep must not take the agent offline before its first beat.
            presence_heartbeat(user=request.user, session_key=_session_key(request), idle_seconds=0)
            presence_set(user=request.user, status=request.POST.get("status", ""), reason=PresenceReason.MANUAL)
        except ApplicationError as exc:
            error = exc.message
        if not getattr(request, "htmx", False):
            back = request.POST.get("next", "")
            safe = url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure())
            return redirect(back if back and safe else "tickets:inbox")
    context = presence_control_context(request.user)
    context["error"] = error
    return render(request, "workforce/presence_control.html", context, status=400 if error else 200)


@agent_required
@require_POST
def presence_heartbeat_view(request: HttpRequest) -> HttpResponse:
    """A page is open: ``idle_seconds`` since the person's last input. Answers the status (the page re-renders its
    control when the heartbeat changed it)."""
    try:
        idle = float(request.POST.get("idle_seconds", "0"))
    except ValueError:
        idle = 0.0
    if idle != idle:  # NaN
        idle = 0.0
    profile = presence_heartbeat(user=request.user, session_key=_session_key(request), idle_seconds=idle)
    return JsonResponse({"status": profile.status})


def _session_key(request: HttpRequest) -> str:
    if not request.session.session_key:
        request.session.save()
    return str(request.session.session_key)


urlpatterns = [
    path("presence/", presence_view, name="presence"),
    path("presence/heartbeat/", presence_heartbeat_view, name="presence_heartbeat"),
]
