"""Ask for help (求助主管): an agent escalates a ticket to the team's managers by hand, with a reason.

A help request is an ``Escalation`` with target ``requested``: it shows on the Escalations page, a manager
taking or reassigning the ticket acknowledges it, and it is e-mailed by the same task (and its recovery) as
an SLA escalation. It is no SLA breach: it sets no ``*_breached_at``, no ``escalation_level``, arms no
chain, and reports count it apart from SLA escalations."""

from __future__ import annotations

import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts import roles
from core.actors import Actor, actor_or_none
from core.enqueue import enqueue_on_commit
from core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from notifications.services import notifications_create

from ..access import ticket_readers, ticket_visible_to
from ..enums import EscalationTarget, EventType
from ..models import Escalation, Ticket
from .common import escalation_recipients, lock_ticket, record_event, refuse_if_closed

logger = logging.getLogger(__name__)

HELP_REASON_MAX_LENGTH = 2000


def help_request_recipients(ticket: Ticket, requested_by: Any) -> list[Any]:
    """Who hears of a help request: the ticket's managers (``ticket_managers``) who may see it, except the
    person asking (a manager asking their fellow managers does not need their own alert)."""
    requester_id = getattr(requested_by, "pk", None)
    managers = [user for user in escalation_recipients(ticket) if user.pk != requester_id]
    return ticket_readers(ticket, managers)


def ticket_request_help(*, ticket: Ticket | int, actor: Actor, reason: str) -> Escalation:
    """An agent asks the ticket's managers for help.

    Preconditions: ``actor`` is an active agent or manager (else ``Forbidden``) who may see the ticket (else
    ``NotFound``, as the ticket page answers); ``reason`` is not blank and at most 2000 characters
    (``ValidationFailed`` on ``reason``); the ticket is not closed and has no open (unacknowledged) help
    request (``Conflict``).

    Creates the escalation (target ``requested``, level 1, the ticket's team, due and escalated now,
    ``requested_by`` and ``reason``), records an ``escalated`` event, and on commit notifies the managers in
    the app and queues the escalation e-mail (``escalation_email_task``; the recovery sends it if the queue
    was down). The cycle numbers the ticket's help requests (0, 1, …) so the (ticket, target, cycle, level)
    constraint allows one after another.
    """
    user = actor_or_none(actor)
    if user is None or not user.is_active or not roles.is_agent(user):
        raise Forbidden(_("Only agents and managers can ask for help."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            _("Say what you need help with."), fields={"reason": [_("Say what you need help with.")]}
        )
    if len(reason) > HELP_REASON_MAX_LENGTH:
        message = _("Keep the reason to %(max)s characters.") % {"max": HELP_REASON_MAX_LENGTH}
        raise ValidationFailed(message, fields={"reason": [message]})
    ticket_id = ticket.pk if isinstance(ticket, Ticket) else ticket
    with transaction.atomic():
        locked = Ticket.objects.filter(pk=ticket_id).first()
        if locked is None or not ticket_visible_to(user, locked):
            raise NotFound(_("No such ticket."))
        locked = lock_ticket(ticket_id)
        refuse_if_closed(locked)
        requests = Escalation.objects.filter(ticket=locked, target=EscalationTarget.REQUESTED)
        if requests.filter(acknowledged_at__isnull=True).exists():
            raise Conflict(
                _("Help was already requested on %(ref)s and no manager has taken it up yet.")
                % {"ref": locked.reference}
            )
        previous = requests.aggregate(last=Max("cycle"))["last"]
        now = timezone.now()
        try:
            with transaction.atomic():
                escalation = Escalation.objects.create(
                    ticket=locked,
                    target=EscalationTarget.REQUESTED,
                    level=1,
                    cycle=0 if previous is None else previous + 1,
                    team=locked.team,
                    due_at=now,
                    escalated_at=now,
                    requested_by=user,
                    reason=reason,
                )
        except IntegrityError as exc:  # cannot happen under the row lock; a clear answer if it ever does
            raise Conflict(_("Help was already requested on %(ref)s.") % {"ref": locked.reference}) from exc
        recipients = help_request_recipients(locked, user)
        record_event(
            locked,
            EventType.ESCALATED,
            user,
            target=EscalationTarget.REQUESTED.value,
            level=1,
            reason=reason,
            escalation_id=escalation.pk,
            recipients=sorted(str(person) for person in recipients),
        )
        notifications_create(
            recipients=recipients,
            verb="help_requested",
            message=gettext_noop("%(requester)s asks for help on ticket %(reference)s: %(subject)s"),
            params={"reference": locked.reference, "subject": locked.subject, "requester": str(user)},
            url=f"/tickets/{locked.pk}/",
            dedupe_key=f"escalation:{escalation.pk}",
            email=False,  # the escalation e-mail goes to the same people
        )
        enqueue_on_commit(
            "tickets.tasks.escalation_email_task",
            escalation.pk,
            if_lost="the help request stands; escalation_email_recovery_task sends its e-mail a minute later",
        )
    logger.info("help requested on %s by %s", locked.reference, user.pk)
    return escalation
