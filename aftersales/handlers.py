"""After-sales plugged into the ticket core (``tickets.panels``): the request's card on the ticket page and its
steps on the buyer's tracking page. The request drives its ticket, never the other way round, with one
exception: the files a buyer sends with a message become the request's evidence (an event listener)."""

from __future__ import annotations

from django.template.loader import render_to_string

from tickets.enums import EventType, TicketKind
from tickets.hooks import register_event_listener
from tickets.models import Ticket, TicketEvent
from tickets.panels import TicketPanel, register_panel

from .models import AfterSalesRequest
from .services.evidence import aftersales_evidence_from_buyer_message
from .views import PANEL_KEY, request_panel


def _customer_panel(ticket: Ticket) -> str:
    request = AfterSalesRequest.objects.select_related("reason").filter(ticket=ticket).first()
    if request is None:
        return ""
    return render_to_string("aftersales/_customer_panel.html", {"request": request, "steps": request.customer_steps()})


def _buyer_files_as_evidence(ticket: Ticket, event: TicketEvent) -> None:
    """A buyer's message on an after-sales ticket: its photos count as the request's evidence."""
    if event.type != EventType.CUSTOMER_REPLIED or ticket.kind != TicketKind.AFTERSALES:
        return
    message_id = (event.data or {}).get("message_id")
    if isinstance(message_id, int):
        aftersales_evidence_from_buyer_message(ticket_id=ticket.pk, message_id=message_id)


def register() -> None:
    register_panel(TicketKind.AFTERSALES, TicketPanel(key=PANEL_KEY, staff=request_panel, customer=_customer_panel))
    register_event_listener(_buyer_files_as_evidence)
