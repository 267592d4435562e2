"""Every write to after-sales requests.

Each service that changes a request locks its row first (``select_for_update``), re-checks the state under
the lock, writes, records an audit row and a note on the ticket's timeline. The request's status is assigned
in ``_set_status`` only, called from ``aftersales_transition`` and ``aftersales_approval_decide``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts import roles
from core.actors import actor_or_none
from core.errors import Conflict, Forbidden, NotFound, ValidationFailed, validate_choice
from customers.models import Customer, Order, OrderLine
from notifications.services import notifications_create
from tickets.enums import UNRESOLVED_STATUSES, Channel, TicketKind, TicketStatus
from tickets.models import Ticket
from tickets.selectors import ticket_managers
from tickets.services.common import label_id, ticket_record_event
from tickets.services.intake import ticket_create
from tickets.services.messages import ticket_add_system_message
from tickets.services.transitions import ticket_transition
from webhooks import services as webhook_services
from webhooks.enums import WebhookEventType

from . import files, policy
from .enums import (
    INTEGRATION_STATUSES,
    JUDGEMENT_STATUSES,
    NEGOTIABLE_STATUSES,
    STATUS_TIMESTAMP,
    TERMINAL_STATUSES,
    ApprovalStatus,
    EvidenceKind,
    OfferStatus,
    RequestStatus,
    RequestType,
    Resolution,
)
from .models import AfterSalesRequest, Approval, Evidence, Offer, Reason, RequestEvent, RequestLine

logger = logging.getLogger(__name__)

REFUND_TYPES = (RequestType.REFUND_ONLY, RequestType.RETURN_REFUND)
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class LineInput:
    """An order line (by id, or by SKU within the order, as shop platforms know it) and a quantity."""

    order_line_id: int | None = None
    quantity: int = 1
    sku: str = ""


@dataclass(frozen=True)
class EvidenceInput:
    kind: str
    file: Any


# --- helpers (call while holding the request's row lock) -------------------------------------------------


def _lock(request: AfterSalesRequest | int) -> AfterSalesRequest:
    pk = request.pk if isinstance(request, AfterSalesRequest) else request
    try:
        return (
            AfterSalesRequest.objects.select_for_update(of=("self",))
            .select_related("ticket", "reason", "order")
            .get(pk=pk)
        )
    except AfterSalesRequest.DoesNotExist:
        raise NotFound(_("No such after-sales request.")) from None


def _status_label(status: str) -> str:
    return str(RequestStatus(status).label) if status in RequestStatus.values else status


def _timeline(request: AfterSalesRequest, actor: Any, summary: str | list[str], **params: Any) -> None:
    """Put a step on the ticket's timeline (a workflow event: staff see it, the buyer does not), stored as
    message ids and translated for each reader; see ``tickets.services.ticket_record_event``."""
    ticket_record_event(ticket=request.ticket, actor=actor, summary=summary, **params)


BUYER_MESSAGES: dict[str, str] = {
    RequestStatus.REJECTED: gettext_noop("Sorry, your %(type)s request could not be accepted. %(note)s"),
    RequestStatus.WAITING_FOR_RETURN: gettext_noop(
        "Your %(type)s request was approved. Please send the item back and tell us the tracking number."
    ),
    RequestStatus.REFUNDED: gettext_noop("¥%(refund)s has been refunded to you."),
    RequestStatus.REPLACEMENT_SHIPPED: gettext_noop("Your replacement is on its way: parcel %(outbound)s."),
    RequestStatus.COMPENSATED: gettext_noop("¥%(compensation)s compensation has been paid to you."),
}


def _tell_the_buyer(request: AfterSalesRequest, to_status: str, note: str) -> None:
    """The buyer hears of each step that concerns them (a public system message, in the shop's language),
    unless the ticket is already closed. It does not count as an agent's reply."""
    from django.conf import settings
    from django.utils import translation

    message_id = BUYER_MESSAGES.get(to_status)
    if message_id is None or Ticket.objects.filter(pk=request.ticket_id, status=TicketStatus.CLOSED).exists():
        return
    with translation.override(settings.LANGUAGE_CODE):
        body = _(message_id) % {
            "type": RequestType(request.type).label,
            "note": note,
            "refund": request.refund_amount,
            "outbound": request.outbound_tracking_number,
            "compensation": request.compensation_amount,
        }
    ticket_add_system_message(ticket=request.ticket, body=body.strip(), event_data={"aftersales": to_status})


def _managers_for(ticket: Ticket) -> list[Any]:
    return ticket_managers(ticket=ticket)


def request_lines(request: AfterSalesRequest) -> list[tuple[OrderLine, int]]:
    return [(line.order_line, line.quantity) for line in request.lines.select_related("order_line")]


def request_policy_check(*, request: AfterSalesRequest, now: datetime | None = None) -> policy.PolicyResult:
    """The policy check of an existing request (its own lines do not count against themselves). The return
    window is judged when the buyer asked (``created_at``), not when an agent gets to it."""
    now = min(now, request.created_at) if now else request.created_at
    return policy.policy_check(
        customer_id=request.ticket.customer_id,
        order=request.order,
        reason=request.reason,
        lines=request_lines(request),
        refund_amount=request.refund_amount,
        compensation_amount=request.compensation_amount,
        evidence_kinds=[e.kind for e in request.evidence.all()],
        evidence_tracking_number=request.evidence_tracking_number,
        exclude_request_id=request.pk,
        now=now,
    )


def approval_needed(*, request: AfterSalesRequest, actor: Any) -> list[str]:
    """Why ``actor`` may not approve ``request`` alone (empty: they may). Amounts beyond their limit need a
    manager; so does anything outside policy when the actor is not a manager."""
    why: list[str] = []
    limits = policy.limits_for(actor)
    if limits.max_compensation is not None and request.compensation_amount > limits.max_compensation:
        why.append(
            _("Compensation ¥%(amount)s is above the limit of ¥%(limit)s.")
            % {"amount": request.compensation_amount, "limit": limits.max_compensation}
        )
    if limits.max_refund is not None and request.refund_amount > limits.max_refund:
        why.append(
            _("Refund ¥%(amount)s is above the limit of ¥%(limit)s.")
            % {"amount": request.refund_amount, "limit": limits.max_refund}
        )
    if not roles.is_manager(actor):
        check = request_policy_check(request=request)
        why += [_("Outside policy: %(reason)s") % {"reason": reason} for reason in check.reasons]
    return why


# --- create ---------------------------------------------------------------------------------------------


def aftersales_request_create(
    *,
    order: Order,
    type: str,
    reason_code: str,
    lines: Sequence[LineInput],
    ticket: Ticket | None = None,
    customer: Customer | None = None,
    description: str = "",
    refund_amount: Decimal | None = None,
    compensation_amount: Decimal | None = None,
    evidence: Sequence[EvidenceInput] = (),
    evidence_tracking_number: str = "",
    channel: str = Channel.WEB_FORM,
    created_by: Any = None,
    idempotency_key: str | None = None,
) -> AfterSalesRequest:
    """Record a buyer's after-sales request on ``ticket`` (or on a new after-sales ticket for ``customer``).

    Refused with field errors, and nothing written: an order of another customer, a line of another order,
    a quantity beyond what is left of a line (across every request that still claims it), an unknown reason,
    evidence the reason requires but is missing, a file that is not an image or PDF or is too large, amounts
    above what was paid for the lines. A return window already passed is *not* refused: the request is
    recorded and the policy check tells the agent (a manager may still approve it).

    A repeated ``idempotency_key`` returns the request created the first time.
    """
    if idempotency_key:
        existing = AfterSalesRequest.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    validate_choice(type, RequestType, "type")
    reason = Reason.objects.filter(code=reason_code, is_active=True).first()
    if reason is None:
        raise ValidationFailed(
            _("Unknown reason “%(code)s”.") % {"code": reason_code},
            fields={"reason": [_("Choose one of: %(values)s.") % {"values": ", ".join(_active_reason_codes())}]},
        )
    if ticket is not None:
        customer = ticket.customer
        if ticket.kind != TicketKind.AFTERSALES:
            raise ValidationFailed(
                _("Ticket %(ref)s is not an after-sales ticket.") % {"ref": ticket.reference},
                fields={"ticket": [_("Choose an after-sales ticket.")]},
            )
        if AfterSalesRequest.objects.filter(ticket=ticket).exists():
            raise Conflict(_("Ticket %(ref)s already has an after-sales request.") % {"ref": ticket.reference})
    if customer is None:
        raise ValidationFailed(_("Say whose request this is."), fields={"customer": [_("This field is required.")]})
    if order.customer_id != customer.pk:
        raise ValidationFailed(
            _("Order %(number)s belongs to another customer.") % {"number": order.order_number},
            fields={"order": [_("This order belongs to another customer.")]},
        )
    line_inputs = _clean_lines(order, lines)
    evidence_tracking_number = evidence_tracking_number.strip()
    checked = []
    for item in evidence:
        validate_choice(item.kind, EvidenceKind, "kind")
        checked.append((item.kind, files.check_upload(item.file, field=item.kind)))
    missing = policy.missing_evidence(
        reason=reason, kinds=[kind for kind, _f in checked], tracking_number=evidence_tracking_number
    )
    if missing:
        raise ValidationFailed(
            " ".join(missing), fields=_missing_evidence_fields(reason, checked, evidence_tracking_number)
        )

    saved_names: list[str] = []
    try:
        with transaction.atomic():
            # The order's lines are locked so that two requests racing for the last unit cannot both pass.
            order_lines = {
                line.pk: line
                for line in OrderLine.objects.select_for_update().filter(
                    order=order, pk__in=[line_id for line_id, _q in line_inputs]
                )
            }
            pairs = _resolve_lines(order, line_inputs, order_lines)
            refund, compensation = _amounts_for(type, order, pairs, refund_amount, compensation_amount)
            if ticket is None:
                ticket = ticket_create(
                    kind=TicketKind.AFTERSALES,
                    category=type,
                    subject=_("%(type)s · order %(number)s")
                    % {"type": RequestType(type).label, "number": order.order_number},
                    description=description,
                    customer=customer,
                    order=order,
                    channel=channel,
                    created_by=created_by,
                )
            request = AfterSalesRequest.objects.create(
                ticket=ticket,
                type=type,
                order=order,
                reason=reason,
                description=description.strip(),
                refund_amount=refund,
                compensation_amount=compensation,
                evidence_tracking_number=evidence_tracking_number,
                idempotency_key=idempotency_key or None,
                created_by=actor_or_none(created_by),
            )
            RequestLine.objects.bulk_create(
                [RequestLine(request=request, order_line=line, quantity=quantity) for line, quantity in pairs]
            )
            for kind, checked_file in checked:
                evidence_row = _store_evidence(request, kind, checked_file, created_by)
                saved_names += [evidence_row.file.name, evidence_row.thumbnail.name or ""]
            RequestEvent.objects.create(
                request=request,
                from_status="",
                to_status=RequestStatus.SUBMITTED,
                actor=actor_or_none(created_by),
                created_at=request.created_at,
            )
            _timeline(
                request,
                created_by,
                gettext_noop("After-sales request submitted: %(type_label)s, %(reason)s, %(lines)s."),
                type_label=label_id(RequestType(request.type).label),
                reason=reason.label,
                lines=", ".join(f"{line.sku} × {quantity}" for line, quantity in pairs),
            )
    except IntegrityError:
        _delete_files(saved_names)
        if idempotency_key:
            existing = AfterSalesRequest.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                return existing
        if ticket is not None and AfterSalesRequest.objects.filter(ticket=ticket).exists():
            raise Conflict(
                _("Ticket %(ref)s already has an after-sales request.") % {"ref": ticket.reference}
            ) from None
        raise
    except BaseException:
        # The files are outside the transaction: remove what this attempt stored.
        _delete_files(saved_names)
        raise
    return request


def _active_reason_codes() -> list[str]:
    return list(Reason.objects.filter(is_active=True).values_list("code", flat=True))


def _missing_evidence_fields(reason: Reason, checked: list[tuple[str, Any]], tracking: str) -> dict[str, list[str]]:
    kinds = {kind for kind, _f in checked}
    fields: dict[str, list[str]] = {}
    if reason.requires_product_photo and EvidenceKind.PRODUCT_PHOTO not in kinds:
        fields["product_photo"] = [_("This reason needs a photo of the product.")]
    if reason.requires_defect_photo and EvidenceKind.DEFECT_PHOTO not in kinds:
        fields["defect_photo"] = [_("This reason needs a photo of the defect.")]
    if reason.requires_tracking_number and not tracking:
        fields["evidence_tracking_number"] = [_("This reason needs the delivery's tracking number.")]
    return fields


def _clean_lines(order: Order, lines: Sequence[LineInput]) -> list[tuple[int, int]]:
    """The requested (order line id, quantity) pairs; SKUs are looked up within the order."""
    if not lines:
        raise ValidationFailed(
            _("Choose at least one order line."), fields={"lines": [_("Choose at least one order line.")]}
        )
    by_sku = dict(order.lines.values_list("sku", "pk")) if any(item.order_line_id is None for item in lines) else {}
    cleaned: list[tuple[int, int]] = []
    for item in lines:
        line_id = item.order_line_id
        if line_id is None:
            if item.sku not in by_sku:
                raise ValidationFailed(
                    _("Order %(number)s has no line with SKU “%(sku)s”.")
                    % {"number": order.order_number, "sku": item.sku},
                    fields={"lines": [_("Unknown SKU “%(sku)s” for this order.") % {"sku": item.sku}]},
                )
            line_id = by_sku[item.sku]
        if item.quantity < 1:
            raise ValidationFailed(
                _("Quantities must be at least 1."), fields={"lines": [_("Quantities must be at least 1.")]}
            )
        if any(line_id == seen for seen, _q in cleaned):
            raise ValidationFailed(
                _("Each order line may appear once."), fields={"lines": [_("Each order line may appear once.")]}
            )
        cleaned.append((line_id, item.quantity))
    return cleaned


def _resolve_lines(
    order: Order, lines: list[tuple[int, int]], order_lines: dict[int, OrderLine]
) -> list[tuple[OrderLine, int]]:
    """Match the inputs to the order's (locked) lines and refuse any quantity beyond what is left."""
    unknown = [str(line_id) for line_id, _q in lines if line_id not in order_lines]
    if unknown:
        raise ValidationFailed(
            _("Order %(number)s has no line %(ids)s.") % {"number": order.order_number, "ids": ", ".join(unknown)},
            fields={"lines": [_("Choose lines of this order.")]},
        )
    claimed = policy.claimed_quantities(list(order_lines))
    errors = []
    for line_id, quantity in lines:
        line = order_lines[line_id]
        left = line.quantity - claimed.get(line.pk, 0)
        if quantity > left:
            errors.append(
                _("%(sku)s: %(asked)s asked, but only %(left)s of the %(bought)s bought can still be claimed.")
                % {"sku": line.sku, "asked": quantity, "left": max(left, 0), "bought": line.quantity}
            )
    if errors:
        raise ValidationFailed(" ".join(errors), fields={"lines": errors})
    return [(order_lines[line_id], quantity) for line_id, quantity in lines]


def _amounts_for(
    type: str,
    order: Order,
    pairs: list[tuple[OrderLine, int]],
    refund_amount: Decimal | None,
    compensation_amount: Decimal | None,
) -> tuple[Decimal, Decimal]:
    """The money a request of ``type`` asks for: refunds default to what was paid for the lines; a
    compensation needs an amount; exchanges and reships carry none. Never more than was paid."""
    paid = policy.paid_for_lines(order, pairs)
    refund = ZERO
    compensation = ZERO
    if type in REFUND_TYPES:
        refund = policy.money(refund_amount) if refund_amount is not None else paid
    if type == RequestType.COMPENSATION:
        if compensation_amount is None or compensation_amount <= 0:
            raise ValidationFailed(
                _("A compensation needs an amount."),
                fields={"compensation_amount": [_("Enter an amount above zero.")]},
            )
        compensation = policy.money(compensation_amount)
    if refund < 0 or compensation < 0:
        raise ValidationFailed(_("Amounts cannot be negative."), fields={"refund_amount": [_("Enter zero or more.")]})
    if refund + compensation > paid:
        field = "refund_amount" if refund else "compensation_amount"
        raise ValidationFailed(
            _("¥%(asked)s asked, but only ¥%(paid)s was paid for these lines.")
            % {"asked": refund + compensation, "paid": paid},
            fields={field: [_("At most ¥%(paid)s (what was paid for these lines).") % {"paid": paid}]},
        )
    return refund, compensation


def _store_evidence(request: AfterSalesRequest, kind: str, checked: files.CheckedFile, actor: Any) -> Evidence:
    evidence = Evidence(
        request=request,
        kind=kind,
        content_type=checked.content_type,
        size=len(checked.content),
        original_name=checked.original_name,
        uploaded_by=actor_or_none(actor),
    )
    evidence.file.save(files.stored_name(checked), ContentFile(checked.content), save=False)
    thumbnail = files.make_thumbnail(checked)
    if thumbnail is not None:
        evidence.thumbnail.save(thumbnail.name or "thumb.jpg", thumbnail, save=False)
    evidence.save()
    return evidence


def _delete_files(names: list[str]) -> None:
    for name in names:
        if name:
            try:
                default_storage.delete(name)
            except OSError:
                logger.warning("could not delete orphaned evidence file %s", name)


def aftersales_evidence_add(*, request: AfterSalesRequest, kind: str, file: Any, actor: Any) -> Evidence:
    """Attach one more file (checked like at creation). Refused once the request has ended."""
    validate_choice(kind, EvidenceKind, "kind")
    checked = files.check_upload(file, field="file")
    saved: list[str] = []
    try:
        with transaction.atomic():
            request = _lock(request)
            if request.is_terminal:
                raise Conflict(_("The request has ended; no more evidence can be added."))
            evidence = _store_evidence(request, kind, checked, actor)
            saved = [evidence.file.name, evidence.thumbnail.name or ""]
            _timeline(
                request,
                actor,
                gettext_noop("Evidence added: %(kind_label)s."),
                kind_label=label_id(EvidenceKind(evidence.kind).label),
            )
    except BaseException:
        _delete_files(saved)
        raise
    return evidence


# --- the state machine ----------------------------------------------------------------------------------


def aftersales_transition(
    *,
    request: AfterSalesRequest | int,
    to_status: str,
    actor: Any,
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
    with transaction.atomic():
        locked = _lock(request)
        if expected_status is not None and locked.status != expected_status:
            raise Conflict(
                _("Someone changed this request meanwhile: it is now “%(status)s”. Reload and try again.")
                % {"status": _status_label(locked.status)},
                fields={"status": [_("Changed by someone else.")]},
                code="stale",
            )
        if to_status in JUDGEMENT_STATUSES and not roles.is_agent(actor):
            raise Forbidden(_("Only agents and managers review, approve or reject after-sales requests."))
        if not roles.is_agent(actor) and to_status not in INTEGRATION_STATUSES:
            raise Forbidden(_("Shop platforms may report the buyer's parcel and cancellations only."))
        _check_allowed(locked, to_status)
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
            Approval.objects.filter(request=locked, status=ApprovalStatus.PENDING).update(
                status=ApprovalStatus.SUPERSEDED, decided_at=timezone.now()
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
        _set_status(locked, to_status, actor, note=note, extra_fields=fields)
    return locked


def _check_allowed(request: AfterSalesRequest, to_status: str) -> None:
    if request.status == to_status:
        raise Conflict(
            _("The request is already “%(status)s”.") % {"status": _status_label(to_status)},
            fields={"to_status": [_("Not allowed from the current status.")]},
        )
    if not request.can_transition_to(to_status):
        raise Conflict(
            _("A “%(type)s” request cannot go from “%(old)s” to “%(new)s”. Next steps: %(next)s.")
            % {
                "type": request.get_type_display(),
                "old": _status_label(request.status),
                "new": _status_label(to_status),
                "next": ", ".join(_status_label(s) for s in request.next_statuses) or _("none (it has ended)"),
            },
            fields={"to_status": [_("Not allowed from the current status.")]},
        )


def _emit_status_changed(request: AfterSalesRequest, old_status: str, new_status: str) -> None:
    """aftersales.status_changed to the buyer's platform's subscribers, in the outbox of this transaction."""
    webhook_type = WebhookEventType.AFTERSALES_STATUS_CHANGED
    if not webhook_services.webhook_wanted(type=webhook_type):
        return  # nobody subscribes: build nothing
    ticket = request.ticket
    platform = ticket.customer.platform
    if not webhook_services.webhook_wanted(type=webhook_type, platform=platform):
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
    webhook_services.webhook_emit(type=webhook_type, payload=payload, platform=platform)


def _set_status(
    request: AfterSalesRequest, to_status: str, actor: Any, *, note: str = "", extra_fields: Sequence[str] = ()
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
    _timeline(request, actor, summary, **params)
    _tell_the_buyer(request, to_status, note)
    _emit_status_changed(request, old_status, to_status)
    if to_status in TERMINAL_STATUSES:
        # A pending approval of a request that has ended can never be decided: withdraw it.
        request.approvals.filter(status=ApprovalStatus.PENDING).update(status=ApprovalStatus.SUPERSEDED, decided_at=now)
        ticket_status = Ticket.objects.filter(pk=request.ticket_id).values_list("status", flat=True).first()
        if ticket_status in UNRESOLVED_STATUSES:
            ticket_transition(ticket=request.ticket, to_status=TicketStatus.RESOLVED, actor=actor)


# --- approvals ------------------------------------------------------------------------------------------


def aftersales_approval_request(*, request: AfterSalesRequest | int, actor: Any, note: str = "") -> Approval:
    """Ask the team's managers to approve what is beyond the actor's authority (they are notified).

    Nothing is granted meanwhile: the request stays under review until a manager decides. Asking twice
    returns the pending approval. Refused when the actor may approve it alone.
    """
    if not roles.is_agent(actor):
        raise Forbidden(_("Only agents and managers ask for approvals."))
    with transaction.atomic():
        locked = _lock(request)
        pending = Approval.objects.filter(request=locked, status=ApprovalStatus.PENDING).first()
        if pending is not None:
            return pending
        if locked.status not in NEGOTIABLE_STATUSES:
            raise Conflict(
                _("Approval can only be asked before the request is decided; it is “%(status)s”.")
                % {"status": _status_label(locked.status)}
            )
        why = approval_needed(request=locked, actor=actor)
        if not why:
            raise Conflict(_("This is within your authority: approve it yourself."), code="within_authority")
        if locked.status == RequestStatus.SUBMITTED:
            _set_status(locked, RequestStatus.UNDER_REVIEW, actor)
        approval = Approval.objects.create(
            request=locked,
            refund_amount=locked.refund_amount,
            compensation_amount=locked.compensation_amount,
            why_needed=why,
            request_note=note.strip(),
            requested_by=actor_or_none(actor),
        )
        ticket = locked.ticket
        _timeline(
            locked,
            actor,
            [gettext_noop("Manager approval requested: %(why)s"), "%(note)s"],
            why=" ".join(why),
            note=note.strip(),
        )
        notifications_create(
            recipients=_managers_for(ticket),
            verb="aftersales_approval",
            message=gettext_noop("After-sales request %(reference)s needs your approval"),
            params={"reference": ticket.reference, "subject": ticket.subject},
            url="/aftersales/approvals/",
            dedupe_key=f"aftersales-approval:{approval.pk}",
        )
    return approval


def aftersales_approval_decide(*, approval: Approval | int, actor: Any, approve: bool, note: str = "") -> Approval:
    """A manager approves (the request becomes approved) or rejects (it stays under review, the agent is
    told why and may offer less or reject the request). A rejection needs a note. Decided once: a second
    decision, by the same or another manager, is refused."""
    if not roles.is_manager(actor):
        raise Forbidden(_("Only managers decide approvals."))
    note = note.strip()
    if not approve and not note:
        raise ValidationFailed(_("Say why you reject it."), fields={"note": [_("A note is required to reject.")]})
    approval_pk = approval.pk if isinstance(approval, Approval) else approval
    request_pk = Approval.objects.filter(pk=approval_pk).values_list("request_id", flat=True).first()
    if request_pk is None:
        raise NotFound(_("No such approval."))
    with transaction.atomic():
        # Lock order everywhere: the request, then its approvals.
        locked = _lock(request_pk)
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
        current.status = ApprovalStatus.APPROVED if approve else ApprovalStatus.REJECTED
        current.decided_by = actor
        current.decided_at = now
        current.decision_note = note
        current.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        if approve:
            _check_allowed(locked, RequestStatus.APPROVED)
            _set_status(
                locked,
                RequestStatus.APPROVED,
                actor,
                note=_("Approved by a manager.") + (f" {note}" if note else ""),
            )
        else:
            _timeline(locked, actor, gettext_noop("Manager rejected the approval request: %(note)s"), note=note)
        if current.requested_by_id is not None:
            notifications_create(
                recipients=[current.requested_by],
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


# --- the compensation ladder ----------------------------------------------------------------------------


def aftersales_offer_make(
    *, request: AfterSalesRequest | int, resolution: str, actor: Any, amount: Decimal | None = None
) -> Offer:
    """Record that ``resolution`` (a rung of the ladder) was offered to the buyer, with its amount (default:
    the ladder's suggestion). An earlier unanswered offer counts as declined."""
    validate_choice(resolution, Resolution, "resolution")
    if not roles.is_agent(actor):
        raise Forbidden(_("Only agents and managers make offers."))
    with transaction.atomic():
        locked = _lock(request)
        _refuse_unless_negotiable(locked)
        pairs = request_lines(locked)
        paid = policy.paid_for_lines(locked.order, pairs)
        suggested = {step.resolution: step.amount for step in policy.ladder(paid=paid, window_ok=True)}
        amount = policy.money(amount) if amount is not None else suggested[resolution]
        if amount < 0 or amount > paid:
            raise ValidationFailed(
                _("The amount must be between ¥0 and ¥%(paid)s (what was paid for these lines).") % {"paid": paid},
                fields={"amount": [_("At most ¥%(paid)s.") % {"paid": paid}]},
            )
        now = timezone.now()
        locked.offers.filter(status=OfferStatus.PENDING).update(status=OfferStatus.DECLINED, answered_at=now)
        offer = Offer.objects.create(
            request=locked, resolution=resolution, amount=amount, offered_by=actor_or_none(actor)
        )
        _timeline(
            locked,
            actor,
            gettext_noop("Offered to the customer: %(resolution_label)s (¥%(amount)s)."),
            resolution_label=label_id(Resolution(offer.resolution).label),
            amount=str(amount),
        )
    return offer


def aftersales_offer_answer(*, offer: Offer | int, accepted: bool, actor: Any) -> Offer:
    """Record the buyer's answer. Accepting turns the request into what was accepted (a compensation of the
    offered amount, an exchange, or a return and refund) and withdraws any pending approval of the old
    amounts; the request still needs approving within someone's authority."""
    if not roles.can_use_ticket_api(actor):
        raise Forbidden(_("Your account may not record the buyer's answer."))
    offer_pk = offer.pk if isinstance(offer, Offer) else offer
    request_pk = Offer.objects.filter(pk=offer_pk).values_list("request_id", flat=True).first()
    if request_pk is None:
        raise NotFound(_("No such offer."))
    with transaction.atomic():
        locked = _lock(request_pk)
        current = Offer.objects.select_for_update().get(pk=offer_pk)
        if current.status != OfferStatus.PENDING:
            raise Conflict(_("This offer was already answered."))
        _refuse_unless_negotiable(locked)
        current.status = OfferStatus.ACCEPTED if accepted else OfferStatus.DECLINED
        current.answered_at = timezone.now()
        current.save(update_fields=["status", "answered_at"])
        if accepted:
            _apply_accepted_offer(locked, current)
            Approval.objects.filter(request=locked, status=ApprovalStatus.PENDING).update(
                status=ApprovalStatus.SUPERSEDED, decided_at=current.answered_at
            )
        _timeline(
            locked,
            actor,
            gettext_noop("The customer accepted: %(resolution_label)s (¥%(amount)s).")
            if accepted
            else gettext_noop("The customer declined: %(resolution_label)s (¥%(amount)s)."),
            resolution_label=label_id(Resolution(current.resolution).label),
            amount=str(current.amount),
        )
    return current


def _apply_accepted_offer(request: AfterSalesRequest, offer: Offer) -> None:
    request.accepted_resolution = offer.resolution
    if offer.resolution == Resolution.COMPENSATION:
        request.type, request.compensation_amount, request.refund_amount = RequestType.COMPENSATION, offer.amount, ZERO
    elif offer.resolution == Resolution.EXCHANGE:
        request.type, request.compensation_amount, request.refund_amount = RequestType.EXCHANGE, ZERO, ZERO
    else:
        if request.type not in REFUND_TYPES:
            request.type = RequestType.RETURN_REFUND
        request.compensation_amount, request.refund_amount = ZERO, offer.amount
    request.save(update_fields=["accepted_resolution", "type", "compensation_amount", "refund_amount", "updated_at"])


def _refuse_unless_negotiable(request: AfterSalesRequest) -> None:
    if request.status not in NEGOTIABLE_STATUSES:
        raise Conflict(
            _("Offers can only change before the request is decided; it is “%(status)s”.")
            % {"status": _status_label(request.status)}
        )
