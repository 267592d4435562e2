"""SLA clocks: which policy applies, the business time used, due times, and re-evaluation when a policy,
calendar, priority, team or kind changes. Call the helpers while holding the ticket's row lock."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.actors import Actor
from core.enqueue import enqueue

from ..calendars import calendar_for_ticket
from ..enums import (
    RUNNING_STATUSES,
    UNRESOLVED_STATUSES,
    EventType,
)
from ..models import (
    SlaPolicy,
    Ticket,
)
from ..selectors import sla_policy_for
from ..sla import BusinessCalendar, sla_targets, time_used
from .common import iso, record_event

logger = logging.getLogger(__name__)


def _policy_for_ticket(ticket: Ticket) -> SlaPolicy | None:
    return sla_policy_for(
        kind=ticket.kind,
        priority=ticket.priority,
        channel=ticket.channel,
        team_id=ticket.team_id,
        customer_tier=ticket.customer.tier,
    )


def sla_time_used(ticket: Ticket, now: datetime, calendar: BusinessCalendar | None = None) -> timedelta:
    """The business time the clocks have run so far (pauses and stops excluded)."""
    return time_used(ticket, now, calendar or calendar_for_ticket(ticket))


def checkpoint_clocks(ticket: Ticket, now: datetime, calendar: BusinessCalendar, *, stop: bool = False) -> list[str]:
    """Fold the running time into ``sla_elapsed``: before the calendar or targets change (the clocks go on
    from ``now``), or when they stop (``stop``: pending customer, resolved)."""
    if ticket.sla_clock_started_at is not None:
        ticket.sla_elapsed += calendar.working_time_between(ticket.sla_clock_started_at, now)
        ticket.sla_clock_started_at = None if stop else now
    return ["sla_elapsed", "sla_clock_started_at"]


def recompute_due_times(
    ticket: Ticket, now: datetime | None = None, calendar: BusinessCalendar | None = None
) -> list[str]:
    """Set the due and warning times from the time used so far, the policy's targets and the calendar.

    A clock is due when the time used reaches its target: due = anchor + (target − used) in business time,
    where the anchor is when the clocks last started (or stopped, while paused or resolved, which gives the
    due time the ticket would have if it ran on). A target already passed gives a due time in the past.
    Returns the fields changed.
    """
    calendar = calendar or calendar_for_ticket(ticket)
    now = now or timezone.now()
    anchor = ticket.sla_clock_started_at or ticket.sla_paused_at or ticket.resolved_at or now
    targets = sla_targets(ticket.sla_policy)
    used = ticket.sla_elapsed

    def due(threshold: timedelta) -> datetime:
        return calendar.add(anchor, threshold - used)

    ticket.first_response_due_at = due(targets.first_response)
    ticket.resolution_due_at = due(targets.resolution)
    if ticket.next_reply_started_at is not None and targets.next_reply is not None:
        ticket.next_reply_due_at = due((ticket.next_reply_offset or timedelta(0)) + targets.next_reply)
    else:
        ticket.next_reply_due_at = None

    warn_points = []
    if ticket.sla_clock_started_at is not None and ticket.status in RUNNING_STATUSES:
        share = targets.warning_percent / 100
        if ticket.first_responded_at is None and ticket.first_response_warned_at is None:
            if ticket.first_response_breached_at is None:
                warn_points.append(due(targets.first_response * share))
        if ticket.resolved_at is None and ticket.resolution_warned_at is None:
            if ticket.resolution_breached_at is None:
                warn_points.append(due(targets.resolution * share))
        if ticket.next_reply_due_at is not None and ticket.next_reply_warned_at is None:
            if ticket.next_reply_breached_at is None and targets.next_reply is not None:
                offset = ticket.next_reply_offset or timedelta(0)
                warn_points.append(due(offset + targets.next_reply * share))
    ticket.sla_warn_at = min(warn_points) if warn_points else None
    return [
        "first_response_due_at",
        "resolution_due_at",
        "next_reply_due_at",
        "sla_warn_at",
        *_refresh_next_due(ticket),
    ]


def _refresh_next_due(ticket: Ticket) -> list[str]:
    """Keep ``sla_next_due_at`` (the inbox's sort key) equal to the nearest running deadline."""
    if not ticket.is_clock_running:
        next_due = None
    else:
        candidates = []
        if ticket.first_responded_at is None:
            candidates.append(ticket.first_response_due_at)
        if ticket.next_reply_started_at is not None:
            candidates.append(ticket.next_reply_due_at)
        if ticket.resolved_at is None:
            candidates.append(ticket.resolution_due_at)
        present = [moment for moment in candidates if moment is not None]
        next_due = min(present) if present else None
    ticket.sla_next_due_at = next_due
    return ["sla_next_due_at"]


@dataclass(frozen=True)
class SlaReevaluation:
    fields: list[str]  # the ticket's fields to save
    recomputed: dict[str, Any] | None  # the sla_recomputed event's data, when the policy or a due time moved


def reevaluate_sla_locked(
    ticket: Ticket, *, reason: str, now: datetime, change: Callable[[], None] | None = None
) -> SlaReevaluation:
    """Apply ``change`` (a new priority, kind or team), re-match the policy and recompute the due times from
    the time already used — measured on the calendar in force before the change — and the paused time kept
    as it was. Writes nothing: the caller saves ``fields``, then records its own event, then
    ``record_sla_recomputed`` (save, then record: a listener sees the ticket as it now is)."""
    old_calendar = calendar_for_ticket(ticket)
    fields = checkpoint_clocks(ticket, now, old_calendar)
    if change is not None:
        change()
    old_policy = ticket.sla_policy
    old_due = (ticket.first_response_due_at, ticket.next_reply_due_at, ticket.resolution_due_at)
    ticket.sla_policy = _policy_for_ticket(ticket)
    fields += ["sla_policy", *recompute_due_times(ticket, now)]
    new_due = (ticket.first_response_due_at, ticket.next_reply_due_at, ticket.resolution_due_at)
    if old_policy == ticket.sla_policy and old_due == new_due:
        return SlaReevaluation(fields, None)
    return SlaReevaluation(
        fields,
        {
            "reason": reason,
            "old_policy": old_policy.name if old_policy else "",
            "new_policy": ticket.sla_policy.name if ticket.sla_policy else "",
            "used_seconds": int(sla_time_used(ticket, now).total_seconds()),
            "first_response_due_at": iso(ticket.first_response_due_at),
            "next_reply_due_at": iso(ticket.next_reply_due_at),
            "resolution_due_at": iso(ticket.resolution_due_at),
        },
    )


def record_sla_recomputed(ticket: Ticket, actor: Actor, reevaluation: SlaReevaluation) -> None:
    """The sla_recomputed event of a re-evaluation, once its ticket is saved (nothing when nothing moved)."""
    if reevaluation.recomputed is not None:
        record_event(ticket, EventType.SLA_RECOMPUTED, actor, **reevaluation.recomputed)


def clear_next_reply(ticket: Ticket) -> list[str]:
    ticket.next_reply_started_at = None
    ticket.next_reply_offset = None
    ticket.next_reply_due_at = None
    ticket.next_reply_warned_at = None
    return ["next_reply_started_at", "next_reply_offset", "next_reply_due_at", "next_reply_warned_at"]


def mark_escalations_met(ticket: Ticket, target: str, now: datetime, *, cycle: int = 0) -> None:
    """The breached target is met: its escalations say when, and their chains stop."""
    ticket.escalations.filter(target=target, cycle=cycle, met_at__isnull=True).update(met_at=now, next_level_at=None)


def sla_reevaluate_open_tickets(*, reason: str, calendar_id: int | None = None, batch_size: int = 500) -> int:
    """Re-match the policy and recompute the due times of every unresolved ticket (only those whose clocks
    run on ``calendar_id``, when given) after policies or a calendar changed. Each ticket is locked and
    handled like a priority change: time used and paused is kept, and a changed ticket records why.
    Returns how many tickets changed."""

    queryset = Ticket.objects.filter(status__in=UNRESOLVED_STATUSES)
    if calendar_id is not None:
        queryset = queryset.filter(
            Q(sla_policy__calendar_id=calendar_id) | Q(sla_policy__calendar__isnull=True, team__calendar_id=calendar_id)
        )
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    changed = 0
    for start in range(0, len(ids), batch_size):
        with transaction.atomic():
            now = timezone.now()
            for ticket in (
                Ticket.objects.select_for_update(of=("self",))
                .select_related("sla_policy", "team", "customer")
                .filter(pk__in=ids[start : start + batch_size], status__in=UNRESOLVED_STATUSES)
            ):
                before = (ticket.sla_policy_id, ticket.first_response_due_at, ticket.resolution_due_at)
                reevaluation = reevaluate_sla_locked(ticket, reason=reason, now=now)
                if (ticket.sla_policy_id, ticket.first_response_due_at, ticket.resolution_due_at) != before:
                    changed += 1
                ticket.save(update_fields=[*dict.fromkeys(reevaluation.fields), "updated_at"])
                record_sla_recomputed(ticket, None, reevaluation)
    return changed


def enqueue_sla_reevaluation(*, reason: str, calendar_id: int | None = None) -> None:
    """Recompute open tickets in the background; if the broker is down, do it now (it must not be lost)."""
    if not enqueue("tickets.tasks.sla_reevaluate_task", reason, calendar_id, if_lost="recomputing in this process"):
        logger.warning("broker unreachable; recomputing due times in this process")
        sla_reevaluate_open_tickets(reason=reason, calendar_id=calendar_id)
