"""Every write to tickets. Each service locks the ticket row, checks, writes, records an event row, and
defers side effects (tasks, e-mail) to ``transaction.on_commit``.

Status changes happen in ``ticket_transition`` only (or in the services that call it).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts import roles
from customers.models import Customer, Order
from customers.services import OrderLineData, customer_upsert, order_upsert
from helpdesk.errors import Conflict, Forbidden, ValidationFailed
from notifications.services import notifications_create

from . import extensions
from .enums import (
    CATEGORIES_BY_KIND,
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
from .models import Escalation, Message, SlaPolicy, Team, Ticket, TicketEvent
from .sla import add_business_time, business_seconds_between

logger = logging.getLogger(__name__)

# A platform's clock may run a little ahead of ours; within this margin a future ``received_at`` means "now".
RECEIVED_AT_CLOCK_SKEW = timedelta(minutes=2)
DEFAULT_FIRST_RESPONSE_MINUTES = 10
DEFAULT_RESOLUTION_MINUTES = 24 * 60


# --- helpers (call while holding the ticket's row lock) ---------------------------------------------------


def _record_event(ticket: Ticket, type: str, actor: Any = None, **data: Any) -> TicketEvent:
    return TicketEvent.objects.create(ticket=ticket, type=type, actor=actor if _is_user(actor) else None, data=data)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _is_user(actor: Any) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False)


def _lock(ticket: Ticket | int) -> Ticket:
    pk = ticket.pk if isinstance(ticket, Ticket) else ticket
    return Ticket.objects.select_for_update(of=("self",)).select_related("sla_policy").get(pk=pk)


def sla_policy_for(*, kind: str, priority: str) -> SlaPolicy | None:
    for policy in SlaPolicy.objects.filter(is_active=True).order_by("position", "id"):
        if policy.matches(kind=kind, priority=priority):
            return policy
    return None


def _recompute_due_times(ticket: Ticket) -> list[str]:
    """Set the due times from the start, the policy's targets and the time spent paused.

    due = start + target + paused (in business time), so pausing and resuming shifts a deadline by exactly
    the paused span and a priority change keeps the time already used. Returns the fields changed.
    """
    policy = ticket.sla_policy
    first_minutes = policy.first_response_minutes if policy else DEFAULT_FIRST_RESPONSE_MINUTES
    resolution_minutes = policy.resolution_minutes if policy else DEFAULT_RESOLUTION_MINUTES
    paused = ticket.sla_paused_seconds
    ticket.first_response_due_at = add_business_time(ticket.received_at, first_minutes * 60 + paused)
    ticket.resolution_due_at = add_business_time(ticket.received_at, resolution_minutes * 60 + paused)
    return ["first_response_due_at", "resolution_due_at", *_refresh_next_due(ticket)]


def _refresh_next_due(ticket: Ticket) -> list[str]:
    """Keep ``sla_next_due_at`` (the inbox's sort key) equal to the nearest running deadline."""
    if not ticket.is_clock_running:
        next_due = None
    elif ticket.first_responded_at is None:
        next_due = ticket.first_response_due_at
    elif ticket.resolved_at is None:
        next_due = ticket.resolution_due_at
    else:
        next_due = None
    ticket.sla_next_due_at = next_due
    return ["sla_next_due_at"]


def _refuse_if_closed(ticket: Ticket) -> None:
    """A closed ticket is a record: its priority, team and assignee no longer change (notes still may)."""
    if ticket.is_closed:
        raise Conflict(_("Ticket %(ref)s is closed.") % {"ref": ticket.reference})


def _validate_choice(value: str, choices: Any, field: str) -> None:
    if value not in choices.values:
        raise ValidationFailed(
            _("“%(value)s” is not a valid %(field)s.") % {"value": value, "field": field},
            fields={field: [_("Choose one of: %(values)s.") % {"values": ", ".join(choices.values)}]},
        )


def _check_assignable(user: Any) -> None:
    if user is not None and (not user.is_active or not roles.is_agent(user)):
        raise ValidationFailed(
            _("%(user)s cannot be assigned tickets.") % {"user": user},
            fields={"assignee": [_("Only active agents and managers can be assigned tickets.")]},
        )


# --- create -------------------------------------------------------------------------------------------------


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
) -> Ticket:
    """Open a ticket and start its SLA clocks at ``received_at`` (default now).

    ``received_at`` is when the buyer wrote on the shop platform: a platform that syncs late must not hide
    lateness, so the clocks start there, and a ticket already past its due time is escalated by the next
    sweep. A time in the future is refused. Without a team the ticket goes to the kind's default team.
    """
    _validate_choice(kind, TicketKind, "kind")
    _validate_choice(channel, Channel, "channel")
    _validate_choice(priority, Priority, "priority")
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
            created_by=created_by if _is_user(created_by) else None,
            sla_policy=sla_policy_for(kind=kind, priority=priority),
            received_at=received_at,
        )
        _recompute_due_times(ticket)
        ticket.save()
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
        extensions.run_created(ticket, created_by)
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
    """
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
            author=author if _is_user(author) else None,
            body=body,
            created_at=now,
        )
        _record_event(ticket, EventType.REPLIED, author, message_id=message.pk)
        if ticket.first_responded_at is None:
            ticket.first_responded_at = now
            fields = ["first_responded_at", *_refresh_next_due(ticket)]
            ticket.save(update_fields=[*fields, "updated_at"])
            _record_event(
                ticket,
                EventType.FIRST_RESPONDED,
                author,
                due_at=_iso(ticket.first_response_due_at),
                on_time=bool(ticket.first_response_due_at and now <= ticket.first_response_due_at),
            )
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
            author=author if _is_user(author) else None,
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
        if ticket.status in (TicketStatus.PENDING_CUSTOMER, TicketStatus.RESOLVED):
            _transition_locked(ticket, TicketStatus.OPEN, actor, reason="customer_replied")
    return message


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
    _validate_choice(to_status, TicketStatus, "status")
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
    old_status = ticket.status
    fields = ["status"]
    ticket.status = to_status

    resumed_from: datetime | None = None
    if old_status == TicketStatus.PENDING_CUSTOMER and ticket.sla_paused_at is not None:
        resumed_from = ticket.sla_paused_at
    elif old_status == TicketStatus.RESOLVED and to_status == TicketStatus.OPEN and ticket.resolved_at is not None:
        # Reopened: the clock stood still while the ticket was resolved.
        resumed_from = ticket.resolved_at
        ticket.resolved_at = None
        fields.append("resolved_at")
    if resumed_from is not None:
        paused_for = int(business_seconds_between(resumed_from, now))
        ticket.sla_paused_seconds += paused_for
        ticket.sla_paused_at = None
        fields += ["sla_paused_seconds", "sla_paused_at", *_recompute_due_times(ticket)]

    if to_status == TicketStatus.PENDING_CUSTOMER:
        ticket.sla_paused_at = now
        fields.append("sla_paused_at")
    elif to_status == TicketStatus.RESOLVED:
        ticket.resolved_at = now
        fields.append("resolved_at")
    elif to_status == TicketStatus.CLOSED:
        ticket.closed_at = now
        fields.append("closed_at")

    fields += _refresh_next_due(ticket)
    ticket.save(update_fields=[*dict.fromkeys(fields), "updated_at"])
    _record_event(ticket, EventType.STATUS_CHANGED, actor, old=old_status, new=to_status, reason=reason)
    extensions.run_status_changed(ticket, old_status, to_status, actor)
    if to_status == TicketStatus.PENDING_CUSTOMER:
        _record_event(ticket, EventType.SLA_PAUSED, actor)
    if resumed_from is not None:
        _record_event(
            ticket,
            EventType.SLA_RESUMED,
            actor,
            paused_seconds=int(business_seconds_between(resumed_from, now)),
            first_response_due_at=_iso(ticket.first_response_due_at),
            resolution_due_at=_iso(ticket.resolution_due_at),
        )


# --- priority, team, assignee ---------------------------------------------------------------------------------


def ticket_set_priority(*, ticket: Ticket, priority: str, actor: Any) -> Ticket:
    """Change the priority, re-match the SLA policy and recompute the due times (time already used is kept)."""
    _validate_choice(priority, Priority, "priority")
    with transaction.atomic():
        ticket = _lock(ticket)
        _refuse_if_closed(ticket)
        if ticket.priority == priority:
            return ticket
        old = ticket.priority
        ticket.priority = priority
        ticket.sla_policy = sla_policy_for(kind=ticket.kind, priority=priority)
        fields = ["priority", "sla_policy", *_recompute_due_times(ticket)]
        ticket.save(update_fields=[*fields, "updated_at"])
        _record_event(ticket, EventType.PRIORITY_CHANGED, actor, old=old, new=priority)
    return ticket


def ticket_set_team(*, ticket: Ticket, team: Team | None, actor: Any) -> Ticket:
    with transaction.atomic():
        ticket = _lock(ticket)
        _refuse_if_closed(ticket)
        if ticket.team_id == (team.pk if team else None):
            return ticket
        old = ticket.team
        ticket.team = team
        ticket.save(update_fields=["team", "updated_at"])
        _record_event(
            ticket,
            EventType.TEAM_CHANGED,
            actor,
            old=old.pk if old else None,
            old_name=str(old) if old else "",
            new=team.pk if team else None,
            new_name=str(team) if team else "",
        )
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
            if assignee is not None and (not _is_user(actor) or actor.pk != assignee.pk):
                notifications_create(
                    recipients=[assignee],
                    verb="assigned",
                    message=gettext_noop("Ticket %(reference)s was assigned to you: %(subject)s"),
                    params={"reference": ticket.reference, "subject": ticket.subject},
                    url=f"/tickets/{ticket.pk}/",
                )
        if _is_user(actor) and roles.is_manager(actor):
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
    """Escalate every ticket whose first response or resolution is past due and not yet escalated.

    Safe to run from several workers and beats at once and after any downtime:
    - due tickets are found through two partial indexes, so the cost follows the number due, not the table;
    - each batch is locked with ``SKIP LOCKED``: a ticket another sweep holds is left to that sweep;
    - the row is re-checked under the lock (PostgreSQL re-evaluates the filter on locked rows);
    - the unique constraint on (ticket, target, level) makes a second escalation impossible even if all
      of the above were bypassed;
    - it loops until nothing due is left, so a sweep after hours of downtime catches up at once.
    E-mails go out from a task enqueued after commit, never inside the sweep's transaction.
    """
    now = now or timezone.now()
    results: list[EscalationResult] = []
    for target in (SlaTarget.FIRST_RESPONSE, SlaTarget.RESOLUTION):
        while True:
            escalated, locked = _sweep_batch(target=target, now=now, batch_size=batch_size)
            results.extend(escalated)
            # Every locked ticket leaves the due index (its breach is recorded), so a full batch means
            # there may be more and a short one means this target is done.
            if locked < batch_size:
                break
    return results


def _sweep_batch(*, target: str, now: datetime, batch_size: int) -> tuple[list[EscalationResult], int]:
    if target == SlaTarget.FIRST_RESPONSE:
        due, due_field = Ticket.objects.first_response_due(now), "first_response_due_at"
    else:
        due, due_field = Ticket.objects.resolution_due(now), "resolution_due_at"
    results: list[EscalationResult] = []
    with transaction.atomic():
        tickets = list(
            due.select_for_update(skip_locked=True, of=("self",))
            .select_related("team")
            .order_by(due_field, "id")[:batch_size]
        )
        for ticket in tickets:
            result = _escalate_locked(ticket, target=target, level=1, now=now)
            if result is not None:
                results.append(result)
    return results, len(tickets)


def _escalate_locked(ticket: Ticket, *, target: str, level: int, now: datetime) -> EscalationResult | None:
    due_at: datetime = ticket.first_response_due_at if target == SlaTarget.FIRST_RESPONSE else ticket.resolution_due_at  # type: ignore[assignment]
    try:
        with transaction.atomic():
            escalation = Escalation.objects.create(
                ticket=ticket, target=target, level=level, team=ticket.team, due_at=due_at, escalated_at=now
            )
    except IntegrityError:
        # Escalated already (by a sweep that crashed before marking the ticket): mark it and move on.
        escalation = None
    breach_field = "first_response_breached_at" if target == SlaTarget.FIRST_RESPONSE else "resolution_breached_at"
    setattr(ticket, breach_field, now)
    ticket.escalation_level = max(ticket.escalation_level, level)
    ticket.save(update_fields=[breach_field, "escalation_level", "updated_at"])
    if escalation is None:
        return None
    late_seconds = escalation.late_seconds_at_escalation
    _record_event(
        ticket,
        EventType.ESCALATED,
        None,
        target=target,
        level=level,
        due_at=due_at.isoformat(),
        late_seconds=late_seconds,
    )
    managers = _escalation_recipients(ticket)
    notifications_create(
        recipients=managers,
        verb="escalated",
        message=(
            gettext_noop("Ticket %(reference)s escalated: first response overdue")
            if target == SlaTarget.FIRST_RESPONSE
            else gettext_noop("Ticket %(reference)s escalated: resolution overdue")
        ),
        params={"reference": ticket.reference, "subject": ticket.subject},
        url=f"/tickets/{ticket.pk}/",
        dedupe_key=f"escalation:{escalation.pk}",
    )
    from .tasks import escalation_email_task  # local: tasks import services

    escalation_id = escalation.pk
    transaction.on_commit(lambda: _enqueue_safely(escalation_email_task, escalation_id))
    logger.info("escalated %s (%s, level %s, %ss late)", ticket.reference, target, level, late_seconds)
    return EscalationResult(ticket.pk, ticket.reference, target, level, late_seconds)


def _enqueue_safely(task: Any, *args: Any) -> None:
    """Queue a follow-up task; a broker outage must not abort the sweep (the escalation is already
    committed and shown in the app), so the failure is logged instead of raised."""
    try:
        task.delay(*args)
    except Exception:  # noqa: BLE001 - any broker error
        logger.exception("could not queue %s%r; the escalation stands, its e-mail is not sent", task.name, args)


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
    recipients = [user.email for user in _escalation_recipients(escalation.ticket) if user.email]
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


def sla_policy_apply(*, policy: SlaPolicy, batch_size: int = 500) -> int:
    """Recompute the due times of every unresolved ticket on ``policy`` after its targets changed.

    Each ticket is locked and recomputed from its start, its new targets and its paused time, like a
    priority change. Returns how many tickets changed.
    """
    changed = 0
    ids = list(Ticket.objects.filter(sla_policy=policy, status__in=UNRESOLVED_STATUSES).values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        with transaction.atomic():
            for ticket in (
                Ticket.objects.select_for_update(of=("self",))
                .select_related("sla_policy")
                .filter(pk__in=ids[start : start + batch_size], sla_policy=policy)
            ):
                old = (ticket.first_response_due_at, ticket.resolution_due_at)
                fields = _recompute_due_times(ticket)
                if (ticket.first_response_due_at, ticket.resolution_due_at) != old:
                    ticket.save(update_fields=[*fields, "updated_at"])
                    _record_event(
                        ticket,
                        EventType.SLA_RECOMPUTED,
                        None,
                        policy=policy.pk,
                        first_response_due_at=_iso(ticket.first_response_due_at),
                        resolution_due_at=_iso(ticket.resolution_due_at),
                    )
                    changed += 1
    return changed
