"""Complaints plugged into the ticket core (``tickets.hooks``, ``tickets.panels``); the core never imports them."""

from __future__ import annotations

from typing import Any

from tickets.enums import TicketKind
from tickets.hooks import KindHooks, register_kind_hooks
from tickets.models import Ticket
from tickets.panels import TicketPanel, register_panel

from .services import complaint_on_status_changed, complaint_open_for_ticket
from .views import PANEL_KEY, complaint_panel


def _on_created(ticket: Ticket, actor: Any) -> None:
    complaint_open_for_ticket(ticket=ticket, actor=actor)


def register() -> None:
    register_kind_hooks(
        TicketKind.COMPLAINT, KindHooks(on_created=_on_created, on_status_changed=complaint_on_status_changed)
    )
    register_panel(TicketKind.COMPLAINT, TicketPanel(key=PANEL_KEY, staff=complaint_panel))
