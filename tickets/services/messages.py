"""Messages on a ticket: public replies, internal notes, system messages and the buyer's own messages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actors import Actor, actor_or_none
from core.errors import Conflict, ValidationFailed, validate_choice
from core.files import CheckedFile, removed_on_failure
from core.limits import BODY_MAX, refuse_long_text

from .. import hooks
from ..enums import (
    ALLOWED_TRANSITIONS,
    AuthorType,
    EventType,
    MessageVisibility,
    SlaTarget,
    TicketStatus,
)
from ..models import (
    Message,
    Ticket,
)
from .attachments import attachments_store, refuse_empty
from .clocks import clear_next_reply, mark_escalations_met, recompute_due_times, sla_time_used
from .common import claim_if_unassigned, iso, lock_ticket, record_event
from .stale import refuse_if_stale
from .transitions import ticket_transition, transition_locked

OVERRIDE_REASON_MAX = 500


class ReplyBlocked(ValidationFailed):
    """A reply check (``tickets.hooks.register_reply_check``) found a blocking problem and the sender gave no
    override reason. ``problems`` lists every problem found, blocking or not."""

    code = "reply_blocked"

    def __init__(self, problems: list[hooks.ReplyProblem]):
        blocking = [problem for problem in problems if problem.blocking]
        fields: dict[str, list[str]] = {"body": [problem.message for problem in blocking]}
        if all(problem.overridable for problem in blocking):
            message = _("This reply cannot be sent as it is: change it, or give a reason to send it anyway.")
            fields["override_reason"] = [_("Give a reason to send it anyway.")]
        else:
            # No reason sends it (an unfilled canned-reply variable would reach the buyer raw): asking for one
            # would send the agent looking for a way round that does not exist.
            message = _("This reply cannot be sent as it is: change it first.")
        super().__init__(message, fields=fields)
        self.problems = problems

    @property
    def extra(self) -> dict[str, Any]:
        """Added to the API's error body next to code and message."""
        return {"problems": [problem_data(problem) for problem in self.problems]}


def problem_data(problem: hooks.ReplyProblem) -> dict[str, Any]:
    return {
        "code": problem.code,
        "message": problem.message,
        "blocking": problem.blocking,
        "overridable": problem.overridable,
        "rule_id": problem.rule_id,
    }


def check_reply(*, ticket: Ticket, author: Actor, body: str, override_reason: str) -> list[hooks.ReplyProblem]:
    """The reply checks' blocking problems that the sender overrides (empty when there are none); raises
    ``ReplyBlocked`` when there are some and no reason was given, or when one of them may not be overridden."""
    refuse_long_text(override_reason=(override_reason, OVERRIDE_REASON_MAX))
    problems = hooks.run_reply_checks(ticket=ticket, body=body, actor=author)
    blocking = [problem for problem in problems if problem.blocking]
    if blocking and (not override_reason or any(not problem.overridable for problem in blocking)):
        raise ReplyBlocked(problems)
    return blocking


def ticket_reply(
    *,
    ticket: Ticket,
    author: Actor,
    body: str,
    seen_event_id: int | None = None,
    attachments: Sequence[CheckedFile] = (),
    override_reason: str = "",
) -> Message:
    """A public reply from an agent. The first one stops the first-response clock; a new ticket opens.

    ``attachments``: files checked beforehand (``tickets.services.attachments.attachments_check``); a reply may
    be files only. Stored files are deleted again if the reply is refused.

    Refused on closed tickets (the buyer gets a new ticket instead). With ``seen_event_id`` (the newest event
    the sender's page showed), refused with ``StaleTicket`` if the buyer wrote, someone else replied or
    someone else changed the status since (``tickets.services.stale``).

    The reply checks (``tickets.hooks``: wording rules …) run on the body first: a blocking problem refuses
    the reply with ``ReplyBlocked`` unless ``override_reason`` says why it goes out anyway; then the reply is
    sent and a ``reply_check_overridden`` event records who overrode which problems and why.
    """
    body = body.strip()
    override_reason = override_reason.strip()
    refuse_empty(body, attachments, _("The reply is empty."))
    refuse_long_text(body=(body, BODY_MAX))
    overridden = check_reply(ticket=ticket, author=author, body=body, override_reason=override_reason)
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
        if overridden:
            record_event(
                ticket,
                EventType.REPLY_CHECK_OVERRIDDEN,
                author,
                # Not "message_id": that key makes the timeline show the event as the message itself.
                reply_message_id=message.pk,
                reason=override_reason,
                problems=[problem_data(problem) for problem in overridden],
                rule_ids=sorted({problem.rule_id for problem in overridden if problem.rule_id is not None}),
            )
        if ticket.status == TicketStatus.NEW:
            transition_locked(ticket, TicketStatus.OPEN, author, now=now)
    return message


# What "send and …" may set along with a reply (the reply box's one-action buttons, the reply API's ``status``).
REPLY_THEN_STATUSES = (TicketStatus.PENDING_CUSTOMER, TicketStatus.RESOLVED)


def status_after_reply(ticket: Ticket) -> str:
    """The status a ticket has once a reply went out: a new ticket opens."""
    return TicketStatus.OPEN if ticket.status == TicketStatus.NEW else ticket.status


def reply_then_statuses(ticket: Ticket) -> list[str]:
    """The statuses a reply to ``ticket`` may set in the same action ("send and set pending", "send and
    resolve"): those the transition table allows from the status the reply leaves it in."""
    after = status_after_reply(ticket)
    return [
        status
        for status in REPLY_THEN_STATUSES
        if status != after and status in ALLOWED_TRANSITIONS.get(after, frozenset())
    ]


def ticket_reply_and_set_status(
    *,
    ticket: Ticket,
    author: Actor,
    body: str,
    to_status: str,
    seen_event_id: int | None = None,
    override_reason: str = "",
    attachments: Sequence[CheckedFile] = (),
) -> Message:
    """A public reply and a status change ("send and set pending", "send and resolve") in one transaction:
    ``ticket_reply`` then ``ticket_transition``. Both happen or neither: a status the ticket may not take
    (checked first, against the status the reply leaves it in) refuses the reply too, and so do the reply's own
    refusals (stale page, blocking reply check, closed ticket)."""
    validate_choice(to_status, TicketStatus, "status")
    if to_status not in REPLY_THEN_STATUSES:
        raise ValidationFailed(
            _("A reply can only set the status to pending customer or resolved."),
            fields={"status": [_("Choose one of: %(values)s.") % {"values": ", ".join(REPLY_THEN_STATUSES)}]},
        )
    with transaction.atomic():
        locked = lock_ticket(ticket)
        # Already there once the reply is sent (a reply on a ticket waiting on the buyer leaves it waiting):
        # nothing to change, and nothing to refuse.
        unchanged = to_status == status_after_reply(locked)
        if not unchanged and to_status not in reply_then_statuses(locked) and not locked.is_closed:
            raise Conflict(
                _("A ticket cannot go from “%(old)s” to “%(new)s”.")
                % {"old": TicketStatus(locked.status).label, "new": TicketStatus(to_status).label},
                fields={"status": [_("Not allowed from the current status.")]},
            )
        message = ticket_reply(
            ticket=locked,
            author=author,
            body=body,
            seen_event_id=seen_event_id,
            override_reason=override_reason,
            attachments=attachments,
        )
        # The reply just sent is the sender's own step: the stale guard has nothing more to say.
        ticket_transition(ticket=locked, to_status=to_status, actor=author)
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
