"""What the ticket services share: the row lock, the event row (which runs the domain hooks), and the checks
every change makes. Package-internal: other apps call the topic modules."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from accounts import roles
from core.actors import Actor, actor_or_none
from core.errors import Conflict, ValidationFailed

from .. import hooks
from ..enums import (
    EventType,
)
from ..models import (
    Ticket,
    TicketEvent,
)
from ..selectors import ticket_managers


def record_event(ticket: Ticket, type: str, actor: Actor = None, **data: Any) -> TicketEvent:
    event = TicketEvent.objects.create(ticket=ticket, type=type, actor=actor_or_none(actor), data=data)
    hooks.run_event(ticket, event)
    return event


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def lock_ticket(ticket: Ticket | int) -> Ticket:
    pk = ticket.pk if isinstance(ticket, Ticket) else ticket
    return Ticket.objects.select_for_update(of=("self",)).select_related("sla_policy", "team").get(pk=pk)


def refuse_if_closed(ticket: Ticket) -> None:
    """A closed ticket is a record: its priority, team and assignee no longer change (notes still may)."""
    if ticket.is_closed:
        raise Conflict(_("Ticket %(ref)s is closed.") % {"ref": ticket.reference})


def check_assignable(user: Any) -> None:
    if user is not None and (not user.is_active or not roles.is_agent(user)):
        raise ValidationFailed(
            _("%(user)s cannot be assigned tickets.") % {"user": user},
            fields={"assignee": [_("Only active agents and managers can be assigned tickets.")]},
        )


def label_id(label: Any) -> str:
    """The message id of a lazily translated label (a TextChoices label, a verbose name), for storing."""

    with translation.override(None):
        return str(label)


def ticket_record_event(*, ticket: Ticket, actor: Actor, summary: str | list[str], **data: Any) -> TicketEvent:
    """Put a kind app's step (a complaint analysed, a follow-up recorded …) on the ticket's timeline.

    ``summary`` is an untranslated message id, or a list of them shown in a row (mark them with
    ``gettext_noop``); parameters named ``*_label`` (or ``*_labels``, a list) hold message ids too, made with
    ``label_id``. The timeline shows it all in the reader's language. Call inside the kind app's transaction.
    """
    return record_event(ticket, EventType.WORKFLOW, actor, summary=summary, **data)


def escalation_recipients(ticket: Ticket) -> list[Any]:

    return ticket_managers(ticket=ticket)


def claim_if_unassigned(ticket: Ticket, actor: Actor) -> None:
    """Whoever works an unassigned ticket (a public reply, a status change, after-sales work) becomes its
    assignee, so the buyer has one person and the ticket leaves the team's unassigned queue. Only an active
    agent or manager; the system, integrations and buyers never are. Call while holding the row lock."""
    if ticket.assignee_id is not None or ticket.is_closed or not roles.is_agent(actor):
        return
    user = actor_or_none(actor)
    ticket.assignee = user
    ticket.save(update_fields=["assignee", "updated_at"])
    record_event(ticket, EventType.ASSIGNED, user, old=None, old_name="", new=user.pk, new_name=str(user), via="claim")
