"""The canned-reply picker in the ticket's reply box: the composer tool and its two JSON endpoints.

Usage is counted when the picker *inserts* a reply (a POST), not when the search lists it and not when the
reply is sent: an inserted reply is a reply the agent chose, and the sent text, which the agent may have
changed, cannot be traced back to one canned reply with certainty.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import roles
from accounts.decorators import agent_required
from core.integers import parse_id
from tickets.models import Ticket
from tickets.pages import ticket_for_page

from ..models import CannedReply
from ..selectors_canned import canned_reply_get, canned_reply_picker, canned_reply_render
from ..services.canned import canned_reply_record_use
from ..variables import marker

PREVIEW_CHARS = 80


def picker_tool(request: HttpRequest, ticket: Ticket) -> str:
    """The picker's HTML inside the reply form (tickets.panels.ComposerTool)."""
    if not roles.is_agent(request.user):
        return ""
    return render_to_string("replies/_picker.html", {"ticket": ticket}, request=request)


def _result(reply: CannedReply) -> dict[str, Any]:
    preview = " ".join(reply.body.split())
    return {
        "id": reply.pk,
        "shortcut": reply.shortcut,
        "title": reply.title,
        "scope": reply.scope,
        "scope_label": str(reply.get_scope_display()),
        "folder": reply.folder.name if reply.folder else "",
        "preview": preview[:PREVIEW_CHARS] + ("…" if len(preview) > PREVIEW_CHARS else ""),
    }


@agent_required
@require_GET
def picker_search_view(request: HttpRequest) -> JsonResponse:
    replies = canned_reply_picker(user=request.user, query=request.GET.get("q", ""))
    return JsonResponse({"results": [_result(reply) for reply in replies]})


@agent_required
@require_POST
def picker_insert_view(request: HttpRequest, ticket_pk: int) -> HttpResponse:
    """The reply (``reply`` in the form) filled for the ticket, for the picker to insert; counts one use."""
    ticket = ticket_for_page(request, ticket_pk)
    pk = parse_id((request.POST.get("reply") or "").strip())
    if pk is None:
        return JsonResponse({"error": {"code": "validation_error", "message": _("Choose a canned reply.")}}, status=400)
    reply = canned_reply_get(user=request.user, pk=pk)
    if reply is None or not reply.is_active:
        raise Http404
    rendered = canned_reply_render(reply=reply, ticket=ticket, user=request.user)
    canned_reply_record_use(reply=reply)
    return JsonResponse(
        {
            "text": rendered.text,
            "missing": [{"key": v.key, "label": str(v.label), "marker": marker(v)} for v in rendered.missing],
        }
    )
