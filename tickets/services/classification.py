"""A ticket's priority and kind/category; both re-match the SLA policy."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actors import Actor
from core.errors import Conflict, ValidationFailed, validate_choice

from .. import hooks
from ..enums import (
    CATEGORIES_BY_KIND,
    EventType,
    Priority,
    TicketKind,
)
from ..models import (
    Ticket,
)
from .clocks import record_sla_recomputed, reevaluate_sla_locked
from .common import lock_ticket, record_event, refuse_if_closed


def ticket_set_priority(*, ticket: Ticket, priority: str, actor: Actor) -> Ticket:
    """Change the priority, re-match the SLA policy and recompute the due times (time already used is kept)."""
    validate_choice(priority, Priority, "priority")
    with transaction.atomic():
        ticket = lock_ticket(ticket)
        refuse_if_closed(ticket)
        if ticket.priority == priority:
            return ticket
        old = ticket.priority
        reevaluation = reevaluate_sla_locked(
            ticket, reason="priority_changed", now=timezone.now(), change=lambda: setattr(ticket, "priority", priority)
        )
        ticket.save(update_fields=[*dict.fromkeys(["priority", *reevaluation.fields]), "updated_at"])
        record_event(ticket, EventType.PRIORITY_CHANGED, actor, old=old, new=priority)
        record_sla_recomputed(ticket, actor, reevaluation)
    return ticket


def ticket_reclassify(*, ticket: Ticket, kind: str, category: str, actor: Actor) -> Ticket:
    """Change what a ticket is about. An inquiry may become a complaint or an after-sales request (the kind's
    own workflow starts, as if it had been opened so); a complaint or after-sales ticket keeps its kind and may
    change category only. A new kind re-matches the SLA policy, keeping the time already used and paused."""
    validate_choice(kind, TicketKind, "kind")
    if category not in CATEGORIES_BY_KIND[kind]:
        raise ValidationFailed(
            _("Category “%(category)s” does not belong to kind “%(kind)s”.") % {"category": category, "kind": kind},
            fields={"category": [_("Choose one of: %(values)s.") % {"values": ", ".join(CATEGORIES_BY_KIND[kind])}]},
        )
    with transaction.atomic():
        ticket = lock_ticket(ticket)
        refuse_if_closed(ticket)
        if (ticket.kind, ticket.category) == (kind, category):
            return ticket
        old_kind, old_category = ticket.kind, ticket.category
        if kind != old_kind and old_kind != TicketKind.INQUIRY:
            raise Conflict(
                _("Only an inquiry can become another kind of ticket; open a new ticket instead."),
                fields={"kind": [_("A complaint or after-sales ticket keeps its kind.")]},
            )

        def change() -> None:
            ticket.kind, ticket.category = kind, category

        reevaluation = reevaluate_sla_locked(ticket, reason="kind_changed", now=timezone.now(), change=change)
        ticket.save(update_fields=[*dict.fromkeys(["kind", "category", *reevaluation.fields]), "updated_at"])
        record_event(
            ticket,
            EventType.RECLASSIFIED,
            actor,
            old_kind=old_kind,
            new_kind=kind,
            old_category=old_category,
            new_category=category,
        )
        record_sla_recomputed(ticket, actor, reevaluation)
        if kind != old_kind:
            hooks.run_created(ticket, actor)
    return ticket
