"""Page panels: how apps above the ticket core add a card to the ticket page (staff) and to the buyer's
tracking page. Apps register from ``AppConfig.ready()``. A panel renders and never writes.

Panel state is explicit. When an app's panel form is refused, its view re-renders the ticket page with
``tickets.pages.render_ticket_page(..., panel_state={panel.key: state})``; the panel receives its own entry
as ``state`` (``None`` on a plain page view) — the refused form with its errors, a message — and nothing is
smuggled on the request.

Two more places on the staff page take contributions from every kind of ticket:

- *Composer tools* render inside the reply box (canned-reply picker, wording checks, attachments from a kind
  app): ``ComposerTool.staff(request, ticket) -> HTML``.
- *Side panels* render at the top of the page's side column (suggested articles and replies).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest

    from .models import Ticket


@dataclass(frozen=True)
class TicketPanel:
    key: str  # the app's label; its entry in the page's panel state
    staff: Callable[[HttpRequest, Ticket, Any], str] | None = None  # (request, ticket, state) -> HTML or ""
    customer: Callable[[Ticket], str] | None = None  # the buyer's view: only what the buyer may see


_panels: dict[str, list[TicketPanel]] = {}


def register_panel(kind: str, panel: TicketPanel) -> None:
    bucket = _panels.setdefault(kind, [])
    if panel not in bucket:
        bucket.append(panel)


@dataclass(frozen=True)
class ComposerTool:
    key: str
    staff: Callable[[HttpRequest, Ticket], str]  # (request, ticket) -> HTML inside the reply box, or ""


@dataclass(frozen=True)
class SidePanel:
    key: str
    staff: Callable[[HttpRequest, Ticket], str]  # (request, ticket) -> HTML card for the side column, or ""


_composer_tools: list[ComposerTool] = []
_side_panels: list[SidePanel] = []


def register_composer_tool(tool: ComposerTool) -> None:
    if tool not in _composer_tools:
        _composer_tools.append(tool)


def register_side_panel(panel: SidePanel) -> None:
    if panel not in _side_panels:
        _side_panels.append(panel)


def composer_tools(request: HttpRequest, ticket: Ticket) -> list[str]:
    return [html for tool in _composer_tools if (html := tool.staff(request, ticket))]


def side_panels(request: HttpRequest, ticket: Ticket) -> list[str]:
    return [html for panel in _side_panels if (html := panel.staff(request, ticket))]


def staff_panels(request: HttpRequest, ticket: Ticket, state: Mapping[str, Any] | None = None) -> list[str]:
    state = state or {}
    return [
        html
        for panel in _panels.get(ticket.kind, ())
        if panel.staff and (html := panel.staff(request, ticket, state.get(panel.key)))
    ]


def customer_panels(ticket: Ticket) -> list[str]:
    return [html for panel in _panels.get(ticket.kind, ()) if panel.customer and (html := panel.customer(ticket))]
