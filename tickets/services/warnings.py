"""SLA warnings: at a policy's warning point the assignee (or the team) is warned once per clock."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils.translation import gettext_noop

from notifications.services import notifications_create

from ..access import ticket_readers
from ..calendars import calendar_for_ticket
from ..enums import (
    EventType,
    SlaTarget,
)
from ..models import (
    Ticket,
)
from ..sla import sla_targets
from .clocks import recompute_due_times, sla_time_used
from .common import escalation_recipients, iso, record_event

_WARN_FIELDS: dict[str, str] = {
    SlaTarget.FIRST_RESPONSE: "first_response_warned_at",
    SlaTarget.NEXT_REPLY: "next_reply_warned_at",
    SlaTarget.RESOLUTION: "resolution_warned_at",
}


def sweep_warning_batch(*, now: datetime, batch_size: int) -> int:
    """Warn the assignee (or the team, if nobody has it) once per clock when it reaches the warning point."""
    with transaction.atomic():
        tickets = list(
            Ticket.objects.warning_due(now)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("team", "sla_policy", "assignee")
            .order_by("sla_warn_at", "id")[:batch_size]
        )
        for ticket in tickets:
            _warn_locked(ticket, now)
    return len(tickets)


def _warn_locked(ticket: Ticket, now: datetime) -> None:
    calendar = calendar_for_ticket(ticket)
    targets = sla_targets(ticket.sla_policy)
    share = targets.warning_percent / 100
    used = sla_time_used(ticket, now, calendar)
    clocks: list[tuple[str, timedelta, timedelta, datetime | None, bool]] = [
        (
            SlaTarget.FIRST_RESPONSE,
            timedelta(0),
            targets.first_response,
            ticket.first_response_due_at,
            ticket.first_responded_at is None and ticket.first_response_breached_at is None,
        ),
        (
            SlaTarget.RESOLUTION,
            timedelta(0),
            targets.resolution,
            ticket.resolution_due_at,
            ticket.resolved_at is None and ticket.resolution_breached_at is None,
        ),
    ]
    if targets.next_reply is not None and ticket.next_reply_started_at is not None:
        clocks.append(
            (
                SlaTarget.NEXT_REPLY,
                ticket.next_reply_offset or timedelta(0),
                targets.next_reply,
                ticket.next_reply_due_at,
                ticket.next_reply_breached_at is None,
            )
        )
    fields: list[str] = []
    for target, start, length, due_at, open_ in clocks:
        warn_field = _WARN_FIELDS[target]
        if not open_ or getattr(ticket, warn_field) is not None or used < start + length * share:
            continue
        setattr(ticket, warn_field, now)
        fields.append(warn_field)
        if due_at is not None and due_at <= now:
            continue  # already breached: the escalation says it, a warning would only be noise
        _send_warning(ticket, target=target, due_at=due_at, now=now)
    fields += recompute_due_times(ticket, now, calendar)
    ticket.save(update_fields=[*dict.fromkeys(fields), "updated_at"])


def _send_warning(ticket: Ticket, *, target: str, due_at: datetime | None, now: datetime) -> None:
    if ticket.assignee is not None and ticket.assignee.is_active:
        recipients = [ticket.assignee]
    elif ticket.team is not None:
        # a member whose scope does not reach this ticket (assigned only) must not hear of it
        recipients = ticket_readers(ticket, ticket.team.members.filter(is_active=True).order_by("id"))
    else:
        recipients = []
    if not recipients:
        recipients = escalation_recipients(ticket)
    cycle = ticket.next_reply_cycle if target == SlaTarget.NEXT_REPLY else 0
    record_event(
        ticket,
        EventType.SLA_WARNED,
        None,
        target=target,
        due_at=iso(due_at),
        recipients=sorted(str(user) for user in recipients),
    )
    messages = {
        SlaTarget.FIRST_RESPONSE: gettext_noop("Ticket %(reference)s: first response due soon"),
        SlaTarget.NEXT_REPLY: gettext_noop("Ticket %(reference)s: the customer is waiting for a reply"),
        SlaTarget.RESOLUTION: gettext_noop("Ticket %(reference)s: resolution due soon"),
    }
    notifications_create(
        recipients=recipients,
        verb="sla_warning",
        message=messages[SlaTarget(target)],
        params={"reference": ticket.reference, "subject": ticket.subject},
        url=f"/tickets/{ticket.pk}/",
        dedupe_key=f"warning:{ticket.pk}:{target}:{cycle}",
    )
