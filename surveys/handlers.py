"""Surveys plugged into the ticket core and the webhooks (the core never imports surveys):

- a domain event listener (every kind) issues the buyer's survey link when a ticket is resolved;
- the ``ticket.resolved`` webhook carries that link as ``survey_url`` (a read-only payload contributor);
- a panel on the ticket page (every kind) shows the invitation, the buyer's answers and any follow-up.
"""

from __future__ import annotations

from typing import Any

from tickets.enums import EventType, TicketKind, TicketStatus
from tickets.hooks import register_event_listener
from tickets.models import Ticket, TicketEvent
from tickets.panels import TicketPanel, register_panel
from webhooks.enums import WebhookEventType
from webhooks.payloads import register_ticket_payload_contributor

from .selectors import survey_link_for_resolution
from .services import survey_invite
from .views import survey_panel


def _on_event(ticket: Ticket, event: TicketEvent) -> None:
    if event.type == EventType.STATUS_CHANGED and (event.data or {}).get("new") == TicketStatus.RESOLVED:
        survey_invite(ticket=ticket)


def _survey_url(ticket: Ticket, event: TicketEvent) -> dict[str, Any]:
    # The buyer's private link, for the platform to push in its own chat (None: nothing to answer).
    return {"survey_url": survey_link_for_resolution(ticket)}


def register() -> None:
    register_event_listener(_on_event)
    register_ticket_payload_contributor(WebhookEventType.TICKET_RESOLVED, _survey_url)
    for kind in TicketKind.values:
        register_panel(kind, TicketPanel(key="surveys", staff=survey_panel))
