"""The compensation ladder: a small compensation before an exchange, an exchange before a return; offers
and the buyer's answer."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts import roles
from core.actors import Actor, actor_or_none
from core.errors import Conflict, Forbidden, NotFound, ValidationFailed, validate_choice
from tickets.services.assignment import ticket_claim_if_unassigned
from tickets.services.common import label_id

from .. import policy
from ..enums import (
    NEGOTIABLE_STATUSES,
    ApprovalStatus,
    OfferStatus,
    RequestType,
    Resolution,
)
from ..models import AfterSalesRequest, Approval, Offer
from ..selectors import request_lines
from .common import REFUND_TYPES, ZERO, approvals_set_status, lock_request, status_label, timeline_add


def aftersales_offer_make(
    *, request: AfterSalesRequest | int, resolution: str, actor: Actor, amount: Decimal | None = None
) -> Offer:
    """Record that ``resolution`` (a rung of the ladder) was offered to the buyer, with its amount (default:
    the ladder's suggestion). An earlier unanswered offer counts as declined."""
    validate_choice(resolution, Resolution, "resolution")
    if not roles.is_agent(actor):
        raise Forbidden(_("Only agents and managers make offers."))
    with transaction.atomic():
        locked = lock_request(request)
        ticket_claim_if_unassigned(ticket=locked.ticket_id, actor=actor)
        refuse_unless_negotiable(locked)
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
        # A new offer replaces one the buyer has not answered.
        offers_set_status(locked.offers.filter(status=OfferStatus.PENDING), to_status=OfferStatus.DECLINED, now=now)
        offer = Offer.objects.create(
            request=locked, resolution=resolution, amount=amount, offered_by=actor_or_none(actor)
        )
        timeline_add(
            locked,
            actor,
            gettext_noop("Offered to the customer: %(resolution_label)s (¥%(amount)s)."),
            resolution_label=label_id(Resolution(offer.resolution).label),
            amount=str(amount),
        )
    return offer


def offers_set_status(offers: QuerySet[Offer], *, to_status: str, now: datetime) -> int:
    """The one function that writes ``Offer.status``: the buyer's answer, or an unanswered offer replaced."""
    return offers.update(status=to_status, answered_at=now)


def aftersales_offer_answer(*, offer: Offer | int, accepted: bool, actor: Actor) -> Offer:
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
        locked = lock_request(request_pk)
        current = Offer.objects.select_for_update().get(pk=offer_pk)
        if current.status != OfferStatus.PENDING:
            raise Conflict(_("This offer was already answered."))
        refuse_unless_negotiable(locked)
        now = timezone.now()
        offers_set_status(
            Offer.objects.filter(pk=current.pk),
            to_status=OfferStatus.ACCEPTED if accepted else OfferStatus.DECLINED,
            now=now,
        )
        current.refresh_from_db(fields=["status", "answered_at"])
        if accepted:
            apply_accepted_offer(locked, current)
            approvals_set_status(
                Approval.objects.filter(request=locked, status=ApprovalStatus.PENDING),
                to_status=ApprovalStatus.SUPERSEDED,
                decided_at=now,
            )
        timeline_add(
            locked,
            actor,
            gettext_noop("The customer accepted: %(resolution_label)s (¥%(amount)s).")
            if accepted
            else gettext_noop("The customer declined: %(resolution_label)s (¥%(amount)s)."),
            resolution_label=label_id(Resolution(current.resolution).label),
            amount=str(current.amount),
        )
    return current


def apply_accepted_offer(request: AfterSalesRequest, offer: Offer) -> None:
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


def refuse_unless_negotiable(request: AfterSalesRequest) -> None:
    if request.status not in NEGOTIABLE_STATUSES:
        raise Conflict(
            _("Offers can only change before the request is decided; it is “%(status)s”.")
            % {"status": status_label(request.status)}
        )
