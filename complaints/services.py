"""Every write to complaints. Ticket state is changed only through ``tickets.services``."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts import roles
from core.actors import Actor, actor_or_none
from core.errors import Conflict, Forbidden, ValidationFailed
from core.limits import BODY_MAX, NOTE_MAX, refuse_long_text
from notifications.services import notifications_create
from tickets.access import ticket_readers
from tickets.enums import Priority, TicketStatus
from tickets.models import Ticket
from tickets.selectors import ticket_managers
from tickets.services.classification import ticket_set_priority
from tickets.services.common import label_id, ticket_record_event
from tickets.services.intake import ticket_create_with_customer
from tickets.services.messages import ticket_add_system_message, ticket_reply
from tickets.services.transitions import ticket_transition

from .enums import SEVERITY_LABEL_IDS, ReviewOutcome, Severity
from .models import Complaint, FollowUp
from .selectors import apology_text, severity_for_text

MAX_COMPENSATION = Decimal("99999999.99")


def _follow_up_delay() -> timedelta:
    return timedelta(hours=float(getattr(settings, "COMPLAINT_FOLLOW_UP_HOURS", 24)))


def _team_managers(ticket: Ticket) -> list[Any]:
    return ticket_managers(ticket=ticket, fallback_to_all=False)


def complaint_open_for_ticket(*, ticket: Ticket, actor: Actor) -> Complaint:
    """A new complaint ticket: record its details, apologise to the buyer at once (a system message that
    does not count as the first response), give it to the team's manager and tell every team manager.

    Called by the ticket core when a ticket of kind complaint is created, inside that transaction.
    A critical complaint (a safety word, say) is made urgent, which tightens its SLA.
    """
    severity, keyword = severity_for_text(f"{ticket.subject}\n{ticket.description}")
    managers = _team_managers(ticket)
    complaint = Complaint.objects.create(
        ticket=ticket,
        severity=severity,
        severity_keyword=keyword,
        owner=managers[0] if managers else None,
    )
    ticket_add_system_message(ticket=ticket, body=apology_text(ticket=ticket), event_data={"apology": True})
    complaint.apology_sent_at = timezone.now()
    complaint.save(update_fields=["apology_sent_at", "updated_at"])
    ticket_record_event(
        ticket=ticket,
        actor=actor,
        summary=gettext_noop("Complaint received, apology sent; severity %(severity_label)s"),
        severity_label=SEVERITY_LABEL_IDS[severity],
    )
    if severity == Severity.CRITICAL and ticket.priority != Priority.URGENT:
        ticket_set_priority(ticket=ticket, priority=Priority.URGENT, actor=None)
    notifications_create(
        recipients=managers or ticket_managers(ticket=ticket),
        verb="complaint",
        message=gettext_noop("New complaint %(reference)s (%(severity)s): %(subject)s"),
        params={"reference": ticket.reference, "severity": SEVERITY_LABEL_IDS[severity], "subject": ticket.subject},
        url=f"/tickets/{ticket.pk}/",
        dedupe_key=f"complaint:{ticket.pk}",
    )
    return complaint


def _lock(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update(of=("self",)).select_related("ticket").get(pk=complaint.pk)


EDITABLE_FIELDS = ("severity", "customer_request", "root_cause", "review_link", "review_outcome", "owner")
# How long a complaint's free text may be (core.limits; the link and the note are as long as their columns).
TEXT_LIMITS = {"customer_request": NOTE_MAX, "root_cause": NOTE_MAX, "review_link": 500, "compensation_note": 200}


def complaint_update(*, complaint: Complaint, actor: Actor, **changes: Any) -> Complaint:
    """Record what the customer asks for, the analysis, the severity, the owner or the review outcome.

    Only the fields given change; each change is on the timeline with its old and new value.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed(_("Unknown fields."), fields={name: [_("Not editable.")] for name in sorted(unknown)})
    if "severity" in changes and changes["severity"] not in Severity.values:
        raise ValidationFailed(_("Unknown severity."), fields={"severity": [_("Choose normal, serious or critical.")]})
    if "review_outcome" in changes and changes["review_outcome"] not in ReviewOutcome.values:
        raise ValidationFailed(_("Unknown review outcome."), fields={"review_outcome": [_("Not a valid choice.")]})
    refuse_long_text(
        **{
            name: (changes.get(name), limit)
            for name, limit in TEXT_LIMITS.items()
            if isinstance(changes.get(name), str)
        }
    )
    owner = changes.get("owner")
    if owner is not None and not roles.is_manager(owner):
        raise ValidationFailed(_("Complaints are owned by managers."), fields={"owner": [_("Choose a manager.")]})
    with transaction.atomic():
        complaint = _lock(complaint)
        changed = {
            name: value
            for name, value in changes.items()
            if (getattr(complaint, f"{name}_id") if name == "owner" else getattr(complaint, name))
            != (value.pk if name == "owner" and value is not None else value)
        }
        if not changed:
            return complaint
        for name, value in changed.items():
            setattr(complaint, name, value)
        complaint.save(update_fields=[*changed, "updated_at"])
        ticket_record_event(
            ticket=complaint.ticket,
            actor=actor,
            summary=gettext_noop("Complaint details updated: %(fields_labels)s"),
            fields_labels=[
                label_id(getattr(Complaint._meta.get_field(name), "verbose_name", name)) for name in sorted(changed)
            ],
            fields=sorted(changed),
            changes={name: (str(value) if name == "owner" else value) for name, value in changed.items()},
        )
    return complaint


