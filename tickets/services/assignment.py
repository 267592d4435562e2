"""Who works a ticket: its team and its assignee."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts import roles
from core.actors import Actor, actor_or_none, is_user
from core.errors import Forbidden
from notifications.services import notifications_create

from ..enums import (
    EventType,
)
from ..models import (
    Team,
    Ticket,
)
from .clocks import record_sla_recomputed, reevaluate_sla_locked
from .common import (
    check_assignable,
    claim_if_unassigned,
    lock_ticket,
    record_event,
    refuse_if_closed,
    ticket_record_event,
)


def ticket_set_team(*, ticket: Ticket, team: Team | None, actor: Actor) -> Ticket:
    with transaction.atomic():
        ticket = lock_ticket(ticket)
        refuse_if_closed(ticket)
        if ticket.team_id == (team.pk if team else None):
            return ticket
        old = ticket.team
        reevaluation = reevaluate_sla_locked(
            ticket, reason="team_changed", now=timezone.now(), change=lambda: setattr(ticket, "team", team)
        )
        ticket.save(update_fields=[*dict.fromkeys(["team", *reevaluation.fields]), "updated_at"])
        record_event(
            ticket,
            EventType.TEAM_CHANGED,
            actor,
            old=old.pk if old else None,
            old_name=str(old) if old else "",
            new=team.pk if team else None,
            new_name=str(team) if team else "",
        )
        record_sla_recomputed(ticket, actor, reevaluation)
    return ticket


ASSIGNMENT_VIAS = ("manual", "auto", "handover", "handback", "claim")


def ticket_assign(
    *,
    ticket: Ticket,
    assignee: Any,
    actor: Actor,
    via: str = "manual",
    reason: str = "",
    details: dict[str, Any] | None = None,
) -> Ticket:
    """Give the ticket to an agent (or nobody). A manager who takes or reassigns an escalated ticket
    acknowledges its open escalations: it leaves the Escalations view. The new assignee is notified
    unless they assigned it to themselves.

    ``via`` says how (one of ``ASSIGNMENT_VIAS``: a person's choice, auto-assignment, a shift handover, a
    hand-back to the queue); ``reason`` and ``details`` say why (``"least_loaded"``, ``{"load": 3,
    "capacity": 8}``). All three go on the ``assigned`` event, which reports count.
    """
    assigned = _assign(ticket, assignee, actor, via=via, reason=reason, details=details, expect=False)
    assert assigned is not None  # only an expectation can make it refuse
    return assigned


def ticket_assign_if_unchanged(
    *,
    ticket: Ticket | int,
    expect_assignee_id: int | None,
    assignee: Any,
    actor: Actor,
    via: str,
    reason: str = "",
    details: dict[str, Any] | None = None,
) -> Ticket | None:
    """``ticket_assign``, but only if the ticket's assignee is still ``expect_assignee_id`` (None:
    unassigned) and the ticket is not closed once its row is locked; otherwise nothing changes and None is
    returned. Auto-assignment and hand-backs use it, so they never overwrite a person's choice made meanwhile.
    Call it holding no lock on the assignee's capacity that a ticket service could wait for."""
    return _assign(ticket, assignee, actor, via=via, reason=reason, details=details, expect=expect_assignee_id)


def _assign(
    ticket: Ticket | int,
    assignee: Any,
    actor: Actor,
    *,
    via: str,
    reason: str,
    details: dict[str, Any] | None,
    expect: int | None | bool,
) -> Ticket | None:
    check_assignable(assignee)
    with transaction.atomic():
        ticket = lock_ticket(ticket)
        if expect is not False:
            if ticket.assignee_id != expect or ticket.is_closed:
                return None
        refuse_if_closed(ticket)
        now = timezone.now()
        if ticket.assignee_id != (assignee.pk if assignee else None):
            old = ticket.assignee
            ticket.assignee = assignee
            ticket.save(update_fields=["assignee", "updated_at"])
            record_event(
                ticket,
                EventType.ASSIGNED,
                actor,
                old=old.pk if old else None,
                old_name=str(old) if old else "",
                new=assignee.pk if assignee else None,
                new_name=str(assignee) if assignee else "",
                via=via,
                **({"reason": reason} if reason else {}),
                **(details or {}),
            )
            if assignee is not None and getattr(actor_or_none(actor), "pk", None) != assignee.pk:
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


def ticket_take(*, ticket: Ticket, actor: Actor) -> Ticket:
    """“Take it”: the actor assigns the ticket to themselves."""
    if not roles.is_agent(actor):
        raise Forbidden(_("Only agents and managers can take tickets."))
    return ticket_assign(ticket=ticket, assignee=actor, actor=actor)


def ticket_claim_if_unassigned(*, ticket: Ticket | int, actor: Actor) -> None:
    """An agent or manager working an unassigned ticket from elsewhere (after-sales steps, approvals, offers,
    evidence) becomes its assignee; see ``common.claim_if_unassigned``."""
    with transaction.atomic():
        claim_if_unassigned(lock_ticket(ticket), actor)


def ticket_set_restricted(*, ticket: Ticket, restricted: bool, actor: Actor) -> Ticket:
    """Restrict the ticket to its team (its assignee, the team's managers and admins still see it), or open it
    again to every agent whose ticket scope includes it. Managers and admins only."""
    if not roles.is_manager(actor):
        raise Forbidden(_("Only managers can restrict a ticket to its team."))
    with transaction.atomic():
        ticket = lock_ticket(ticket)
        if ticket.restricted == restricted:
            return ticket
        ticket.restricted = restricted
        ticket.save(update_fields=["restricted", "updated_at"])
        ticket_record_event(
            ticket=ticket,
            actor=actor,
            summary=gettext_noop("Restricted to its team") if restricted else gettext_noop("No longer restricted"),
        )
    return ticket
