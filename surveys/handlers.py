"""Surveys plugged into the ticket core through ``tickets.extensions`` (the core never imports surveys).

- An event listener (every kind) issues the survey link when a ticket is resolved.
- A panel on the ticket page (every kind) shows the invitation, the buyer's answers and any follow-up.
"""

from __future__ import annotations

from typing import Any

from tickets.enums import EventType, TicketKind, TicketStatus
from tickets.extensions import KindHandlers, register_event_listener
from tickets.extensions import register as register_kind
from tickets.models import Ticket, TicketEvent


def _on_event(ticket: Ticket, event: TicketEvent) -> None:
    if event.type == EventType.STATUS_CHANGED and (event.data or {}).get("new") == TicketStatus.RESOLVED:
        from .services import survey_invite

        survey_invite(ticket=ticket)


def _panel(request: Any, ticket: Ticket) -> str:
    from .views import survey_panel

    return survey_panel(request, ticket)


def register() -> None:
    register_event_listener(_on_event)
    for kind in TicketKind.values:
        register_kind(kind, KindHandlers(panel=_panel))