def complaint_resolve(
    *,
    complaint: Complaint,
    actor: Actor,
    root_cause: str,
    outcome: str,
    message: str,
    compensation_amount: Decimal = Decimal("0"),
    compensation_note: str = "",
) -> Complaint:
    """The manager records the analysis and the resolution, reports the result to the buyer (a public
    reply) and resolves the ticket, which schedules the follow-up call. Managers only."""
    if not roles.is_manager(actor):
        raise Forbidden(_("Only managers resolve complaints."))
    errors = {
        name: [_("This field is required.")]
        for name, value in (("root_cause", root_cause), ("outcome", outcome), ("message", message))
        if not value.strip()
    }
    if not Decimal("0") <= compensation_amount <= MAX_COMPENSATION:
        errors["compensation_amount"] = [_("Out of range.")]
    if errors:
        raise ValidationFailed(_("The resolution is incomplete."), fields=errors)
    refuse_long_text(
        root_cause=(root_cause, NOTE_MAX),
        outcome=(outcome, NOTE_MAX),
        message=(message, BODY_MAX),
        compensation_note=(compensation_note, TEXT_LIMITS["compensation_note"]),
    )
    with transaction.atomic():
        complaint = _lock(complaint)
        # Read the ticket in a statement of its own: a row joined to the locked one comes from the snapshot
        # taken before we waited for the lock, and would miss another manager's resolution.
        ticket = Ticket.objects.get(pk=complaint.ticket_id)
        if ticket.status in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
            raise Conflict(_("This complaint is already resolved."))
        complaint.root_cause = root_cause.strip()
        complaint.outcome = outcome.strip()
        complaint.compensation_amount = compensation_amount
        complaint.compensation_note = compensation_note.strip()
        complaint.result_reported_at = timezone.now()
        if complaint.owner_id is None:
            complaint.owner = actor_or_none(actor)
        complaint.save()
        ticket_reply(ticket=ticket, author=actor, body=message)
        ticket_record_event(
            ticket=ticket,
            actor=actor,
            summary=gettext_noop("Complaint resolved and result reported to the customer"),
            compensation=str(compensation_amount),
        )
        ticket_transition(ticket=ticket, to_status=TicketStatus.RESOLVED, actor=actor)
    return complaint


