"""New tickets, from every intake path (API, the staff form, a buyer's message), with their buyer and order."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actors import actor_or_none
from core.errors import Conflict, ValidationFailed, validate_choice
from core.limits import BODY_MAX, SUBJECT_MAX, refuse_long_text
from customers.models import Customer, Order
from customers.services.buyers import customer_upsert
from customers.services.orders import OrderLineData, order_sync
from integrations.access import refuse_other_platform

from .. import hooks
from ..enums import (
    CATEGORIES_BY_KIND,
    PRIORITY_RANK,
    Channel,
    EventType,
    Priority,
    TicketKind,
    TicketStatus,
)
from ..models import (
    Tag,
    Team,
    Ticket,
)
from ..selectors import sla_policy_for
from .clocks import recompute_due_times
from .common import check_assignable, record_event

# A platform's clock may run a little ahead of ours; within this margin a future ``received_at`` means "now".
RECEIVED_AT_CLOCK_SKEW = timedelta(minutes=2)


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
    refuse_other_platform(created_by, customer.platform)
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
    refuse_long_text(subject=(subject, SUBJECT_MAX), description=(description, BODY_MAX))
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
    check_assignable(assignee)
    external_id = external_id.strip()
    source_platform = customer.platform if external_id else ""
    _refuse_duplicate(source_platform, external_id)
    default_team = Team.objects.filter(default_for_kind=kind).order_by("id").first() if team is None else None
    decision = hooks.run_router(
        hooks.IntakeDraft(
            kind=kind,
            category=category,
            channel=channel,
            priority=priority,
            subject=subject,
            description=description,
            customer=customer,
            order=order,
            team=team,
            default_team=default_team,
            received_at=received_at,
        )
    )
    restricted = False
    if decision is not None:
        # A rule picks the team only when the creator chose none, and never lowers the priority given.
        if team is None and decision.team is not None:
            team = decision.team
        if decision.priority and PRIORITY_RANK[decision.priority] > PRIORITY_RANK[priority]:  # type: ignore[index]
            priority = decision.priority
        restricted = decision.restricted
    if team is None:
        team = default_team

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
            restricted=restricted,
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
        recompute_due_times(ticket, now)
        if not external_id:
            ticket.save()
        else:
            _save_unless_duplicate(ticket)
        record_event(
            ticket,
            EventType.CREATED,
            created_by,
            kind=kind,
            channel=channel,
            priority=priority,
            received_at=received_at.isoformat(),
        )
        if decision is not None and decision.rules:
            if decision.tags:
                ticket.tags.add(*(Tag.objects.get_or_create(name=name)[0] for name in decision.tags))
            record_event(ticket, EventType.ROUTED, None, rules=decision.rules)
        if decision is not None and decision.after_save is not None:
            decision.after_save(ticket)
        if assignee is not None:
            record_event(
                ticket,
                EventType.ASSIGNED,
                created_by,
                old=None,
                new=assignee.pk,
                new_name=str(assignee),
                via="manual",
            )
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
    ``order_sync``'s, with ``lines`` as a list of dicts. With ``order_must_exist`` (an agent typing an order
    number) the order is only looked up — an unknown number is refused rather than recorded as an empty order.
    A message already synced (same platform and ``external_id``) raises ``TicketAlreadyExists`` before
    anything is written. A platform-bound integration may only open tickets for its platform's buyers.
    """
    refuse_other_platform(ticket_fields.get("created_by"), customer.get("platform", ""))
    if order and order.get("platform"):
        refuse_other_platform(ticket_fields.get("created_by"), order["platform"], field="order.platform")
    _refuse_duplicate(customer["platform"], (ticket_fields.get("external_id") or "").strip())
    with transaction.atomic():
        buyer = customer_upsert(**customer)
        linked_order = None
        if order and order_must_exist:
            linked_order = _existing_order(buyer, order["order_number"])
        elif order:
            order_fields = dict(order)
            lines = order_fields.pop("lines", None)
            linked_order = order_sync(
                customer=buyer,
                platform=order_fields.pop("platform", None) or buyer.platform,
                lines=[OrderLineData(**line) for line in lines] if lines is not None else None,
                **order_fields,
            ).order
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
