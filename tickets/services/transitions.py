"""Ticket status: ``transition_locked`` is the one function that assigns ``Ticket.status``."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actors import Actor
from core.errors import Conflict, validate_choice

from .. import hooks
from ..calendars import calendar_for_ticket
from ..enums import (
    RUNNING_STATUSES,
    EventType,
    SlaTarget,
    TicketStatus,
)
from ..models import (
    Ticket,
)
from .clocks import checkpoint_clocks, clear_next_reply, mark_escalations_met, recompute_due_times
from .common import claim_if_unassigned, iso, lock_ticket, record_event
from .stale import refuse_if_stale


def ticket_transition(*, ticket: Ticket, to_status: str, actor: Actor, seen_event_id: int | None = None) -> Ticket:
    """Move a ticket to another status, if the transition table allows it.

    Pending customer pauses both clocks; leaving it resumes them and shifts the due times by the paused
    span. Resolving stops the resolution clock; reopening treats the resolved span as paused. With
    ``seen_event_id`` (the newest event the sender's page showed), refused with ``StaleTicket`` if the buyer
    wrote, someone else replied or someone else changed the status since (``tickets.services.stale``); a
    ticket already in ``to_status`` is left as it is either way.
    """
    validate_choice(to_status, TicketStatus, "status")
    with transaction.atomic():
        ticket = lock_ticket(ticket)
        if ticket.status == to_status:
            return ticket
        refuse_if_stale(ticket, actor, seen_event_id)
        claim_if_unassigned(ticket, actor)
        transition_locked(ticket, to_status, actor)
    return ticket


def transition_locked(
    ticket: Ticket, to_status: str, actor: Actor, *, now: datetime | None = None, reason: str = ""
) -> None:
    """The one place that assigns ``Ticket.status``. Call while holding the row lock."""
    if to_status == TicketStatus.PENDING_CUSTOMER and ticket.first_responded_at is None:
        # Waiting on the buyer pauses the clocks; without a reply nobody has asked them anything, and the
        # 10-minute first-response promise would silently stop.
        raise Conflict(
            _("Reply to the customer before waiting on them."),
            fields={"status": [_("Send a public reply first.")]},
        )
    if not ticket.can_transition_to(to_status):
        raise Conflict(
            _("A ticket cannot go from “%(old)s” to “%(new)s”.")
            % {"old": TicketStatus(ticket.status).label, "new": TicketStatus(to_status).label},
            fields={"status": [_("Not allowed from the current status.")]},
        )
    now = now or timezone.now()
    calendar = calendar_for_ticket(ticket)
    old_status = ticket.status
    was_running, will_run = old_status in RUNNING_STATUSES, to_status in RUNNING_STATUSES
    fields = ["status"]
    ticket.status = to_status
    if was_running and not will_run:
        fields += checkpoint_clocks(ticket, now, calendar, stop=True)

    resumed_from: datetime | None = None
    if old_status == TicketStatus.PENDING_CUSTOMER and ticket.sla_paused_at is not None:
        resumed_from = ticket.sla_paused_at
        ticket.sla_paused_at = None
        fields.append("sla_paused_at")
    elif old_status == TicketStatus.RESOLVED and to_status == TicketStatus.OPEN and ticket.resolved_at is not None:
        # Reopened: the clock stood still while the ticket was resolved.
        resumed_from = ticket.resolved_at
        ticket.resolved_at = None
        fields.append("resolved_at")
    paused_for = 0
    if resumed_from is not None:
        paused_for = int(calendar.seconds_between(resumed_from, now))
        ticket.sla_paused_seconds += paused_for
        fields.append("sla_paused_seconds")
    if will_run and not was_running:
        ticket.sla_clock_started_at = now
        fields.append("sla_clock_started_at")

    if to_status == TicketStatus.PENDING_CUSTOMER:
        ticket.sla_paused_at = now
        fields.append("sla_paused_at")
    elif to_status == TicketStatus.RESOLVED:
        ticket.resolved_at = now
        fields += ["resolved_at", *clear_next_reply(ticket)]
        mark_escalations_met(ticket, SlaTarget.RESOLUTION, now)
    elif to_status == TicketStatus.CLOSED:
        ticket.closed_at = now
        fields.append("closed_at")
    fields += recompute_due_times(ticket, now, calendar)

    ticket.save(update_fields=[*dict.fromkeys(fields), "updated_at"])
    record_event(ticket, EventType.STATUS_CHANGED, actor, old=old_status, new=to_status, reason=reason)
    hooks.run_status_changed(ticket, old_status, to_status, actor)
    if to_status == TicketStatus.PENDING_CUSTOMER:
        record_event(ticket, EventType.SLA_PAUSED, actor)
    if resumed_from is not None and will_run:
        record_event(
            ticket,
            EventType.SLA_RESUMED,
            actor,
            paused_seconds=paused_for,
            first_response_due_at=iso(ticket.first_response_due_at),
            resolution_due_at=iso(ticket.resolution_due_at),
        )
