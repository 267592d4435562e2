"""Every write to tickets. Each service locks the ticket row, checks, writes, records an event row, and
defers side effects (tasks, e-mail) to ``transaction.on_commit``.

Status changes happen in ``ticket_transition`` only (or in the services that call it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts import roles
from core.actors import actor_or_none, is_user
from core.enqueue import enqueue, enqueue_on_commit
from core.errors import Conflict, Forbidden, ValidationFailed, validate_choice
from customers.models import Customer, Order
from customers.services import OrderLineData, customer_upsert, order_upsert
from notifications.services import notifications_create

from . import hooks
from .calendars import calendar_for_ticket, calendar_forget
from .enums import (
    CATEGORIES_BY_KIND,
    RUNNING_STATUSES,
    UNRESOLVED_STATUSES,
    AuthorType,
    Channel,
    EventType,
    MessageVisibility,
    Priority,
    SlaTarget,
    TicketKind,
    TicketStatus,
)
from .models import BusinessCalendar as BusinessCalendarRow
from .models import (
    CalendarDay,
    CalendarDayKind,
    Escalation,
    EscalationStep,
    Message,
    SlaPolicy,
    Team,
    Ticket,
    TicketEvent,
)
from .sla import BusinessCalendar, sla_targets, time_used

logger = logging.getLogger(__name__)

# A platform's clock may run a little ahead of ours; within this margin a future ``received_at`` means "now".
RECEIVED_AT_CLOCK_SKEW = timedelta(minutes=2)


# --- helpers (call while holding the ticket's row lock) ---------------------------------------------------


def _record_event(ticket: Ticket, type: str, actor: Any = None, **data: Any) -> TicketEvent:
    event = TicketEvent.objects.create(ticket=ticket, type=type, actor=actor_or_none(actor), data=data)
    hooks.run_event(ticket, event)
    return event


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _lock(ticket: Ticket | int) -> Ticket:
    pk = ticket.pk if isinstance(ticket, Ticket) else ticket
    return Ticket.objects.select_for_update(of=("self",)).select_related("sla_policy", "team").get(pk=pk)


# --- SLA clocks (call while holding the ticket's row lock) -------------------------------------------------


def sla_policy_for(
    *, kind: str, priority: str, channel: str = "", team_id: int | None = None, customer_tier: str = ""
) -> SlaPolicy | None:
    """The first active policy, in position order, whose conditions all match (a blank condition matches all)."""
    for policy in SlaPolicy.objects.filter(is_active=True).order_by("position", "id"):
        if policy.matches(kind=kind, priority=priority, channel=channel, team_id=team_id, customer_tier=customer_tier):
            return policy
    return None


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


def _checkpoint_clocks(ticket: Ticket, now: datetime, calendar: BusinessCalendar, *, stop: bool = False) -> list[str]:
    """Fold the running time into ``sla_elapsed``: before the calendar or targets change (the clocks go on
    from ``now``), or when they stop (``stop``: pending customer, resolved)."""
    if ticket.sla_clock_started_at is not None:
        ticket.sla_elapsed += calendar.working_time_between(ticket.sla_clock_started_at, now)
        ticket.sla_clock_started_at = None if stop else now
    return ["sla_elapsed", "sla_clock_started_at"]


def _recompute_due_times(
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


def _reevaluate_sla_locked(
    ticket: Ticket, *, reason: str, actor: Any, now: datetime, change: Callable[[], None] | None = None
) -> list[str]:
    """Apply ``change`` (a new priority, kind or team), re-match the policy and recompute the due times from
    the time already used — measured on the calendar in force before the change — and the paused time kept
    as it was. Records why when the policy or a due time changed."""
    old_calendar = calendar_for_ticket(ticket)
    fields = _checkpoint_clocks(ticket, now, old_calendar)
    if change is not None:
        change()
    old_policy = ticket.sla_policy
    old_due = (ticket.first_response_due_at, ticket.next_reply_due_at, ticket.resolution_due_at)
    ticket.sla_policy = _policy_for_ticket(ticket)
    fields += ["sla_policy", *_recompute_due_times(ticket, now)]
    new_due = (ticket.first_response_due_at, ticket.next_reply_due_at, ticket.resolution_due_at)
    if old_policy != ticket.sla_policy or old_due != new_due:
        _record_event(
            ticket,
            EventType.SLA_RECOMPUTED,
            actor,
            reason=reason,
            old_policy=old_policy.name if old_policy else "",
            new_policy=ticket.sla_policy.name if ticket.sla_policy else "",
            used_seconds=int(sla_time_used(ticket, now).total_seconds()),
            first_response_due_at=_iso(ticket.first_response_due_at),
            next_reply_due_at=_iso(ticket.next_reply_due_at),
            resolution_due_at=_iso(ticket.resolution_due_at),
        )
    return fields


def _refuse_if_closed(ticket: Ticket) -> None:
    """A closed ticket is a record: its priority, team and assignee no longer change (notes still may)."""
    if ticket.is_closed:
        raise Conflict(_("Ticket %(ref)s is closed.") % {"ref": ticket.reference})


def _check_assignable(user: Any) -> None:
    if user is not None and (not user.is_active or not roles.is_agent(user)):
        raise ValidationFailed(
            _("%(user)s cannot be assigned tickets.") % {"user": user},
            fields={"assignee": [_("Only active agents and managers can be assigned tickets.")]},
        )


# --- create -------------------------------------------------------------------------------------------------


class TicketAlreadyExists(Conflict):
    """A ticket with this (platform, external id) exists: the platform synced the same message again."""

    code = "duplicate_external_id"

    def __init__(self, ticket: Ticket):
        super().__init__(
            _("Ticket %(reference)s already has this external id.") % {"reference": ticket.reference},
            fields={"external_id": [_("Already used for %(reference)s.") % {"reference": ticket.reference}]},
        )
        self.ticket = ticket


def _save_unless_duplicate(ticket: Ticket) -> None:
    try:
        with transaction.atomic():
            ticket.save()
    except IntegrityError:
        # The same message, synced by a concurrent request that committed first.
        _refuse_duplicate(ticket.source_platform, ticket.external_id)
        raise


def _refuse_duplicate(platform: str, external_id: str) -> None:
    if external_id:
        existing = Ticket.objects.filter(source_platform=platform, external_id=external_id).first()
        if existing is not None:
            raise TicketAlreadyExists(existing)


def ticket_create(
    *,
    kind: str,
    subject: str,
    customer: Customer,
    description: str = "",
    category: str = "other",
    channel: str = Channel.WEB_FORM,
    priority: str = Priority.NORMAL,
    order: Order | None = None,
    team: Team | None = None,
    assignee: Any = None,
    received_at: datetime | None = None,
    created_by: Any = None,
    external_id: str = "",
) -> Ticket:
    """Open a ticket and start its SLA clocks at ``received_at`` (default now).

    ``external_id`` is the platform's id for the conversation or message: a second ticket with the same
    (customer's platform, external id) is refused with ``TicketAlreadyExists``, which carries the first.

    ``received_at`` is when the buyer wrote on the shop platform: a platform that syncs late must not hide
    lateness, so the clocks start there, and a ticket already past its due time is escalated by the next
    sweep. A time in the future is refused. Without a team the ticket goes to the kind's default team.
    """
    validate_choice(kind, TicketKind, "kind")
    validate_choice(channel, Channel, "channel")
    validate_choice(priority, Priority, "priority")
    if category not in CATEGORIES_BY_KIND[kind]:
        raise ValidationFailed(
            _("Category “%(category)s” does not belong to kind “%(kind)s”.") % {"category": category, "kind": kind},
            fields={"category": [_("Choose one of: %(values)s.") % {"values": ", ".join(CATEGORIES_BY_KIND[kind])}]},
        )
    subject = subject.strip()
    if not subject:
        raise ValidationFailed(_("A subject is required."), fields={"subject": [_("This field is required.")]})
    if order is not None and order.customer_id != customer.pk:
        raise ValidationFailed(
            _("The order belongs to another customer."),
            fields={"order": [_("This order belongs to another customer.")]},
        )
    now = timezone.now()
    if received_at is None:
        received_at = now
    elif received_at > now + RECEIVED_AT_CLOCK_SKEW:
        raise ValidationFailed(
            _("received_at cannot be in the future."), fields={"received_at": [_("Must not be later than now.")]}
        )
    received_at = min(received_at, now)
    _check_assignable(assignee)
    external_id = external_id.strip()
    source_platform = customer.platform if external_id else ""
    _refuse_duplicate(source_platform, external_id)
    if team is None:
        team = Team.objects.filter(default_for_kind=kind).order_by("id").first()

    with transaction.atomic():
        ticket = Ticket(
            kind=kind,
            category=category,
            subject=subject,
            description=description,
            channel=channel,
            priority=priority,
            status=TicketStatus.NEW,
            customer=customer,
            order=order,
            team=team,
            assignee=assignee,
            created_by=actor_or_none(created_by),
            sla_policy=sla_policy_for(
                kind=kind,
                priority=priority,
                channel=channel,
                team_id=team.pk if team else None,
                customer_tier=customer.tier,
            ),
            received_at=received_at,
            sla_clock_started_at=received_at,
            source_platform=source_platform,
            external_id=external_id,
        )
        _recompute_due_times(ticket, now)
        if not external_id:
            ticket.save()
        else:
            _save_unless_duplicate(ticket)
        _record_event(
            ticket,
            EventType.CREATED,
            created_by,
            kind=kind,
            channel=channel,
            priority=priority,
            received_at=received_at.isoformat(),
        )
        if assignee is not None:
            _record_event(ticket, EventType.ASSIGNED, created_by, old=None, new=assignee.pk, new_name=str(assignee))
        hooks.run_created(ticket, created_by)
    return ticket


def ticket_create_with_customer(
    *,
    customer: dict[str, Any],
    order: dict[str, Any] | None = None,
    order_must_exist: bool = False,
    **ticket_fields: Any,
) -> Ticket:
    """Intake, from a shop platform or the agent's contact form: upsert the buyer (by platform and account
    id) and the order (by platform and order number, default the buyer's platform), then open the ticket.
    All or nothing: a refused order or ticket leaves no new customer or order behind.

    ``customer`` takes ``customer_upsert``'s keywords (details given as ``None`` are kept); ``order`` takes
    ``order_upsert``'s, with ``lines`` as a list of dicts. With ``order_must_exist`` (an agent typing an order
    number) the order is only looked up — an unknown number is refused rather than recorded as an empty order.
    A message already synced (same platform and ``external_id``) raises ``TicketAlreadyExists`` before
    anything is written.
    """
    _refuse_duplicate(customer["platform"], (ticket_fields.get("external_id") or "").strip())
    with transaction.atomic():
        buyer = customer_upsert(**customer)
        linked_order = None
        if order and order_must_exist:
            linked_order = _existing_order(buyer, order["order_number"])
        elif order:
            order_fields = dict(order)
            lines = order_fields.pop("lines", None)
            linked_order = order_upsert(
                customer=buyer,
                platform=order_fields.pop("platform", None) or buyer.platform,
                lines=[OrderLineData(**line) for line in lines] if lines is not None else None,
                **order_fields,
            )
        return ticket_create(customer=buyer, order=linked_order, **ticket_fields)


def _existing_order(buyer: Customer, order_number: str) -> Order:
    found = Order.objects.filter(platform=buyer.platform, order_number=order_number).first()
    if found is None:
        raise ValidationFailed(
            _("No order %(number)s on %(platform)s.")
            % {"number": order_number, "platform": buyer.get_platform_display()},
            fields={"order_number": [_("Unknown order number for this platform. Check it, or leave it empty.")]},
        )
    if found.customer_id != buyer.pk:
        raise ValidationFailed(
            _("Order %(number)s belongs to another customer.") % {"number": order_number},
            fields={"order_number": [_("This order belongs to another customer.")]},
        )
    return found


# --- messages -----------------------------------------------------------------------------------------------


def ticket_reply(*, ticket: Ticket, author: Any, body: str) -> Message:
    """A public reply from an agent. The first one stops the first-response clock; a new ticket opens.

    Refused on closed tickets (the buyer gets a new ticket instead).
    """
    body = body.strip()
    if not body:
        raise ValidationFailed(_("The reply is empty."), fields={"body": [_("This field is required.")]})
    with transaction.atomic():
        ticket = _lock(ticket)
        if ticket.is_closed:
            raise Conflict(_("Ticket %(ref)s is closed; it cannot be replied to.") % {"ref": ticket.reference})
        now = timezone.now()
        message = Message.objects.create(
            ticket=ticket,
            visibility=MessageVisibility.PUBLIC,
            author_type=AuthorType.AGENT,
            author=actor_or_none(author),
            body=body,
            created_at=now,
        )
        _record_event(ticket, EventType.REPLIED, author, message_id=message.pk)
        if ticket.first_responded_at is None:
            ticket.first_responded_at = now
            ticket.save(update_fields=["first_responded_at", *_recompute_due_times(ticket, now), "updated_at"])
            _mark_escalations_met(ticket, SlaTarget.FIRST_RESPONSE, now)
            _record_event(
                ticket,
                EventType.FIRST_RESPONDED,
                author,
                due_at=_iso(ticket.first_response_due_at),
                on_time=bool(ticket.first_response_due_at and now <= ticket.first_response_due_at),
            )
        elif ticket.next_reply_started_at is not None:
            due_at = ticket.next_reply_due_at
            _record_event(
                ticket,
                EventType.NEXT_REPLIED,
                author,
                waiting_since=_iso(ticket.next_reply_started_at),
                due_at=_iso(due_at),
                on_time=due_at is None or now <= due_at,
            )
            _mark_escalations_met(ticket, SlaTarget.NEXT_REPLY, now, cycle=ticket.next_reply_cycle)
            fields = _clear_next_reply(ticket)
            ticket.save(update_fields=[*fields, *_recompute_due_times(ticket, now), "updated_at"])
        if ticket.status == TicketStatus.NEW:
            _transition_locked(ticket, TicketStatus.OPEN, author, now=now)
    return message


def ticket_add_system_message(*, ticket: Ticket, body: str, event_data: dict[str, Any] | None = None) -> Message:
    """A public message the helpdesk sends by itself (an acknowledgement, say). It reaches the buyer but is
    not an agent's answer, so it does not stop the first-response clock. Refused on closed tickets.
    """
    body = body.strip()
    if not body:
        raise ValidationFailed(_("The message is empty."), fields={"body": [_("This field is required.")]})
    with transaction.atomic():
        ticket = _lock(ticket)
        if ticket.is_closed:
            raise Conflict(_("Ticket %(ref)s is closed; it cannot be replied to.") % {"ref": ticket.reference})
        message = Message.objects.create(
            ticket=ticket, visibility=MessageVisibility.PUBLIC, author_type=AuthorType.SYSTEM, author=None, body=body
        )
        _record_event(ticket, EventType.REPLIED, None, message_id=message.pk, automatic=True, **(event_data or {}))
    return message


def ticket_add_note(*, ticket: Ticket, author: Any, body: str) -> Message:
    """An internal note: seen by staff only, never sent to the buyer, does not touch the SLA clocks."""
    body = body.strip()
    if not body:
        raise ValidationFailed(_("The note is empty."), fields={"body": [_("This field is required.")]})
    with transaction.atomic():
        ticket = _lock(ticket)
        message = Message.objects.create(
            ticket=ticket,
            visibility=MessageVisibility.INTERNAL,
            author_type=AuthorType.AGENT,
            author=actor_or_none(author),
            body=body,
        )
        _record_event(ticket, EventType.NOTED, author, message_id=message.pk)
    return message


def ticket_add_customer_message(*, ticket: Ticket, body: str, actor: Any = None) -> Message:
    """A message from the buyer (pushed by a platform, or recorded by an agent on the buyer's behalf).

    A ticket waiting on the buyer opens again and its clocks resume; a resolved ticket reopens. A closed
    ticket refuses it: the platform should open a new ticket.
    """
    body = body.strip()
    if not body:
        raise ValidationFailed(_("The message is empty."), fields={"body": [_("This field is required.")]})
    with transaction.atomic():
        ticket = _lock(ticket)
        if ticket.is_closed:
            raise Conflict(
                _("Ticket %(ref)s is closed; open a new ticket for this message.") % {"ref": ticket.reference}
            )
        message = Message.objects.create(
            ticket=ticket,
            visibility=MessageVisibility.PUBLIC,
            author_type=AuthorType.CUSTOMER,
            author=None,
            body=body,
        )
        _record_event(ticket, EventType.CUSTOMER_REPLIED, actor, message_id=message.pk)
        now = message.created_at
        if ticket.status in (TicketStatus.PENDING_CUSTOMER, TicketStatus.RESOLVED):
            _transition_locked(ticket, TicketStatus.OPEN, actor, now=now, reason="customer_replied")
        if ticket.first_responded_at is not None and ticket.next_reply_started_at is None:
            # The buyer is waiting for an answer again: a next-reply clock starts. Further messages before the
            # answer keep the oldest one's clock, so a buyer writing often does not push the deadline away.
            ticket.next_reply_started_at = now
            ticket.next_reply_offset = sla_time_used(ticket, now)
            ticket.next_reply_cycle += 1
            ticket.next_reply_breached_at = None
            ticket.next_reply_warned_at = None
            fields = [
                "next_reply_started_at",
                "next_reply_offset",
                "next_reply_cycle",
                "next_reply_breached_at",
                "next_reply_warned_at",
            ]
            ticket.save(update_fields=[*fields, *_recompute_due_times(ticket, now), "updated_at"])
    return message


def _clear_next_reply(ticket: Ticket) -> list[str]:
    ticket.next_reply_started_at = None
    ticket.next_reply_offset = None
    ticket.next_reply_due_at = None
    ticket.next_reply_warned_at = None
    return ["next_reply_started_at", "next_reply_offset", "next_reply_due_at", "next_reply_warned_at"]


def _mark_escalations_met(ticket: Ticket, target: str, now: datetime, *, cycle: int = 0) -> None:
    """The breached target is met: its escalations say when, and their chains stop."""
    ticket.escalations.filter(target=target, cycle=cycle, met_at__isnull=True).update(met_at=now, next_level_at=None)


def label_id(label: Any) -> str:
    """The message id of a lazily translated label (a TextChoices label, a verbose name), for storing."""
    from django.utils import translation

    with translation.override(None):
        return str(label)


def ticket_record_event(*, ticket: Ticket, actor: Any, summary: str | list[str], **data: Any) -> TicketEvent:
    """Put a kind app's step (a complaint analysed, a follow-up recorded …) on the ticket's timeline.

    ``summary`` is an untranslated message id, or a list of them shown in a row (mark them with
    ``gettext_noop``); parameters named ``*_label`` (or ``*_labels``, a list) hold message ids too, made with
    ``label_id``. The timeline shows it all in the reader's language. Call inside the kind app's transaction.
    """
    return _record_event(ticket, EventType.WORKFLOW, actor, summary=summary, **data)


# --- status ---------------------------------------------------------------------------------------------------


def ticket_transition(*, ticket: Ticket, to_status: str, actor: Any) -> Ticket:
    """Move a ticket to another status, if the transition table allows it.

    Pending customer pauses both clocks; leaving it resumes them and shifts the due times by the paused
    span. Resolving stops the resolution clock; reopening treats the resolved span as paused.
    """
    validate_choice(to_status, TicketStatus, "status")
    with transaction.atomic():
        ticket = _lock(ticket)
        if ticket.status == to_status:
            return ticket
        _transition_locked(ticket, to_status, actor)
    return ticket


def _transition_locked(
    ticket: Ticket, to_status: str, actor: Any, *, now: datetime | None = None, reason: str = ""
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
        fields += _checkpoint_clocks(ticket, now, calendar, stop=True)

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
        fields += ["resolved_at", *_clear_next_reply(ticket)]
        _mark_escalations_met(ticket, SlaTarget.RESOLUTION, now)
    elif to_status == TicketStatus.CLOSED:
        ticket.closed_at = now
        fields.append("closed_at")
    fields += _recompute_due_times(ticket, now, calendar)

    ticket.save(update_fields=[*dict.fromkeys(fields), "updated_at"])
    _record_event(ticket, EventType.STATUS_CHANGED, actor, old=old_status, new=to_status, reason=reason)
    hooks.run_status_changed(ticket, old_status, to_status, actor)
    if to_status == TicketStatus.PENDING_CUSTOMER:
        _record_event(ticket, EventType.SLA_PAUSED, actor)
    if resumed_from is not None and will_run:
        _record_event(
            ticket,
            EventType.SLA_RESUMED,
            actor,
            paused_seconds=paused_for,
            first_response_due_at=_iso(ticket.first_response_due_at),
            resolution_due_at=_iso(ticket.resolution_due_at),
        )


# --- priority, team, assignee ---------------------------------------------------------------------------------


def ticket_set_priority(*, ticket: Ticket, priority: str, actor: Any) -> Ticket:
    """Change the priority, re-match the SLA policy and recompute the due times (time already used is kept)."""
    validate_choice(priority, Priority, "priority")
    with transaction.atomic():
        ticket = _lock(ticket)
        _refuse_if_closed(ticket)
        if ticket.priority == priority:
            return ticket
        old = ticket.priority
        _record_event(ticket, EventType.PRIORITY_CHANGED, actor, old=old, new=priority)
        fields = _reevaluate_sla_locked(
            ticket,
            reason="priority_changed",
            actor=actor,
            now=timezone.now(),
            change=lambda: setattr(ticket, "priority", priority),
        )
        ticket.save(update_fields=[*dict.fromkeys(["priority", *fields]), "updated_at"])
    return ticket


def ticket_reclassify(*, ticket: Ticket, kind: str, category: str, actor: Any) -> Ticket:
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
        ticket = _lock(ticket)
        _refuse_if_closed(ticket)
        if (ticket.kind, ticket.category) == (kind, category):
            return ticket
        old_kind, old_category = ticket.kind, ticket.category
        if kind != old_kind and old_kind != TicketKind.INQUIRY:
            raise Conflict(
                _("Only an inquiry can become another kind of ticket; open a new ticket instead."),
                fields={"kind": [_("A complaint or after-sales ticket keeps its kind.")]},
            )
        _record_event(
            ticket,
            EventType.RECLASSIFIED,
            actor,
            old_kind=old_kind,
            new_kind=kind,
            old_category=old_category,
            new_category=category,
        )

        def change() -> None:
            ticket.kind, ticket.category = kind, category

        fields = _reevaluate_sla_locked(ticket, reason="kind_changed", actor=actor, now=timezone.now(), change=change)
        ticket.save(update_fields=[*dict.fromkeys(["kind", "category", *fields]), "updated_at"])
        if kind != old_kind:
            hooks.run_created(ticket, actor)
    return ticket


def ticket_set_team(*, ticket: Ticket, team: Team | None, actor: Any) -> Ticket:
    with transaction.atomic():
        ticket = _lock(ticket)
        _refuse_if_closed(ticket)
        if ticket.team_id == (team.pk if team else None):
            return ticket
        old = ticket.team
        _record_event(
            ticket,
            EventType.TEAM_CHANGED,
            actor,
            old=old.pk if old else None,
            old_name=str(old) if old else "",
            new=team.pk if team else None,
            new_name=str(team) if team else "",
        )
        fields = _reevaluate_sla_locked(
            ticket, reason="team_changed", actor=actor, now=timezone.now(), change=lambda: setattr(ticket, "team", team)
        )
        ticket.save(update_fields=[*dict.fromkeys(["team", *fields]), "updated_at"])
    return ticket


def ticket_assign(*, ticket: Ticket, assignee: Any, actor: Any) -> Ticket:
    """Give the ticket to an agent (or nobody). A manager who takes or reassigns an escalated ticket
    acknowledges its open escalations: it leaves the Escalations view. The new assignee is notified
    unless they assigned it to themselves.
    """
    _check_assignable(assignee)
    with transaction.atomic():
        ticket = _lock(ticket)
        _refuse_if_closed(ticket)
        now = timezone.now()
        if ticket.assignee_id != (assignee.pk if assignee else None):
            old = ticket.assignee
            ticket.assignee = assignee
            ticket.save(update_fields=["assignee", "updated_at"])
            _record_event(
                ticket,
                EventType.ASSIGNED,
                actor,
                old=old.pk if old else None,
                old_name=str(old) if old else "",
                new=assignee.pk if assignee else None,
                new_name=str(assignee) if assignee else "",
            )
            if assignee is not None and (not is_user(actor) or actor.pk != assignee.pk):
                notifications_create(
                    recipients=[assignee],
                    verb="assigned",
                    message=gettext_noop("Ticket %(reference)s was assigned to you: %(subject)s"),
                    params={"reference": ticket.reference, "subject": ticket.subject},
                    url=f"/tickets/{ticket.pk}/",
                )
        if is_user(actor) and roles.is_manager(actor):
            ticket.escalations.filter(acknowledged_at__isnull=True).update(acknowledged_at=now, acknowledged_by=actor)
    return ticket


def ticket_take(*, ticket: Ticket, actor: Any) -> Ticket:
    """“Take it”: the actor assigns the ticket to themselves."""
    if not roles.is_agent(actor):
        raise Forbidden(_("Only agents and managers can take tickets."))
    return ticket_assign(ticket=ticket, assignee=actor, actor=actor)


# --- the escalation engine ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class EscalationResult:
    ticket_id: int
    reference: str
    target: str
    level: int
    late_seconds: int


def sla_sweep(*, now: datetime | None = None, batch_size: int = 200) -> list[EscalationResult]:
    """Escalate every breached clock, fire the escalation chains' further levels and send the warnings.

    Safe to run from several workers and beats at once and after any downtime:
    - due tickets are found through partial indexes, so the cost follows the number due, not the table;
    - each batch is locked with ``SKIP LOCKED``: a ticket another sweep holds is left to that sweep;
    - the row is re-checked under the lock (PostgreSQL re-evaluates the filter on locked rows);
    - the unique constraint on (ticket, target, cycle, level) makes a second escalation impossible even if
      all of the above were bypassed, and warnings are marked on the ticket in the same transaction;
    - it loops until nothing due is left, so a sweep after hours of downtime catches up at once.
    E-mails go out from tasks enqueued after commit, never inside the sweep's transaction.
    """
    now = now or timezone.now()
    results: list[EscalationResult] = []
    for target in (SlaTarget.FIRST_RESPONSE, SlaTarget.NEXT_REPLY, SlaTarget.RESOLUTION):
        while True:
            escalated, locked = _sweep_batch(target=target, now=now, batch_size=batch_size)
            results.extend(escalated)
            # Every locked ticket leaves the due index (its breach is recorded), so a full batch means
            # there may be more and a short one means this target is done.
            if locked < batch_size:
                break
    # Bounded loops: rows another sweep holds are skipped, and a long-held lock must not make this one spin.
    for _round in range(MAX_SWEEP_ROUNDS):
        escalated, handled = _sweep_chain_batch(now=now, batch_size=batch_size)
        results.extend(escalated)
        if handled < batch_size:
            break
    for _round in range(MAX_SWEEP_ROUNDS):
        if _sweep_warning_batch(now=now, batch_size=batch_size) < batch_size:
            break
    return results


MAX_SWEEP_ROUNDS = 500


_DUE_FIELDS: dict[str, tuple[str, str]] = {
    SlaTarget.FIRST_RESPONSE: ("first_response_due_at", "first_response_breached_at"),
    SlaTarget.NEXT_REPLY: ("next_reply_due_at", "next_reply_breached_at"),
    SlaTarget.RESOLUTION: ("resolution_due_at", "resolution_breached_at"),
}


def _sweep_batch(*, target: str, now: datetime, batch_size: int) -> tuple[list[EscalationResult], int]:
    due_querysets: dict[str, Callable[[datetime], Any]] = {
        SlaTarget.FIRST_RESPONSE: Ticket.objects.first_response_due,
        SlaTarget.NEXT_REPLY: Ticket.objects.next_reply_due,
        SlaTarget.RESOLUTION: Ticket.objects.resolution_due,
    }
    due = due_querysets[target](now)
    due_field = _DUE_FIELDS[target][0]
    results: list[EscalationResult] = []
    with transaction.atomic():
        tickets = list(
            due.select_for_update(skip_locked=True, of=("self",))
            .select_related("team", "sla_policy")
            .order_by(due_field, "id")[:batch_size]
        )
        for ticket in tickets:
            result = _breach_locked(ticket, target=target, now=now)
            if result is not None:
                results.append(result)
    return results, len(tickets)


def _breach_locked(ticket: Ticket, *, target: str, now: datetime) -> EscalationResult | None:
    """Record a breach and escalate it to level 1 (the team's managers); arm level 2 if the policy has one."""
    due_field, breach_field = _DUE_FIELDS[target]
    due_at: datetime = getattr(ticket, due_field)
    cycle = ticket.next_reply_cycle if target == SlaTarget.NEXT_REPLY else 0
    setattr(ticket, breach_field, now)
    ticket.escalation_level = max(ticket.escalation_level, 1)
    fields = [breach_field, "escalation_level", *_recompute_due_times(ticket, now)]
    ticket.save(update_fields=[*dict.fromkeys(fields), "updated_at"])
    return _escalate_locked(
        ticket, target=target, level=1, cycle=cycle, due_at=due_at, now=now, recipients=_escalation_recipients(ticket)
    )


def _next_step(ticket: Ticket, level: int) -> EscalationStep | None:
    if ticket.sla_policy_id is None:
        return None
    return (
        EscalationStep.objects.filter(policy_id=ticket.sla_policy_id, level__gt=level)
        .order_by("level")
        .prefetch_related("notify_users")
        .select_related("notify_group")
        .first()
    )


def _escalate_locked(
    ticket: Ticket,
    *,
    target: str,
    level: int,
    cycle: int,
    due_at: datetime,
    now: datetime,
    recipients: list[Any],
) -> EscalationResult | None:
    step = _next_step(ticket, level)
    next_level_at = None
    if step is not None:
        next_level_at = calendar_for_ticket(ticket).add(now, step.after_minutes * 60)
    try:
        with transaction.atomic():
            escalation = Escalation.objects.create(
                ticket=ticket,
                target=target,
                level=level,
                cycle=cycle,
                team=ticket.team,
                due_at=due_at,
                escalated_at=now,
                next_level_at=next_level_at,
            )
    except IntegrityError:
        return None  # escalated already (by a sweep that crashed before marking the ticket)
    late_seconds = escalation.late_seconds_at_escalation
    _record_event(
        ticket,
        EventType.ESCALATED,
        None,
        target=target,
        level=level,
        due_at=due_at.isoformat(),
        late_seconds=late_seconds,
        recipients=sorted(str(user) for user in recipients),
    )
    messages = {
        SlaTarget.FIRST_RESPONSE: gettext_noop(
            "Ticket %(reference)s escalated (level %(level)s): first response overdue"
        ),
        SlaTarget.NEXT_REPLY: gettext_noop(
            "Ticket %(reference)s escalated (level %(level)s): reply to the customer overdue"
        ),
        SlaTarget.RESOLUTION: gettext_noop("Ticket %(reference)s escalated (level %(level)s): resolution overdue"),
    }
    notifications_create(
        recipients=recipients,
        verb="escalated",
        message=messages[SlaTarget(target)],
        params={"reference": ticket.reference, "subject": ticket.subject, "level": level},
        url=f"/tickets/{ticket.pk}/",
        dedupe_key=f"escalation:{escalation.pk}",
        email=False,  # the escalation e-mail below goes to the same people
    )
    # A broker outage must not abort the sweep: the escalation is committed and shown in the app.
    enqueue_on_commit(
        "tickets.tasks.escalation_email_task", escalation.pk, if_lost="the escalation stands, its e-mail is not sent"
    )
    logger.info("escalated %s (%s, level %s, %ss late)", ticket.reference, target, level, late_seconds)
    return EscalationResult(ticket.pk, ticket.reference, target, level, late_seconds)


def _target_unmet(ticket: Ticket, escalation: Escalation) -> bool:
    if ticket.status not in UNRESOLVED_STATUSES:
        return False
    if escalation.target == SlaTarget.FIRST_RESPONSE:
        return ticket.first_responded_at is None
    if escalation.target == SlaTarget.NEXT_REPLY:
        return ticket.next_reply_cycle == escalation.cycle and ticket.next_reply_started_at is not None
    return ticket.resolved_at is None


def _sweep_chain_batch(*, now: datetime, batch_size: int) -> tuple[list[EscalationResult], int]:
    """Fire the next level of every chain whose time has come, if its target is still unmet.

    Chains wait while a ticket waits on the customer (they fire when it runs again). The ticket is locked
    before its escalation row, in the same order as every other service, so sweeps cannot deadlock.
    """
    candidates = list(
        Escalation.objects.filter(
            next_level_at__lte=now, ticket__status__in=RUNNING_STATUSES, ticket__sla_paused_at__isnull=True
        )
        .order_by("next_level_at", "id")
        .values_list("pk", "ticket_id")[:batch_size]
    )
    results: list[EscalationResult] = []
    for escalation_id, ticket_id in candidates:
        with transaction.atomic():
            ticket = (
                Ticket.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("team", "sla_policy")
                .filter(pk=ticket_id)
                .first()
            )
            if ticket is None:
                continue  # another sweep holds it
            escalation = Escalation.objects.select_for_update().filter(pk=escalation_id, next_level_at__lte=now).first()
            if escalation is None:
                continue
            Escalation.objects.filter(pk=escalation.pk).update(next_level_at=None)
            if not _target_unmet(ticket, escalation):
                continue
            step = _next_step(ticket, escalation.level)
            if step is None:
                continue  # the chain was shortened since
            recipients = _step_recipients(step)
            result = _escalate_locked(
                ticket,
                target=escalation.target,
                level=step.level,
                cycle=escalation.cycle,
                due_at=escalation.due_at,
                now=now,
                recipients=recipients,
            )
            if result is not None:
                ticket.escalation_level = max(ticket.escalation_level, step.level)
                ticket.save(update_fields=["escalation_level", "updated_at"])
                results.append(result)
    return results, len(candidates)


def _step_recipients(step: EscalationStep) -> list[Any]:
    from django.contrib.auth import get_user_model

    users = {user.pk: user for user in step.notify_users.all() if user.is_active}
    if step.notify_group_id is not None:
        for user in get_user_model().objects.filter(groups=step.notify_group_id, is_active=True):
            users.setdefault(user.pk, user)
    return list(users.values())


_WARN_FIELDS: dict[str, str] = {
    SlaTarget.FIRST_RESPONSE: "first_response_warned_at",
    SlaTarget.NEXT_REPLY: "next_reply_warned_at",
    SlaTarget.RESOLUTION: "resolution_warned_at",
}


def _sweep_warning_batch(*, now: datetime, batch_size: int) -> int:
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
    fields += _recompute_due_times(ticket, now, calendar)
    ticket.save(update_fields=[*dict.fromkeys(fields), "updated_at"])


def _send_warning(ticket: Ticket, *, target: str, due_at: datetime | None, now: datetime) -> None:
    if ticket.assignee is not None and ticket.assignee.is_active:
        recipients = [ticket.assignee]
    elif ticket.team is not None:
        recipients = [user for user in ticket.team.members.filter(is_active=True)]
    else:
        recipients = []
    if not recipients:
        recipients = _escalation_recipients(ticket)
    cycle = ticket.next_reply_cycle if target == SlaTarget.NEXT_REPLY else 0
    _record_event(
        ticket,
        EventType.SLA_WARNED,
        None,
        target=target,
        due_at=_iso(due_at),
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


def _escalation_recipients(ticket: Ticket) -> list[Any]:
    from .selectors import ticket_managers  # local: selectors import models only, but keep services' imports lean

    return ticket_managers(ticket=ticket)


def escalation_send_email(*, escalation_id: int) -> bool:
    """E-mail the managers about one escalation. Returns whether a mail was sent now.

    At least once: the escalation is marked notified only after the mail went out, and a failure raises so
    the task retries. (A retry racing a slow first attempt may send twice; a lost alert is worse.)
    """
    from django.conf import settings
    from django.core.mail import send_mail
    from django.utils import translation

    escalation = Escalation.objects.select_related("ticket", "ticket__team").filter(pk=escalation_id).first()
    if escalation is None or escalation.notified_at is not None:
        return False
    people = _escalation_recipients(escalation.ticket)
    if escalation.level > 1:
        step = (
            EscalationStep.objects.filter(policy_id=escalation.ticket.sla_policy_id, level=escalation.level)
            .prefetch_related("notify_users")
            .first()
        )
        people = _step_recipients(step) if step is not None else []
    recipients = [user.email for user in people if user.email]
    if recipients:
        ticket = escalation.ticket
        with translation.override(settings.LANGUAGE_CODE):
            reason = SlaTarget(escalation.target).label
            subject = _("[%(ref)s] escalated: %(reason)s overdue") % {"ref": ticket.reference, "reason": reason}
            body = _("%(ref)s %(subject)s\nWas due at %(due)s.\nOpen it: /tickets/%(pk)s/") % {
                "ref": ticket.reference,
                "subject": ticket.subject,
                "due": timezone.localtime(escalation.due_at).strftime("%Y-%m-%d %H:%M"),
                "pk": ticket.pk,
            }
        send_mail(subject=subject, message=body, from_email=None, recipient_list=recipients, fail_silently=False)
    Escalation.objects.filter(pk=escalation.pk, notified_at__isnull=True).update(notified_at=timezone.now())
    return bool(recipients)


def sla_reevaluate_open_tickets(*, reason: str, calendar_id: int | None = None, batch_size: int = 500) -> int:
    """Re-match the policy and recompute the due times of every unresolved ticket (only those whose clocks
    run on ``calendar_id``, when given) after policies or a calendar changed. Each ticket is locked and
    handled like a priority change: time used and paused is kept, and a changed ticket records why.
    Returns how many tickets changed."""
    from django.db.models import Q

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
                fields = _reevaluate_sla_locked(ticket, reason=reason, actor=None, now=now)
                if (ticket.sla_policy_id, ticket.first_response_due_at, ticket.resolution_due_at) != before:
                    changed += 1
                ticket.save(update_fields=[*dict.fromkeys(fields), "updated_at"])
    return changed


def enqueue_sla_reevaluation(*, reason: str, calendar_id: int | None = None) -> None:
    """Recompute open tickets in the background; if the broker is down, do it now (it must not be lost)."""
    if not enqueue("tickets.tasks.sla_reevaluate_task", reason, calendar_id, if_lost="recomputing in this process"):
        logger.warning("broker unreachable; recomputing due times in this process")
        sla_reevaluate_open_tickets(reason=reason, calendar_id=calendar_id)


# --- business calendars -----------------------------------------------------------------------------------------

CHINA_HOLIDAYS_FILE = Path(__file__).resolve().parent / "fixtures" / "holidays" / "cn-2026.csv"


@dataclass(frozen=True)
class CalendarImportResult:
    created: int
    updated: int


def calendar_import_days(*, calendar: BusinessCalendarRow, text: str) -> CalendarImportResult:
    """Import holidays and make-up working days from CSV text (``date,kind,name``; ``#`` lines are comments).

    All or nothing: any bad line refuses the whole file, naming the line. A date already in the calendar is
    updated. The calendar's ``updated_at`` moves, so every process recomputes with the new days.
    """
    import csv
    from datetime import date as date_type

    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    rows: dict[date_type, tuple[str, str]] = {}
    errors: list[str] = []
    for number, record in enumerate(csv.reader(lines), start=1):
        if number == 1 and record and record[0].strip().lower() == "date":
            continue  # header
        if len(record) < 2:
            errors.append(_("Line %(n)s: expected date,kind,name.") % {"n": number})
            continue
        raw_date, kind = record[0].strip(), record[1].strip().lower()
        name = record[2].strip() if len(record) > 2 else ""
        try:
            day = date_type.fromisoformat(raw_date)
        except ValueError:
            errors.append(_("Line %(n)s: “%(value)s” is not a date (YYYY-MM-DD).") % {"n": number, "value": raw_date})
            continue
        if kind not in CalendarDayKind.values:
            errors.append(
                _("Line %(n)s: kind must be “holiday” or “workday”, not “%(value)s”.") % {"n": number, "value": kind}
            )
            continue
        rows[day] = (kind, name[:100])
    if errors:
        raise ValidationFailed(_("The file was not imported."), fields={"file": errors[:20]})
    if not rows:
        raise ValidationFailed(
            _("The file has no dates."), fields={"file": [_("Add lines such as 2026-10-01,holiday,国庆节.")]}
        )
    created = updated = 0
    with transaction.atomic():
        existing = {day.date: day for day in CalendarDay.objects.select_for_update().filter(calendar=calendar)}
        for day, (kind, name) in sorted(rows.items()):
            row = existing.get(day)
            if row is None:
                CalendarDay.objects.create(calendar=calendar, date=day, kind=kind, name=name)
                created += 1
            elif (row.kind, row.name) != (kind, name):
                row.kind, row.name = kind, name
                row.save(update_fields=["kind", "name"])
                updated += 1
        BusinessCalendarRow.objects.filter(pk=calendar.pk).update(updated_at=timezone.now())
        calendar_forget(calendar.pk)
        calendar_id = calendar.pk
        transaction.on_commit(lambda: enqueue_sla_reevaluation(reason="calendar_changed", calendar_id=calendar_id))
    return CalendarImportResult(created, updated)
