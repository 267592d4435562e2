"""The request's state machine: ``set_status`` is the one function that assigns ``AfterSalesRequest.status``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts import roles
from core.actors import Actor, actor_or_none
from core.errors import Conflict, Forbidden, ValidationFailed, validate_choice
from core.limits import SHORT_NOTE_MAX, refuse_long_text
from tickets.enums import UNRESOLVED_STATUSES, TicketStatus
from tickets.models import Ticket
from tickets.services.assignment import ticket_claim_if_unassigned
from tickets.services.common import label_id
from tickets.services.transitions import ticket_transition
from webhooks.enums import WebhookEventType
from webhooks.services.outbox import webhook_emit, webhook_wanted

from ..enums import (
    INTEGRATION_STATUSES,
    JUDGEMENT_STATUSES,
    STATUS_TIMESTAMP,
    TERMINAL_STATUSES,
    ApprovalStatus,
    RequestStatus,
)
from ..models import AfterSalesRequest, Approval, RequestEvent
from ..selectors import approval_needed
from .common import (
    TRACKING_NUMBER_MAX,
    approvals_set_status,
    lock_request,
    status_label,
    tell_the_buyer,
    timeline_add,
)


def aftersales_transition(
    *,
    request: AfterSalesRequest | int,
    to_status: str,
    actor: Actor,
    note: str = "",
    tracking_number: str = "",
    expected_status: str | None = None,
) -> AfterSalesRequest:
    """Move a request to ``to_status`` if the transition table and its type allow it.

    ``expected_status`` is the status the actor saw: if someone else moved the request meanwhile, the
    action is refused instead of applied to a state the actor did not see. Approving needs the actor's
    authority (see ``approval_needed``); above it, ask a manager with ``aftersales_approval_request``.
    ``tracking_number`` is the buyer's return parcel (waiting for return, received) or the replacement's
    outbound parcel (replacement shipped); those steps need one.
    """
    validate_choice(to_status, RequestStatus, "to_status")
    note = note.strip()
    tracking_number = tracking_number.strip()
    refuse_long_text(note=(note, SHORT_NOTE_MAX), tracking_number=(tracking_number, TRACKING_NUMBER_MAX))
    with transaction.atomic():
        locked = lock_request(request)
        ticket_claim_if_unassigned(ticket=locked.ticket_id, actor=actor)
        if expected_status is not None and locked.status != expected_status:
            raise Conflict(
                _("Someone changed this request meanwhile: it is now “%(status)s”. Reload and try again.")
                % {"status": status_label(locked.status)},
                fields={"status": [_("Changed by someone else.")]},
                code="stale",
            )
        if to_status in JUDGEMENT_STATUSES and not roles.is_agent(actor):
            raise Forbidden(_("Only agents and managers review, approve or reject after-sales requests."))
        if not roles.is_agent(actor) and to_status not in INTEGRATION_STATUSES:
            raise Forbidden(_("Shop platforms may report the buyer's parcel and cancellations only."))
        check_allowed(locked, to_status)
        fields: list[str] = []
        if to_status == RequestStatus.APPROVED:
            why = approval_needed(request=locked, actor=actor)
            if why:
                raise Forbidden(
                    _("This needs a manager's approval: %(why)s") % {"why": " ".join(why)},
                    fields={"to_status": why},
                    code="approval_required",
                )
            # Approved within the actor's own authority: a pending request for approval is moot.
            approvals_set_status(
                Approval.objects.filter(request=locked, status=ApprovalStatus.PENDING),
                to_status=ApprovalStatus.SUPERSEDED,
                decided_at=timezone.now(),
            )
        if to_status in (RequestStatus.WAITING_FOR_RETURN, RequestStatus.RECEIVED) and tracking_number:
            locked.return_tracking_number = tracking_number
            fields.append("return_tracking_number")
        if to_status == RequestStatus.RECEIVED and not locked.return_tracking_number:
            raise ValidationFailed(
                _("Enter the tracking number of the buyer's return parcel."),
                fields={"tracking_number": [_("This field is required.")]},
            )
        if to_status == RequestStatus.REPLACEMENT_SHIPPED:
            if not tracking_number:
                raise ValidationFailed(
                    _("Enter the tracking number of the replacement parcel."),
                    fields={"tracking_number": [_("This field is required.")]},
                )
            locked.outbound_tracking_number = tracking_number
            fields.append("outbound_tracking_number")
        if to_status == RequestStatus.REJECTED and not note:
            raise ValidationFailed(
                _("Say why the request is rejected."), fields={"note": [_("A note is required to reject.")]}
            )
        set_status(locked, to_status, actor, note=note, extra_fields=fields)
    return locked


def check_allowed(request: AfterSalesRequest, to_status: str) -> None:
    if request.status == to_status:
        raise Conflict(
            _("The request is already “%(status)s”.") % {"status": status_label(to_status)},
            fields={"to_status": [_("Not allowed from the current status.")]},
        )
    if not request.can_transition_to(to_status):
        raise Conflict(
            _("A “%(type)s” request cannot go from “%(old)s” to “%(new)s”. Next steps: %(next)s.")
            % {
                "type": request.get_type_display(),
                "old": status_label(request.status),
                "new": status_label(to_status),
                "next": ", ".join(status_label(s) for s in request.next_statuses) or _("none (it has ended)"),
            },
            fields={"to_status": [_("Not allowed from the current status.")]},
        )


def _emit_status_changed(request: AfterSalesRequest, old_status: str, new_status: str) -> None:
    """aftersales.status_changed to the buyer's platform's subscribers, in the outbox of this transaction."""
    webhook_type = WebhookEventType.AFTERSALES_STATUS_CHANGED
    if not webhook_wanted(type=webhook_type):
        return  # nobody subscribes: build nothing
    ticket = request.ticket
    platform = ticket.customer.platform
    if not webhook_wanted(type=webhook_type, platform=platform):
        return
    order = request.order if request.order_id else None
    payload = {
        "request_id": request.pk,
        "ticket_id": ticket.pk,
        "ticket_reference": ticket.reference,
        "type": request.type,
        "old_status": old_status,
        "new_status": new_status,
        "order_number": order.order_number if order else None,
        "refund_amount": str(request.refund_amount),
        "compensation_amount": str(request.compensation_amount),
        "accepted_resolution": request.accepted_resolution or None,
        "return_tracking_number": request.return_tracking_number or None,
        "outbound_tracking_number": request.outbound_tracking_number or None,
        "updated_at": request.updated_at,
    }
    webhook_emit(type=webhook_type, payload=payload, platform=platform)


def set_status(
    request: AfterSalesRequest, to_status: str, actor: Actor, *, note: str = "", extra_fields: Sequence[str] = ()
) -> None:
    """The one place that assigns ``AfterSalesRequest.status``. Call while holding the row lock, after the
    checks: stamps the time, records who, writes the audit row and the timeline note; an ended request
    resolves its ticket."""
    now = timezone.now()
    old_status = request.status
    request.status = to_status
    fields = ["status", *extra_fields]
    stamp = STATUS_TIMESTAMP.get(to_status)
    if stamp:
        setattr(request, stamp, now)
        fields.append(stamp)
    if to_status == RequestStatus.APPROVED:
        request.approved_by = actor_or_none(actor)
        fields.append("approved_by")
    request.save(update_fields=[*dict.fromkeys(fields), "updated_at"])
    RequestEvent.objects.create(
        request=request,
        from_status=old_status,
        to_status=to_status,
        actor=actor_or_none(actor),
        note=note,
        created_at=now,
    )
    summary = [gettext_noop("After-sales: %(old_label)s → %(new_label)s.")]
    params: dict[str, Any] = {
        "old_label": label_id(RequestStatus(old_status).label),
        "new_label": label_id(RequestStatus(to_status).label),
    }
    if to_status == RequestStatus.WAITING_FOR_RETURN and request.return_tracking_number:
        summary.append(gettext_noop("Return parcel %(return_number)s."))
        params["return_number"] = request.return_tracking_number
    if to_status == RequestStatus.REPLACEMENT_SHIPPED:
        summary.append(gettext_noop("Replacement parcel %(outbound_number)s."))
        params["outbound_number"] = request.outbound_tracking_number
    if to_status == RequestStatus.REFUNDED:
        summary.append(gettext_noop("¥%(refund)s refunded."))
        params["refund"] = str(request.refund_amount)
    if to_status == RequestStatus.COMPENSATED:
        summary.append(gettext_noop("¥%(compensation)s paid."))
        params["compensation"] = str(request.compensation_amount)
    if to_status == RequestStatus.COMPLETED and request.approved_at:
        seconds = request.processing_seconds(now) or 0
        summary.append(gettext_noop("Processed in %(hours)s h (target 72 h)."))
        params["hours"] = round(seconds / 3600, 1)
    if note:
        summary.append("%(note)s")
        params["note"] = note
    timeline_add(request, actor, summary, **params)
    tell_the_buyer(request, to_status, note)
    _emit_status_changed(request, old_status, to_status)
    if to_status in TERMINAL_STATUSES:
        # A pending approval of a request that has ended can never be decided: withdraw it.
        approvals_set_status(
            request.approvals.filter(status=ApprovalStatus.PENDING), to_status=ApprovalStatus.SUPERSEDED, decided_at=now
        )
    if to_status == RequestStatus.COMPLETED:
        # A finished request resolves its ticket. A refused or withdrawn one does not: a person still answers
        # the buyer (and resolving would send them a satisfaction survey about a refusal nobody explained).
        ticket_status = Ticket.objects.filter(pk=request.ticket_id).values_list("status", flat=True).first()
        if ticket_status in UNRESOLVED_STATUSES:
            ticket_transition(ticket=request.ticket, to_status=TicketStatus.RESOLVED, actor=actor)
