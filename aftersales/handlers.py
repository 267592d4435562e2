"""After-sales behaviour plugged into the ticket core through ``tickets.extensions``: the request panel on
the ticket page. (No status hooks: the request drives its ticket, never the other way round.)"""

from __future__ import annotations

from typing import Any

from tickets.enums import TicketKind
from tickets.extensions import KindHandlers
from tickets.extensions import register as register_kind
from tickets.models import Ticket


def _panel(request: Any, ticket: Ticket) -> str:
    from .views import request_panel

    return request_panel(request, ticket)


def _customer_panel(ticket: Ticket) -> str:
    from django.template.loader import render_to_string

    from .models import AfterSalesRequest

    request = AfterSalesRequest.objects.select_related("reason").filter(ticket=ticket).first()
    if request is None:
        return ""
    return render_to_string("aftersales/_customer_panel.html", {"request": request, "steps": request.customer_steps()})


HANDLERS = KindHandlers(panel=_panel, customer_panel=_customer_panel)


def register() -> None:
    register_kind(TicketKind.AFTERSALES, HANDLERS)
