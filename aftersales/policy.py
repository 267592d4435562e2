"""The after-sales policy: return windows, refundable amounts, quantities, authority limits and the ladder.

Reads only. ``policy_check`` answers "is this request inside policy?" with the human reasons an agent sees;
the services use the same functions to refuse hard violations and to decide when a manager must approve.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from customers.models import Order, OrderLine

from .enums import RELEASED_STATUSES, Resolution
from .models import AuthorityLimit, Reason, RequestLine, UserAuthorityOverride

CENT = Decimal("0.01")
# The first rung of the ladder: a token of goodwill, a share of what was paid, never above this amount.
SMALL_COMPENSATION_SHARE = Decimal("0.10")
SMALL_COMPENSATION_MIN = Decimal("5.00")
SMALL_COMPENSATION_MAX = Decimal("20.00")
# Used when a role has no AuthorityLimit row (the data migration creates them; the admin may delete them).
FALLBACK_AGENT_LIMITS = (Decimal("20.00"), Decimal("100.00"))


@dataclass(frozen=True)
class PolicyResult:
    ok: bool
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Limits:
    """What a user may grant alone; ``None`` is no limit."""

    max_compensation: Decimal | None
    max_refund: Decimal | None

    def covers(self, *, compensation: Decimal, refund: Decimal) -> bool:
        return (self.max_compensation is None or compensation <= self.max_compensation) and (
            self.max_refund is None or refund <= self.max_refund
        )


@dataclass(frozen=True)
class LadderStep:
    resolution: str
    label: str
    amount: Decimal
    within_policy: bool
    note: str


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def paid_for_lines(order: Order, lines: Iterable[tuple[OrderLine, int]]) -> Decimal:
    """What the buyer paid for these quantities: list price × quantity, with the order's discount spread
    over its lines in proportion (a coupon on the order lowers every line's refundable amount)."""
    gross = sum((line.unit_price * quantity for line, quantity in lines), Decimal("0"))
    total = order.total_amount
    if total and total > 0 and order.paid_amount < total:
        return money(gross * order.paid_amount / total)
    return money(gross)


def claimed_quantities(order_line_ids: Sequence[int], *, exclude_request_id: int | None = None) -> dict[int, int]:
    """How much of each order line open or finished requests already claim (rejected and cancelled ones
    give their quantities back)."""
    queryset = RequestLine.objects.filter(order_line_id__in=order_line_ids).exclude(
        request__status__in=RELEASED_STATUSES
    )
    if exclude_request_id is not None:
        queryset = queryset.exclude(request_id=exclude_request_id)
    rows = queryset.values("order_line_id").annotate(claimed=Sum("quantity"))
    return {row["order_line_id"]: row["claimed"] or 0 for row in rows}


def window_reason(*, order: Order, reason: Reason, now: datetime) -> str | None:
    """Why the request is outside the reason's return window, or ``None`` when inside (or no window)."""
    if reason.return_window_days is None:
        return None
    if order.delivered_at is None:
        return None  # not delivered yet: nothing has started the clock
    deadline = order.delivered_at + timedelta(days=reason.return_window_days)
    if now <= deadline:
        return None
    return _("“%(reason)s” is allowed within %(days)s days of delivery; the order was delivered on %(date)s.") % {
        "reason": reason.label,
        "days": reason.return_window_days,
        "date": timezone.localtime(order.delivered_at).strftime("%Y-%m-%d"),
    }


def policy_check(
    *,
    customer_id: int,
    order: Order,
    reason: Reason,
    lines: Sequence[tuple[OrderLine, int]],
    refund_amount: Decimal,
    compensation_amount: Decimal = Decimal("0"),
    evidence_kinds: Iterable[str] = (),
    evidence_tracking_number: str = "",
    exclude_request_id: int | None = None,
    now: datetime | None = None,
) -> PolicyResult:
    """Check a request (existing or proposed) against the policy; every failed rule adds a reason."""
    now = now or timezone.now()
    reasons: list[str] = []
    if order.customer_id != customer_id:
        reasons.append(_("Order %(number)s belongs to another customer.") % {"number": order.order_number})
    if not lines:
        reasons.append(_("Choose at least one order line."))
    claimed = claimed_quantities([line.pk for line, _qty in lines], exclude_request_id=exclude_request_id)
    for line, quantity in lines:
        if line.order_id != order.pk:
            reasons.append(
                _("Line %(sku)s is not part of order %(number)s.") % {"sku": line.sku, "number": order.order_number}
            )
            continue
        available = line.quantity - claimed.get(line.pk, 0)
        if quantity > available:
            reasons.append(
                _("Line %(sku)s: %(asked)s asked, but only %(available)s of %(bought)s are left to return.")
                % {"sku": line.sku, "asked": quantity, "available": max(available, 0), "bought": line.quantity}
            )
    paid = paid_for_lines(order, lines)
    if refund_amount + compensation_amount > paid:
        reasons.append(
            _("¥%(asked)s asked, but only ¥%(paid)s was paid for these lines.")
            % {"asked": money(refund_amount + compensation_amount), "paid": paid}
        )
    late = window_reason(order=order, reason=reason, now=now)
    if late:
        reasons.append(late)
    reasons += missing_evidence(reason=reason, kinds=evidence_kinds, tracking_number=evidence_tracking_number)
    return PolicyResult(ok=not reasons, reasons=reasons)


def missing_evidence(*, reason: Reason, kinds: Iterable[str], tracking_number: str) -> list[str]:
    kinds = set(kinds)
    missing = []
    if reason.requires_product_photo and "product_photo" not in kinds:
        missing.append(_("“%(reason)s” needs a photo of the product.") % {"reason": reason.label})
    if reason.requires_defect_photo and "defect_photo" not in kinds:
        missing.append(_("“%(reason)s” needs a photo of the defect.") % {"reason": reason.label})
    if reason.requires_tracking_number and not tracking_number.strip():
        missing.append(_("“%(reason)s” needs the delivery's tracking number.") % {"reason": reason.label})
    return missing


def limits_for(user: Any) -> Limits:
    """The user's own limits: their personal override where set, else their role's (the highest role's)."""
    if roles.is_admin(user):
        role = roles.Role.ADMIN
    elif roles.is_manager(user):
        role = roles.Role.MANAGER
    elif roles.is_agent(user):
        role = roles.Role.AGENT
    elif roles.can_use_ticket_api(user):
        role = roles.Role.INTEGRATION
    else:
        return Limits(Decimal("0"), Decimal("0"))
    row = AuthorityLimit.objects.filter(role=role).first()
    if row is not None:
        compensation, refund = row.max_compensation, row.max_refund
    elif role == roles.Role.AGENT:
        compensation, refund = FALLBACK_AGENT_LIMITS
    elif role == roles.Role.INTEGRATION:
        compensation, refund = Decimal("0"), Decimal("0")
    else:
        compensation, refund = None, None
    override = UserAuthorityOverride.objects.filter(user_id=user.pk).first() if user.pk else None
    if override is not None:
        if override.max_compensation is not None:
            compensation = override.max_compensation
        if override.max_refund is not None:
            refund = override.max_refund
    return Limits(compensation, refund)


def ladder(*, paid: Decimal, window_ok: bool) -> list[LadderStep]:
    """The compensation ladder for a request whose lines were paid ``paid`` (DESIGN rule 7): a small
    compensation first, then an exchange, then a return — each with its amount."""
    small = min(max(money(paid * SMALL_COMPENSATION_SHARE), SMALL_COMPENSATION_MIN), SMALL_COMPENSATION_MAX, paid)
    return [
        LadderStep(
            Resolution.COMPENSATION,
            str(Resolution.COMPENSATION.label),
            small,
            True,
            _("The buyer keeps the goods and gets ¥%(amount)s.") % {"amount": small},
        ),
        LadderStep(
            Resolution.EXCHANGE,
            str(Resolution.EXCHANGE.label),
            Decimal("0.00"),
            window_ok,
            _("The same goods in another size or a good piece, shipping on us."),
        ),
        LadderStep(
            Resolution.RETURN,
            str(Resolution.RETURN.label),
            paid,
            window_ok,
            _("The buyer sends the goods back and gets ¥%(amount)s.") % {"amount": paid},
        ),
    ]
