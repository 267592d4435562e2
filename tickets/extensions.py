"""The one extension point of the ticket core (STYLE.md rule 5).

Apps that give a ticket kind its own behaviour (complaints, after-sales) register handlers here from their
``AppConfig.ready()``; ``tickets`` calls them and never imports those apps.

- ``on_created(ticket, actor)`` and ``on_status_changed(ticket, old_status, new_status, actor)`` run inside
  the service's transaction, while the ticket row is locked: they may write their own rows and call ticket
  services; anything slow or external goes to ``transaction.on_commit``. An exception aborts the whole change.
- ``panel(request, ticket)`` returns HTML for the ticket page (or ``""``), rendered from the app's own template.
- ``customer_panel(ticket)`` returns HTML for the buyer's tracking page: only what the buyer may see.

Apps that report ticket history outward (webhooks) register an *event listener* instead, for every kind:
``listener(ticket, event)`` runs for each ``TicketEvent`` as it is written, inside the service's transaction,
with the in-memory ticket (some events are written just before the change they describe is saved: read the
new value from ``event.data``). A listener writes its own rows only; an exception aborts the change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import Ticket, TicketEvent


@dataclass(frozen=True)
class KindHandlers:
    on_created: Callable[[Ticket, Any], None] | None = None
    on_status_changed: Callable[[Ticket, str, str, Any], None] | None = None
    panel: Callable[[Any, Ticket], str] | None = None
    customer_panel: Callable[[Ticket], str] | None = None


_registry: dict[str, list[KindHandlers]] = {}
_event_listeners: list[Callable[[Ticket, TicketEvent], None]] = []


def register(kind: str, handlers: KindHandlers) -> None:
    bucket = _registry.setdefault(kind, [])
    if handlers not in bucket:
        bucket.append(handlers)


def handlers_for(kind: str) -> list[KindHandlers]:
    return list(_registry.get(kind, ()))


def run_created(ticket: Ticket, actor: Any) -> None:
    for handlers in handlers_for(ticket.kind):
        if handlers.on_created:
            handlers.on_created(ticket, actor)


def run_status_changed(ticket: Ticket, old_status: str, new_status: str, actor: Any) -> None:
    for handlers in handlers_for(ticket.kind):
        if handlers.on_status_changed:
            handlers.on_status_changed(ticket, old_status, new_status, actor)


def panels(request: Any, ticket: Ticket) -> list[str]:
    return [
        html for handlers in handlers_for(ticket.kind) if handlers.panel and (html := handlers.panel(request, ticket))
    ]


def customer_panels(ticket: Ticket) -> list[str]:
    return [
        html
        for handlers in handlers_for(ticket.kind)
        if handlers.customer_panel and (html := handlers.customer_panel(ticket))
    ]


def register_event_listener(listener: Callable[[Ticket, TicketEvent], None]) -> None:
    if listener not in _event_listeners:
        _event_listeners.append(listener)


def run_event(ticket: Ticket, event: TicketEvent) -> None:
    for listener in _event_listeners:
        listener(ticket, event)
