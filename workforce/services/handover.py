"""The shift-handover book (交接班记录本): an agent hands over at the end of a shift, the next shift reads and
acknowledges."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from core.errors import Forbidden, ValidationFailed
from tickets.enums import UNRESOLVED_STATUSES
from tickets.models import Team, Ticket
from tickets.services.assignment import ticket_assign

from ..enums import HandoverAction
from ..models import Handover, HandoverAck, HandoverItem
from ..selectors_handover import handover_moment
from ..shifts import shift_label

NOTES_MAX = 5000
ITEM_NOTE_MAX = 2000


@dataclass(frozen=True)
class ItemInput:
    ticket: Ticket | int
    action: str
    to_agent: Any = None
    note: str = ""


def _item(raw: ItemInput | dict[str, Any]) -> ItemInput:
    if isinstance(raw, ItemInput):
        return raw
    return ItemInput(
        ticket=raw.get("ticket"),  # type: ignore[arg-type]
        action=raw.get("action") or "",
        to_agent=raw.get("to_agent"),
        note=raw.get("note") or "",
    )


def handover_create(
    *,
    author: Any,
    team: Team,
    notes: str = "",
    items: Sequence[ItemInput | dict[str, Any]] | None = None,
    now: datetime | None = None,
) -> Handover:
    """Write the author's handover for the team and carry out each item's action, all or nothing.

    Preconditions (each refusal a ``ValidationFailed`` naming the field, nothing written): the author is an
    active agent and a member of the team; notes at most 5,000 characters, an item's note at most 2,000; each
    item's ticket is open (not resolved or closed), assigned to the author, and listed once; ``to_agent``
    names an agent of the next shift of the team (any active agent of the team when it has no shifts).

    The handover's shift is the author's current shift in the team, or the one that ended in the last two
    hours (``selectors_handover.handover_moment``), its date the day it started in the team's time zone.
    Side effects: ``to_agent`` items assign the ticket to that agent, ``to_queue`` items unassign it (both as
    ``assigned`` events with ``via="handover"``, and the new assignee is notified); ``keep`` changes nothing.
    """
    if not roles.is_agent(author) or not author.is_active:
        raise Forbidden(_("Only agents write handovers."))
    if not team.members.filter(pk=author.pk).exists():
        raise Forbidden(_("Only members of the team write its handovers."))
    notes = notes or ""
    if len(notes) > NOTES_MAX:
        raise ValidationFailed(
            _("The notes are at most %(max)s characters.") % {"max": NOTES_MAX},
            fields={"notes": [_("At most %(max)s characters.") % {"max": NOTES_MAX}]},
        )
    inputs = [_item(raw) for raw in items or []]
    now = now or timezone.now()
    moment = handover_moment(team=team, author=author, now=now)
    next_agent_ids = {agent.pk for agent in moment.next_agents}
    if moment.next_shift is not None:
        next_label = shift_label(moment.next_shift.name, moment.next_shift.start_time, moment.next_shift.end_time)
    else:
        next_label = ""

    with transaction.atomic():
        ticket_ids = [item.ticket.pk if isinstance(item.ticket, Ticket) else item.ticket for item in inputs]
        tickets = {ticket.pk: ticket for ticket in Ticket.objects.select_for_update().filter(pk__in=ticket_ids)}
        checked: list[tuple[Ticket, ItemInput]] = []
        seen: set[int] = set()
        for index, (item, ticket_id) in enumerate(zip(inputs, ticket_ids, strict=True)):
            where = f"items[{index}]"
            ticket = tickets.get(ticket_id)  # type: ignore[arg-type]
            if ticket is None or ticket.assignee_id != author.pk:
                raise ValidationFailed(
                    _("Ticket %(ticket)s is not assigned to you.")
                    % {"ticket": ticket.reference if ticket else ticket_id},
                    fields={f"{where}.ticket": [_("Not one of your tickets.")]},
                )
            if ticket.status not in UNRESOLVED_STATUSES:
                raise ValidationFailed(
                    _("Ticket %(ticket)s is resolved or closed.") % {"ticket": ticket.reference},
                    fields={f"{where}.ticket": [_("Only open tickets are handed over.")]},
                )
            if ticket.pk in seen:
                raise ValidationFailed(
                    _("Ticket %(ticket)s is listed twice.") % {"ticket": ticket.reference},
                    fields={f"{where}.ticket": [_("Listed twice.")]},
                )
            seen.add(ticket.pk)
            if item.action not in HandoverAction.values:
                raise ValidationFailed(
                    _("Choose what happens to %(ticket)s.") % {"ticket": ticket.reference},
                    fields={
                        f"{where}.action": [_("One of: %(values)s.") % {"values": ", ".join(HandoverAction.values)}]
                    },
                )
            if len(item.note or "") > ITEM_NOTE_MAX:
                raise ValidationFailed(
                    _("The note on %(ticket)s is at most %(max)s characters.")
                    % {"ticket": ticket.reference, "max": ITEM_NOTE_MAX},
                    fields={f"{where}.note": [_("At most %(max)s characters.") % {"max": ITEM_NOTE_MAX}]},
                )
            if item.action == HandoverAction.TO_AGENT:
                if item.to_agent is None:
                    raise ValidationFailed(
                        _("Choose the next-shift agent who takes %(ticket)s.") % {"ticket": ticket.reference},
                        fields={f"{where}.to_agent": [_("Choose an agent.")]},
                    )
                if item.to_agent.pk not in next_agent_ids:
                    if next_label:
                        message = _("%(agent)s is not in the next shift (%(shift)s).") % {
                            "agent": item.to_agent,
                            "shift": next_label,
                        }
                    else:
                        message = _("%(agent)s is not an active agent of the team.") % {"agent": item.to_agent}
                    raise ValidationFailed(message, fields={f"{where}.to_agent": [message]})
            elif item.to_agent is not None:
                raise ValidationFailed(
                    _("Only a ticket handed to an agent names one."),
                    fields={f"{where}.to_agent": [_("Leave empty unless the action is to_agent.")]},
                )
            checked.append((ticket, item))

        handover = Handover.objects.create(
            team=team, shift=moment.shift, shift_date=moment.shift_date, author=author, notes=notes, created_at=now
        )
        HandoverItem.objects.bulk_create(
            HandoverItem(
                handover=handover,
                ticket=ticket,
                action=item.action,
                to_agent=item.to_agent if item.action == HandoverAction.TO_AGENT else None,
                note=item.note or "",
            )
            for ticket, item in checked
        )
        for ticket, item in checked:
            if item.action == HandoverAction.KEEP:
                continue
            assignee = item.to_agent if item.action == HandoverAction.TO_AGENT else None
            ticket_assign(
                ticket=ticket,
                assignee=assignee,
                actor=author,
                via="handover",
                reason="handover",
                details={"handover": handover.pk},
            )
    return handover


def handover_may_acknowledge(user: Any, handover: Handover) -> bool:
    """Members and managers of the handover's team acknowledge it, its author does not."""
    if handover.author_id == user.pk or not roles.is_agent(user):
        return False
    team = handover.team
    return team.members.filter(pk=user.pk).exists() or team.managers.filter(pk=user.pk).exists()


def handover_acknowledge(*, handover: Handover, user: Any) -> tuple[HandoverAck, bool]:
    """Record that ``user`` read the handover: ``(ack, created)``; a second call returns the first ack.
    Only members and managers of the team, and not the author (``Forbidden``)."""
    if handover.author_id == user.pk:
        raise Forbidden(_("You cannot acknowledge your own handover."))
    if not handover_may_acknowledge(user, handover):
        raise Forbidden(_("Only members of the team acknowledge its handovers."))
    existing = HandoverAck.objects.filter(handover=handover, user=user).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return HandoverAck.objects.create(handover=handover, user=user), True
    except IntegrityError:  # acknowledged twice at once: the other request won
        return HandoverAck.objects.get(handover=handover, user=user), False
