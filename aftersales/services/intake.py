"""New after-sales requests: lines of one of the buyer's orders, a reason, evidence, the amounts and the policy
check. Nothing the buyer sent is lost: a request outside policy is still recorded."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core import files
from core.actors import actor_or_none
from core.errors import Conflict, ValidationFailed, validate_choice
from core.limits import NOTE_MAX, refuse_long_text
from customers.models import Customer, Order, OrderLine
from tickets.enums import Channel, TicketKind
from tickets.models import Ticket
from tickets.services.common import label_id
from tickets.services.intake import ticket_create

from .. import policy
from ..enums import (
    EvidenceKind,
    RequestStatus,
    RequestType,
)
from ..models import AfterSalesRequest, Reason, RequestEvent, RequestLine
from .common import REFUND_TYPES, TRACKING_NUMBER_MAX, ZERO, timeline_add
from .evidence import delete_files, store_evidence


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
    photos_to_follow: bool = False,
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

    ``photos_to_follow``: the caller uploads the photos afterwards (``aftersales_evidence_add``), as the API
    does, whose create is JSON. A photo the reason requires is then not refused here: the request is recorded,
    and its policy check names the photo until it arrives (only a manager approves without it). A required
    tracking number is still refused when missing: it is text, and comes with the request.

    A repeated ``idempotency_key`` returns the request created the first time.
    """
    if idempotency_key:
        existing = AfterSalesRequest.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    validate_choice(type, RequestType, "type")
    refuse_long_text(
        description=(description, NOTE_MAX), evidence_tracking_number=(evidence_tracking_number, TRACKING_NUMBER_MAX)
    )
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
    line_inputs = clean_lines(order, lines)
    evidence_tracking_number = evidence_tracking_number.strip()
    checked = []
    for item in evidence:
        validate_choice(item.kind, EvidenceKind, "kind")
        checked.append((item.kind, files.check_upload(item.file, field=item.kind)))
    kinds = [kind for kind, _f in checked] + (list(EvidenceKind.values) if photos_to_follow else [])
    missing = policy.missing_evidence(reason=reason, kinds=kinds, tracking_number=evidence_tracking_number)
    if missing:
        raise ValidationFailed(
            " ".join(missing), fields=_missing_evidence_fields(reason, kinds, evidence_tracking_number)
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
            pairs = resolve_lines(order, line_inputs, order_lines)
            refund, compensation = amounts_for(type, order, pairs, refund_amount, compensation_amount)
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
                evidence_row = store_evidence(request, kind, checked_file, created_by)
                saved_names += [evidence_row.file.name, evidence_row.thumbnail.name or ""]
            RequestEvent.objects.create(
                request=request,
                from_status="",
                to_status=RequestStatus.SUBMITTED,
                actor=actor_or_none(created_by),
                created_at=request.created_at,
            )
            timeline_add(
                request,
                created_by,
                gettext_noop("After-sales request submitted: %(type_label)s, %(reason)s, %(lines)s."),
                type_label=label_id(RequestType(request.type).label),
                reason=reason.label,
                lines=", ".join(f"{line.sku} × {quantity}" for line, quantity in pairs),
            )
    except IntegrityError:
        delete_files(saved_names)
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
        delete_files(saved_names)
        raise
    return request


def _active_reason_codes() -> list[str]:
    return list(Reason.objects.filter(is_active=True).values_list("code", flat=True))


def _missing_evidence_fields(reason: Reason, kinds: Sequence[str], tracking: str) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    if reason.requires_product_photo and EvidenceKind.PRODUCT_PHOTO not in kinds:
        fields["product_photo"] = [_("This reason needs a photo of the product.")]
    if reason.requires_defect_photo and EvidenceKind.DEFECT_PHOTO not in kinds:
        fields["defect_photo"] = [_("This reason needs a photo of the defect.")]
    if reason.requires_tracking_number and not tracking:
        fields["evidence_tracking_number"] = [_("This reason needs the delivery's tracking number.")]
    return fields


def clean_lines(order: Order, lines: Sequence[LineInput]) -> list[tuple[int, int]]:
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


def resolve_lines(
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


def amounts_for(
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
