"""Messages on a ticket: public replies, internal notes, system messages and the buyer's own messages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actors import Actor, actor_or_none
from core.errors import Conflict, ValidationFailed
from core.files import CheckedFile, removed_on_failure
from core.limits import BODY_MAX, refuse_long_text

from ..enums import (
    AuthorType,
    EventType,
    MessageVisibility,
    SlaTarget,
    TicketStatus,
)
from ..hooks import run_reply_checks
from ..models import (
    Message,
    Ticket,
)
from .attachments import attachments_store, refuse_empty
from .clocks import clear_next_reply, mark_escalations_met, recompute_due_times, sla_time_used
from .common import claim_if_unassigned, iso, lock_ticket, record_event
from .stale import refuse_if_stale
from .transitions import transition_locked


class ReplyRefused(ValidationFailed):
    code = "reply_refused"


def refuse_blocked_reply(*, ticket: Ticket, body: str, actor: Actor) -> None:
    """Ask the reply checks (``tickets.hooks.register_reply_check``): a blocking problem refuses the reply."""
    blocking = [problem for problem in run_reply_checks(ticket=ticket, body=body, actor=actor) if problem.blocking]
    if blocking:
        messages = [problem.message for problem in blocking]
        raise ReplyRefused(" ".join(messages), fields={"body": messages})


def ticket_reply(
    *,
    ticket: Ticket,
    author: Actor,
    body: str,
    seen_event_id: int | None = None,
    attachments: Sequence[CheckedFile] = (),
) -> Message:
    """A public reply from an agent. The first one stops the first-response clock; a new ticket opens.

    ``attachments``: files checked beforehand (``tickets.services.attachments.attachments_check``); a reply may
    be files only. Stored files are deleted again if the reply is refused.

    Refused on closed tickets (the buyer gets a new ticket instead). With ``seen_event_id`` (the newest event
    the sender's page showed), refused with ``StaleTicket`` if the buyer wrote, someone else replied or
    someone else changed the status since (``tickets.services.stale``).
    """
    body = body.strip()
    refuse_empty(body, attachments, _("The reply is empty."))
    refuse_long_text(body=(body, BODY_MAX))
    refuse_blocked_reply(ticket=ticket, body=body, actor=author)
    with removed_on_failure() as saved, transaction.atomic():
        ticket = lock_ticket(ticket)
        if ticket.is_closed:
            raise Conflict(_("Ticket %(ref)s is closed; it cannot be replied to.") % {"ref": ticket.reference})
        refuse_if_stale(ticket, author, seen_event_id)
        claim_if_unassigned(ticket, author)
        now = timezone.now()
        message = Message.objects.create(
            ticket=ticket,
            visibility=MessageVisibility.PUBLIC,
            author_type=AuthorType.AGENT,
            author=actor_or_none(author),
            body=body,
            created_at=now,
        )
        attachments_store(message=message, checked=attachments, actor=author, saved=saved)
        if ticket.first_responded_at is None:
            ticket.first_responded_at = now
            ticket.save(update_fields=["first_responded_at", *recompute_due_times(ticket, now), "updated_at"])
            mark_escalations_met(ticket, SlaTarget.FIRST_RESPONSE, now)
            record_event(ticket, EventType.REPLIED, author, message_id=message.pk)
            record_event(
                ticket,
                EventType.FIRST_RESPONDED,
                author,
                due_at=iso(ticket.first_response_due_at),
                on_time=bool(ticket.first_response_due_at and now <= ticket.first_response_due_at),
            )
        elif ticket.next_reply_started_at is not None:
            due_at, waiting_since = ticket.next_reply_due_at, ticket.next_reply_started_at
            mark_escalations_met(ticket, SlaTarget.NEXT_REPLY, now, cycle=ticket.next_reply_cycle)
            fields = clear_next_reply(ticket)
            ticket.save(update_fields=[*fields, *recompute_due_times(ticket, now), "updated_at"])
            record_event(ticket, EventType.REPLIED, author, message_id=message.pk)
            record_event(
                ticket,
                EventType.NEXT_REPLIED,
                author,
                waiting_since=iso(waiting_since),
                due_at=iso(due_at),
                on_time=due_at is None or now <= due_at,
            )
        else:
            record_event(ticket, EventType.REPLIED, author, message_id=message.pk)
        if ticket.status == TicketStatus.NEW:
            transition_locked(ticket, TicketStatus.OPEN, author, now=now)
    return message


def ticket_add_system_message(*, ticket: Ticket, body: str, event_data: dict[str, Any] | None = None) -> Message:
    """A public message the helpdesk sends by itself (an acknowledgement, say). It reaches the buyer but is
    not an agent's answer, so it does not stop the first-response clock. Refused on closed tickets.
    """
    body = body.strip()
    if not body:
        raise ValidationFailed(_("The message is empty."), fields={"body": [_("This field is required.")]})
    with transaction.atomic():
        ticket = lock_ticket(ticket)
        if ticket.is_closed:
            raise Conflict(_("Ticket %(ref)s is closed; it cannot be replied to.") % {"ref": ticket.reference})
        message = Message.objects.create(
            ticket=ticket, visibility=MessageVisibility.PUBLIC, author_type=AuthorType.SYSTEM, author=None, body=body
        )
        record_event(ticket, EventType.REPLIED, None, message_id=message.pk, automatic=True, **(event_data or {}))
    return message


def ticket_add_note(*, ticket: Ticket, author: Actor, body: str, attachments: Sequence[CheckedFile] = ()) -> Message:
    """An internal note: seen by staff only, never sent to the buyer, does not touch the SLA clocks. Its
    ``attachments`` (checked beforehand) are internal too: never served to the buyer or sent in a webhook."""
    body = body.strip()
    refuse_empty(body, attachments, _("The note is empty."))
    refuse_long_text(body=(body, BODY_MAX))
    with removed_on_failure() as saved, transaction.atomic():
        ticket = lock_ticket(ticket)
        message = Message.objects.create(
            ticket=ticket,
            visibility=MessageVisibility.INTERNAL,
            author_type=AuthorType.AGENT,
            author=actor_or_none(author),
            body=body,
        )
        attachments_store(message=message, checked=attachments, actor=author, saved=saved)
        record_event(ticket, EventType.NOTED, author, message_id=message.pk)
    return message


def ticket_add_customer_message(
    *, ticket: Ticket, body: str, actor: Actor = None, attachments: Sequence[CheckedFile] = ()
) -> Message:
    """A message from the buyer (pushed by a platform, written on the tracking page, or recorded by an agent
    on the buyer's behalf), with the buyer's photos as ``attachments`` (checked beforehand).

    A ticket waiting on the buyer opens again and its clocks resume; a resolved ticket reopens. A closed
    ticket refuses it: the platform should open a new ticket. The files are stored before the
    ``customer_replied`` event is recorded, so its listeners see them (after-sales keeps them as evidence).
    """
    body = body.strip()
    refuse_empty(body, attachments, _("The message is empty."))
    refuse_long_text(body=(body, BODY_MAX))
    with removed_on_failure() as saved, transaction.atomic():
        ticket = lock_ticket(ticket)
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
        attachments_store(message=message, checked=attachments, actor=actor, saved=saved)
        now = message.created_at
        if ticket.status in (TicketStatus.PENDING_CUSTOMER, TicketStatus.RESOLVED):
            transition_locked(ticket, TicketStatus.OPEN, actor, now=now, reason="customer_replied")
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
            ticket.save(update_fields=[*fields, *recompute_due_times(ticket, now), "updated_at"])
        record_event(ticket, EventType.CUSTOMER_REPLIED, actor, message_id=message.pk)
    return message
