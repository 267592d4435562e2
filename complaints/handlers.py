"""Complaints plugged into the ticket core (``tickets.hooks``, ``tickets.panels``); the core never imports them."""

from __future__ import annotations

from tickets.enums import TicketKind
from tickets.hooks import KindHooks, register_kind_hooks
from tickets.panels import TicketPanel, register_panel

from .services import complaint_on_status_changed, complaint_open_for_ticket
from .views import PANEL_KEY, complaint_panel


def register() -> None:
    register_kind_hooks(
        TicketKind.COMPLAINT,
        KindHooks(
            on_created=lambda ticket, actor: complaint_open_for_ticket(ticket=ticket, actor=actor),
            on_status_changed=complaint_on_status_changed,
        ),
    )
    register_panel(TicketKind.COMPLAINT, TicketPanel(key=PANEL_KEY, staff=complaint_panel))
