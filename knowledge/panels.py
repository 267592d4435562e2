"""What the knowledge base adds to the ticket page (``tickets.panels``), registered in ``AppConfig.ready``:

- *Suggestions* (a side panel): the published articles that best match the ticket's subject and the buyer's
  latest messages, each with "open" and — public articles only — "insert link", which puts the article's public
  address into the reply box; and the canned replies that match (``replies.selectors.canned_reply_suggestions``),
  each with "insert", which fills it from the ticket into the reply box like the # picker.
- *Case library* (a side panel on resolved and closed tickets): "create an article from this ticket".

A panel renders and never writes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.template.loader import render_to_string

from replies.selectors import canned_reply_suggestions
from tickets.panels import SidePanel

from . import permissions, selectors
from .links import article_public_url
from .services.cases import case_ready

if TYPE_CHECKING:
    from django.http import HttpRequest

    from tickets.models import Ticket

SUGGESTIONS = 5


def suggestions_panel(request: HttpRequest, ticket: Ticket) -> str:
    if not permissions.may_read_kb(request.user):
        return ""
    hits = selectors.article_suggestions(ticket=ticket, user=request.user, limit=SUGGESTIONS)
    rows = [
        {"hit": hit, "public_url": article_public_url(hit.article) if hit.article.is_public() else ""} for hit in hits
    ]
    # The canned replies best matching the ticket, in the same card: "insert" fills one into the reply box
    # (static/js/canned_picker.js), as the # picker does.
    canned_replies = canned_reply_suggestions(ticket=ticket, user=request.user, limit=SUGGESTIONS)
    return render_to_string(
        "knowledge/_suggestions_panel.html",
        {"rows": rows, "canned_replies": canned_replies, "ticket": ticket},
        request=request,
    )


def case_panel(request: HttpRequest, ticket: Ticket) -> str:
    if not permissions.may_write(request.user) or not case_ready(ticket):
        return ""
    return render_to_string("knowledge/_case_panel.html", {"ticket": ticket}, request=request)


SUGGESTIONS_PANEL = SidePanel(key="knowledge_suggestions", staff=suggestions_panel)
CASE_PANEL = SidePanel(key="knowledge_case", staff=case_panel)
