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

- The intake router (one, registered by the workforce app): ``router(draft) -> RoutingDecision | None``, asked
  by ``ticket_create`` on every intake path *before* the ticket is built (the decision may change its team,
  priority and restriction, which the SLA policy depends on). It must not write: what it wants stored with
  the ticket goes in ``RoutingDecision.after_save``, which runs inside the create transaction once the ticket
  and its ``routed`` event exist.

- Reply checks, every kind: ``check(*, ticket, body, actor) -> list[ReplyProblem]``, run by ``ticket_reply``
  on the body about to be sent (wording rules, unfilled canned-reply placeholders). A blocking problem refuses
  the reply unless the sender gives an override reason, which the timeline records. Checks must not write:
  the reply page also runs them while the agent types.

Page panels are not hooks: they render, never write, and live in ``tickets.panels``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datetime import datetime

    from customers.models import Customer, Order

    from .models import Team, Ticket, TicketEvent

EventListener = Callable[["Ticket", "TicketEvent"], None]


@dataclass(frozen=True)
class KindHooks:
    on_created: Callable[[Ticket, Any], None] | None = None
    on_status_changed: Callable[[Ticket, str, str, Any], None] | None = None


class ListenerPhase(IntEnum):
    DOMAIN = 0
    OUTBOX = 1


@dataclass(frozen=True)
class IntakeDraft:
    """A ticket about to be created, as the router sees it. ``team`` is the team the creator chose (None when
    they chose none); ``default_team`` the kind's default team that the ticket gets if no rule sets one."""

    kind: str
    category: str
    channel: str
    priority: str
    subject: str
    description: str
    customer: Customer
    order: Order | None
    team: Team | None
    default_team: Team | None
    received_at: datetime


@dataclass
class RoutingDecision:
    """What the rules decided. ``None`` fields leave the ticket as the creator made it. ``rules`` is what the
    ticket's ``routed`` event records: one ``{"id", "name", "actions": [...]}`` per rule that fired."""

    team: Team | None = None
    priority: str | None = None
    restricted: bool = False
    tags: list[str] | None = None
    rules: list[dict[str, Any]] | None = None
    after_save: Callable[[Ticket], None] | None = None


IntakeRouter = Callable[[IntakeDraft], "RoutingDecision | None"]

_router: list[IntakeRouter] = []


def register_router(router: IntakeRouter) -> None:
    """Install the intake router (one at a time: a second registration replaces the first)."""
    _router[:] = [router]


def run_router(draft: IntakeDraft) -> RoutingDecision | None:
    return _router[0](draft) if _router else None


@dataclass(frozen=True)
class ReplyProblem:
    """What a reply check found in a reply about to be sent. ``blocking`` problems refuse the reply unless the
    sender overrides them with a reason; the others are warnings. A blocking problem that is not
    ``overridable`` refuses the reply whatever the reason (an unfilled canned-reply variable is never sent raw).
    ``rule_id`` names the rule that found it, when one did (wording rules)."""

    code: str
    message: str
    blocking: bool
    rule_id: int | None = None
    overridable: bool = True


ReplyCheck = Callable[..., "list[ReplyProblem]"]  # check(*, ticket, body, actor) -> list[ReplyProblem]

_reply_checks: list[ReplyCheck] = []


def register_reply_check(fn: ReplyCheck) -> None:
    if fn not in _reply_checks:
        _reply_checks.append(fn)


def run_reply_checks(*, ticket: Ticket, body: str, actor: Any) -> list[ReplyProblem]:
    """Every registered check's problems with ``body``, blocking ones first (in the checks' order)."""
    problems = [problem for check in _reply_checks for problem in check(ticket=ticket, body=body, actor=actor)]
    return sorted(problems, key=lambda problem: not problem.blocking)


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
