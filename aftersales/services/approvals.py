"""Approvals: beyond an agent's authority (or outside policy) a manager approves or rejects first."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts import roles
from core.actors import Actor, actor_or_none
from core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from core.limits import SHORT_NOTE_MAX, refuse_long_text
from notifications.services import notifications_create
from tickets.access import ticket_readers
from tickets.services.assignment import ticket_claim_if_unassigned

from .. import policy
from ..enums import (
    NEGOTIABLE_STATUSES,
    ApprovalStatus,
    RequestStatus,
)
from ..models import AfterSalesRequest, Approval
from ..selectors import approval_needed
from .common import approvals_set_status, lock_request, managers_for, status_label, timeline_add
from .transitions import check_allowed, set_status


def aftersales_approval_request(*, request: AfterSalesRequest | int, actor: Actor, note: str = "") -> Approval:
    """Ask the team's managers to approve what is beyond the actor's authority (they are notified).

    Nothing is granted meanwhile: the request stays under review until a manager decides. Asking twice
    returns the pending approval. Refused when the actor may approve it alone.
    """
    if not roles.is_agent(actor):
        raise Forbidden(_("Only agents and managers ask for approvals."))
    refuse_long_text(note=(note, SHORT_NOTE_MAX))
    with transaction.atomic():
        locked = lock_request(request)
        ticket_claim_if_unassigned(ticket=locked.ticket_id, actor=actor)
        pending = Approval.objects.filter(request=locked, status=ApprovalStatus.PENDING).first()
        if pending is not None:
            return pending
        if locked.status not in NEGOTIABLE_STATUSES:
            raise Conflict(
                _("Approval can only be asked before the request is decided; it is “%(status)s”.")
                % {"status": status_label(locked.status)}
            )
        why = approval_needed(request=locked, actor=actor)
        if not why:
            raise Conflict(_("This is within your authority: approve it yourself."), code="within_authority")
        if locked.status == RequestStatus.SUBMITTED:
            set_status(locked, RequestStatus.UNDER_REVIEW, actor)
        approval = Approval.objects.create(
            request=locked,
            refund_amount=locked.refund_amount,
            compensation_amount=locked.compensation_amount,
            why_needed=why,
            request_note=note.strip(),
            requested_by=actor_or_none(actor),
        )
        ticket = locked.ticket
        timeline_add(
            locked,
            actor,
            [gettext_noop("Manager approval requested: %(why)s"), "%(note)s"],
            why=" ".join(why),
            note=note.strip(),
        )
        notifications_create(
            recipients=managers_for(ticket),
            verb="aftersales_approval",
            message=gettext_noop("After-sales request %(reference)s needs your approval"),
            params={"reference": ticket.reference, "subject": ticket.subject},
            url="/aftersales/approvals/",
            dedupe_key=f"aftersales-approval:{approval.pk}",
        )
    return approval


def aftersales_approval_decide(*, approval: Approval | int, actor: Actor, approve: bool, note: str = "") -> Approval:
    """A manager approves (the request becomes approved) or rejects (it stays under review, the agent is
    told why and may offer less or reject the request). A rejection needs a note. Decided once: a second
    decision, by the same or another manager, is refused."""
    if not roles.is_manager(actor):
        raise Forbidden(_("Only managers decide approvals."))
    note = note.strip()
    refuse_long_text(note=(note, SHORT_NOTE_MAX))
    if not approve and not note:
        raise ValidationFailed(_("Say why you reject it."), fields={"note": [_("A note is required to reject.")]})
    approval_pk = approval.pk if isinstance(approval, Approval) else approval
    request_pk = Approval.objects.filter(pk=approval_pk).values_list("request_id", flat=True).first()
    if request_pk is None:
        raise NotFound(_("No such approval."))
    with transaction.atomic():
        # Lock order everywhere: the request, then its approvals.
        locked = lock_request(request_pk)
        current = Approval.objects.select_for_update().get(pk=approval_pk)
        if current.status != ApprovalStatus.PENDING:
            raise Conflict(
                _("This approval was already decided (%(status)s).") % {"status": current.get_status_display()},
                code="already_decided",
            )
        if approve and current.requested_by_id == getattr(actor, "pk", None):
            raise Forbidden(_("You asked for this approval; another manager has to decide it."))
        if approve and not policy.limits_for(actor).covers(
            compensation=current.compensation_amount, refund=current.refund_amount
        ):
            raise Forbidden(_("These amounts are above your own authority limit."))
        now = timezone.now()
        approvals_set_status(
            Approval.objects.filter(pk=current.pk),
            to_status=ApprovalStatus.APPROVED if approve else ApprovalStatus.REJECTED,
            decided_at=now,
            decided_by=actor,
            decision_note=note,
        )
        current.refresh_from_db(fields=["status", "decided_by", "decided_at", "decision_note"])
        if approve:
            check_allowed(locked, RequestStatus.APPROVED)
            set_status(
                locked,
                RequestStatus.APPROVED,
                actor,
                note=_("Approved by a manager.") + (f" {note}" if note else ""),
            )
        else:
            timeline_add(locked, actor, gettext_noop("Manager rejected the approval request: %(note)s"), note=note)
        if current.requested_by_id is not None:
            notifications_create(
                recipients=ticket_readers(locked.ticket, [current.requested_by]),
                verb="aftersales_approval_decided",
                message=(
                    gettext_noop("After-sales request %(reference)s was approved")
                    if approve
                    else gettext_noop("After-sales request %(reference)s: approval rejected")
                ),
                params={"reference": locked.ticket.reference, "subject": locked.ticket.subject},
                url=f"/tickets/{locked.ticket_id}/",
                dedupe_key=f"aftersales-approval-decided:{current.pk}",
            )
    return current
