"""The stale-reply guard (collision detection): a reply or status change made from a page that had not yet
shown a change that matters is refused, so two agents do not answer the buyer twice or undo each other."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from core.actors import Actor, actor_or_none
from core.errors import Conflict

from ..models import Ticket
from ..selectors_collision import ticket_latest_event_id, ticket_stale_changes


class StaleTicket(Conflict):
    """The sender had not seen the latest changes. ``changes`` lists them (type, actor, at, text, excerpt);
    ``last_event_id`` is what to send back to go ahead anyway."""

    code = "stale_ticket"

    def __init__(self, message: Any, *, changes: list[dict[str, Any]], last_event_id: int):
        super().__init__(message)
        self.changes = changes
        self.last_event_id = last_event_id

    @property
    def extra(self) -> dict[str, Any]:
        """Added to the API's error body next to code and message."""
        return {"changes": self.changes, "last_event_id": self.last_event_id}


def refuse_if_stale(ticket: Ticket, actor: Actor, seen_event_id: int | None) -> None:
    """Raise ``StaleTicket`` if, after ``seen_event_id`` (the newest event the sender's page or client
    showed), the buyer wrote, someone else replied, or someone else changed the status. Internal notes and the
    sender's own steps never count. Without ``seen_event_id`` nothing is checked (older clients).

    Call while holding the ticket's row lock, before writing: events on one ticket are written under that
    lock, so none can slip in between the check and the change.
    """
    if seen_event_id is None:
        return
    user = actor_or_none(actor)
    changes = ticket_stale_changes(
        ticket=ticket, sender_id=user.pk if user is not None else None, seen_event_id=seen_event_id
    )
    if changes:
        raise StaleTicket(
            _("Ticket %(ref)s changed after you opened it. Check what changed, then send again.")
            % {"ref": ticket.reference},
            changes=changes,
            last_event_id=ticket_latest_event_id(ticket_id=ticket.pk),
        )
