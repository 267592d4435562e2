"""Complaint behaviour plugged into the ticket core through ``tickets.extensions``."""

from __future__ import annotations

from typing import Any

from tickets.extensions import KindHandlers
from tickets.extensions import register as register_kind
from tickets.models import Ticket


def _on_created(ticket: Ticket, actor: Any) -> None:
    from .services import complaint_open_for_ticket

    complaint_open_for_ticket(ticket=ticket, actor=actor)


def _on_status_changed(ticket: Ticket, old_status: str, new_status: str, actor: Any) -> None:
    from .services import complaint_on_status_changed

    complaint_on_status_changed(ticket, old_status, new_status, actor)


def _panel(request: Any, ticket: Ticket) -> str:
    from .views import complaint_panel

    return complaint_panel(request, ticket)


def register() -> None:
    register_kind("complaint", KindHandlers(on_created=_on_created, on_status_changed=_on_status_changed, panel=_panel))
