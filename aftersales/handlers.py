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


HANDLERS = KindHandlers(panel=_panel)


def register() -> None:
    register_kind(TicketKind.AFTERSALES, HANDLERS)
