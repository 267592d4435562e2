"""The ticket page's collision detection endpoints: its live stream, its heartbeat (and leave beacon), and the
timeline fragment it reloads when something happened. Thin, like the other views."""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import roles
from accounts.decorators import agent_required
from core.errors import error_body
from core.integers import parse_id

from . import live
from .access import tickets_visible_to
from .models import Ticket
from .pages import ticket_for_page, timeline_context
from .services.viewers import ticket_viewer_leave, ticket_viewer_touch


def _visible_ticket(user: Any, pk: int) -> Ticket | None:
    """The bare ticket (with its buyer) if ``user`` may see it: the heartbeat and the stream's reconnects come
    every few seconds, so not the ticket page's whole prefetch."""
    return tickets_visible_to(user).select_related("customer").filter(pk=pk).first()


@require_GET
async def ticket_live_view(request: HttpRequest, pk: int) -> HttpResponse | StreamingHttpResponse:
    """Server-sent events for the ticket page (see ``tickets.live``). Resumes after ``Last-Event-ID`` (a
    reconnecting EventSource) or ``?after=`` (the newest event the page showed)."""
    user = await request.auser()
    if not user.is_authenticated:
        # Fetched by a script, not navigated to: a redirect to the login page would be useless to it.
        return JsonResponse(error_body("not_authenticated", _("Please log in.")), status=401)
    if not await sync_to_async(roles.is_agent)(user):
        return JsonResponse(error_body("permission_denied", _("Staff only.")), status=403)
    ticket = await sync_to_async(_visible_ticket)(user, pk)
    if ticket is None:
        raise Http404(_("No such ticket."))
    after_id = parse_id((request.headers.get("Last-Event-ID") or "").strip())
    if after_id is None:
        after_id = parse_id((request.GET.get("after") or "").strip())
    language = translation.get_language()
    cursor = await sync_to_async(live.cursor_open)(
        ticket_id=ticket.pk, reader_id=user.pk, customer_name=ticket.customer.name, after_id=after_id
    )
    response: HttpResponse | StreamingHttpResponse
    if isinstance(request, ASGIRequest):
        response = StreamingHttpResponse(
            live.event_stream(cursor=cursor, language=language), content_type="text/event-stream"
        )
    else:
        # A WSGI server would hold a worker thread for the stream's whole life: answer at once instead.
        body = await live.single_event(cursor=cursor, language=language)
        response = HttpResponse(body, content_type="text/event-stream")
    add_never_cache_headers(response)
    response["X-Accel-Buffering"] = "no"  # tell a proxy (nginx) not to buffer the stream
    return response


@agent_required
@require_POST
def ticket_viewing_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The page's heartbeat (every 10 s, and while typing: ``typing=1``), or with ``leave=1`` its goodbye
    (``navigator.sendBeacon`` on pagehide)."""
    ticket = _visible_ticket(request.user, pk)
    if ticket is None:
        raise Http404(_("No such ticket."))
    if request.POST.get("leave") == "1":
        ticket_viewer_leave(ticket=ticket, user=request.user)
    else:
        ticket_viewer_touch(ticket=ticket, user=request.user, typing=request.POST.get("typing") == "1")
    response = HttpResponse(status=204)
    add_never_cache_headers(response)
    return response


@agent_required
@require_GET
def ticket_timeline_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The ticket's timeline alone, which the page swaps in when the live stream reports news (the reply being
    written stays as it is); it carries the newest event id, which becomes the page's ``seen_event_id``."""
    ticket = ticket_for_page(request, pk)
    response = render(request, "tickets/_timeline.html", {"ticket": ticket, **timeline_context(ticket)})
    add_never_cache_headers(response)
    return response