def complaint_on_status_changed(ticket: Ticket, old_status: str, new_status: str, actor: Actor) -> None:
    """Resolving a complaint schedules its follow-up (default next day); reopening cancels an open one."""
    complaint = Complaint.objects.filter(ticket=ticket).first()
    if complaint is None:
        return
    open_follow_up = complaint.follow_ups.filter(done_at__isnull=True).first()
    if new_status == TicketStatus.RESOLVED and open_follow_up is None:
        due_at = timezone.now() + _follow_up_delay()
        FollowUp.objects.create(complaint=complaint, due_at=due_at)
        ticket_record_event(
            ticket=ticket,
            actor=actor,
            summary=gettext_noop("Follow-up call scheduled for %(due)s"),
            due=timezone.localtime(due_at).strftime("%Y-%m-%d %H:%M"),
        )
    elif new_status == TicketStatus.OPEN and open_follow_up is not None:
        open_follow_up.done_at = timezone.now()
        open_follow_up.note = _("Cancelled: the complaint was reopened before the call.")
        open_follow_up.save(update_fields=["done_at", "note"])


def follow_up_record(*, follow_up: FollowUp, actor: Actor, satisfied: bool, note: str = "") -> FollowUp:
    """Record the follow-up call. An unsatisfied customer reopens the complaint and alerts its owner; a
    closed complaint cannot reopen, so the owner is told to open a new one (the call is kept either way)."""
    if not roles.is_agent(actor):
        raise Forbidden(_("Only agents and managers record follow-ups."))
    refuse_long_text(note=(note, NOTE_MAX))
    with transaction.atomic():
        follow_up = FollowUp.objects.select_for_update().select_related("complaint__ticket").get(pk=follow_up.pk)
        if follow_up.is_done:
            raise Conflict(_("This follow-up is already recorded."))
        follow_up.done_at = timezone.now()
        follow_up.done_by = actor_or_none(actor)
        follow_up.satisfied = satisfied
        follow_up.note = note.strip()
        follow_up.save(update_fields=["done_at", "done_by", "satisfied", "note"])
        complaint = follow_up.complaint
        ticket = complaint.ticket
        ticket_record_event(
            ticket=ticket,
            actor=actor,
            summary=(
                gettext_noop("Follow-up: customer satisfied")
                if satisfied
                else gettext_noop("Follow-up: customer not satisfied")
            ),
            note=follow_up.note,
        )
        if not satisfied:
            if ticket.status == TicketStatus.RESOLVED:
                ticket_transition(ticket=ticket, to_status=TicketStatus.OPEN, actor=actor)
                message = gettext_noop("Complaint %(reference)s reopened: the customer is not satisfied")
            else:
                message = gettext_noop(
                    "Complaint %(reference)s: the customer is not satisfied; it is closed, open a new one"
                )
            notifications_create(
                # the owner, while they may still see the ticket; else its managers
                recipients=ticket_readers(ticket, [complaint.owner]) or ticket_managers(ticket=ticket),
                verb="complaint",
                message=message,
                params={"reference": ticket.reference},
                url=f"/tickets/{ticket.pk}/",
            )
    return follow_up


def complaint_create(
    *,
    customer: dict[str, Any],
    order: dict[str, Any] | None = None,
    customer_request: str = "",
    review_link: str = "",
    **ticket_fields: Any,
) -> Complaint:
    """A complaint from a shop platform, with what the buyer asks for and, for a negative review, its link.
    The ticket is created (and the apology sent) by the ticket core; the extra details are added here."""
    refuse_long_text(
        customer_request=(customer_request, NOTE_MAX), review_link=(review_link, TEXT_LIMITS["review_link"])
    )
    with transaction.atomic():
        ticket = ticket_create_with_customer(customer=customer, order=order, kind="complaint", **ticket_fields)
        complaint = Complaint.objects.get(ticket=ticket)
        extra = {
            name: value
            for name, value in (("customer_request", customer_request), ("review_link", review_link))
            if value
        }
        if extra:
            for name, value in extra.items():
                setattr(complaint, name, value)
            complaint.save(update_fields=[*extra, "updated_at"])
    return complaint
