"""Domain hooks: how apps above the ticket core add behaviour to ticket changes without the core importing
them (STYLE.md rule 5). Apps register from ``AppConfig.ready()``; ticket services call the hooks.

Every hook runs inside the ticket service's transaction, holding the ticket's row lock, *after* the change is
saved and its event row written (rule 7: save, then record, then tell), so it sees the ticket as it now is.
A hook may write its own rows and call ticket services; anything slow or external goes to
``transaction.on_commit`` (``core.enqueue``). An exception aborts the whole change.

- Kind hooks, per ticket kind: ``on_created(ticket, actor)`` and
  ``on_status_changed(ticket, old_status, new_status, actor)`` (complaints open their record and follow-ups).
- Event listeners, every kind: ``listener(ticket, event)`` for each ``TicketEvent`` as it is written.
  *Domain* listeners run first (surveys issues the buyer's link on resolution), then *outbox* listeners,
  which report the change outward (webhooks) and so see what the domain listeners wrote.

Page panels are not hooks: they render, never write, and live in ``tickets.panels``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import Ticket, TicketEvent

EventListener = Callable[["Ticket", "TicketEvent"], None]


@dataclass(frozen=True)
class KindHooks:
    on_created: Callable[[Ticket, Any], None] | None = None
    on_status_changed: Callable[[Ticket, str, str, Any], None] | None = None


class ListenerPhase(IntEnum):
    DOMAIN = 0
    OUTBOX = 1


_kind_hooks: dict[str, list[KindHooks]] = {}
_event_listeners: dict[ListenerPhase, list[EventListener]] = {phase: [] for phase in ListenerPhase}


def register_kind_hooks(kind: str, hooks: KindHooks) -> None:
    bucket = _kind_hooks.setdefault(kind, [])
    if hooks not in bucket:
        bucket.append(hooks)


def register_event_listener(listener: EventListener, *, phase: ListenerPhase = ListenerPhase.DOMAIN) -> None:
    if listener not in _event_listeners[phase]:
        _event_listeners[phase].append(listener)


def run_created(ticket: Ticket, actor: Any) -> None:
    for hooks in _kind_hooks.get(ticket.kind, ()):
        if hooks.on_created:
            hooks.on_created(ticket, actor)


def run_status_changed(ticket: Ticket, old_status: str, new_status: str, actor: Any) -> None:
    for hooks in _kind_hooks.get(ticket.kind, ()):
        if hooks.on_status_changed:
            hooks.on_status_changed(ticket, old_status, new_status, actor)


def run_event(ticket: Ticket, event: TicketEvent) -> None:
    for phase in ListenerPhase:
        for listener in _event_listeners[phase]:
            listener(ticket, event)
