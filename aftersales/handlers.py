"""After-sales plugged into the ticket core (``tickets.panels``): the request's card on the ticket page and its
steps on the buyer's tracking page. No domain hooks: the request drives its ticket, never the other way round."""

from __future__ import annotations

from django.template.loader import render_to_string

from tickets.enums import TicketKind
from tickets.models import Ticket
from tickets.panels import TicketPanel, register_panel

from .models import AfterSalesRequest
from .views import PANEL_KEY, request_panel


def _customer_panel(ticket: Ticket) -> str:
    request = AfterSalesRequest.objects.select_related("reason").filter(ticket=ticket).first()
    if request is None:
        return ""
    return render_to_string("aftersales/_customer_panel.html", {"request": request, "steps": request.customer_steps()})


def register() -> None:
    register_panel(TicketKind.AFTERSALES, TicketPanel(key=PANEL_KEY, staff=request_panel, customer=_customer_panel))
