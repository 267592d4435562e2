"""Orders and their lines, synced from the shop platforms (one at a time or in bulk), the platform being the
source of truth for what was bought."""

from __future__ import annotations

import logging
import operator
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Prefetch, ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from core.errors import ApplicationError, Conflict, ValidationFailed
from integrations.access import refuse_other_platform

from ..enums import OrderStatus
from ..models import Customer, Order, OrderLine
from .buyers import customer_is_as_given, customer_upsert

logger = logging.getLogger(__name__)


# Amounts are stored as DECIMAL(12, 2): anything from 10^10 up does not fit.
MAX_AMOUNT = Decimal("9999999999.99")


MAX_LINE_QUANTITY = 100_000


# The statuses of an order the buyer has paid for. Refunds and compensation are measured against its paid
# amount, so such an order must say what was paid: stored as 0.00, every refund on it is "outside policy".
# (Cancelled and refunded orders, and orders awaiting payment, need none.) A new order synced without a status
# is stored as paid (the model's default), so it needs one too. It is not guessed from the lines: what the buyer
# paid is after discounts, and a guess above it would let a refund or compensation exceed what was paid.
PAID_ORDER_STATUSES = frozenset({OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.COMPLETED})
NEW_ORDER_STATUS = OrderStatus(Order._meta.get_field("status").default)


@dataclass(frozen=True)
class OrderLineData:
    sku: str
    title: str
    quantity: int = 1
    unit_price: Decimal = Decimal("0")


class SyncOutcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class OrderSyncResult:
    order: Order
    outcome: SyncOutcome


def order_sync(
    *,
    customer: Customer,
    platform: str,
    order_number: str,
    status: str | None = None,
    total_amount: Decimal | None = None,
    paid_amount: Decimal | None = None,
    paid_at: datetime | None = None,
    shipped_at: datetime | None = None,
    delivered_at: datetime | None = None,
    lines: list[OrderLineData] | None = None,
) -> OrderSyncResult:
    """Find the order by (platform, order number) or create it, update the details given, and say whether
    it was created, updated or already as given.

    An order belongs to one buyer: an order number already recorded for another customer is refused, so one
    buyer's request can never be attached to someone else's order. The platform is the source of truth for
    what was bought.

    Details given as ``None`` are kept. Lines, when given, are reconciled with the stored ones: the same lines
    in the same order write nothing; otherwise lines are matched by SKU and updated in place (their ids stay,
    so after-sales requests that point at them keep pointing at them), new ones are added and missing ones
    removed. A line that an after-sales request refers to cannot be removed: ``Conflict``, nothing written.
    Raises ``ValidationFailed`` for an order number of another customer, lines that cannot be stored, or a
    paid status (``PAID_ORDER_STATUSES``; a new order without a status is stored as paid) with no
    ``paid_amount`` given or stored.
    """
    if lines is not None:
        _check_lines(lines)
    updates = _order_updates(
        status=status,
        total_amount=total_amount,
        paid_amount=paid_amount,
        paid_at=paid_at,
        shipped_at=shipped_at,
        delivered_at=delivered_at,
        lines=lines,
    )
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(platform=platform, order_number=order_number).first()
        created = False
        if order is None:
            try:
                with transaction.atomic():
                    order = Order.objects.create(
                        customer=customer, platform=platform, order_number=order_number, **updates
                    )
                    created = True
            except IntegrityError:
                order = Order.objects.select_for_update().get(platform=platform, order_number=order_number)
        if order.customer_id != customer.pk:
            raise ValidationFailed(
                _("Order %(number)s belongs to another customer.") % {"number": order_number},
                fields={"order.order_number": [_("This order belongs to another customer.")]},
            )
        _refuse_paid_order_without_amount(
            order_number=order_number,
            status=status,
            paid_amount=paid_amount,
            stored=None if created else order,
            new_without_status=created and status is None,
        )
        changed = [] if created else [field for field, value in updates.items() if getattr(order, field) != value]
        for field in changed:
            setattr(order, field, updates[field])
        lines_changed = lines is not None and _lines_reconcile(order, lines, created=created)
        if not created and (changed or lines_changed):
            order.save(update_fields=[*changed, "updated_at"])
        if created:
            outcome = SyncOutcome.CREATED
        elif changed or lines_changed:
            outcome = SyncOutcome.UPDATED
        else:
            outcome = SyncOutcome.UNCHANGED
        return OrderSyncResult(order=order, outcome=outcome)


MAX_SYNC_BATCH = 500


@dataclass(frozen=True)
class OrderSyncItem:
    """One order of a bulk sync: ``customer`` takes ``customer_upsert``'s keywords, ``order`` ``order_sync``'s
    (without ``customer``), with ``lines`` as ``OrderLineData``."""

    customer: dict[str, Any]
    order: dict[str, Any]


@dataclass(frozen=True)
class OrderSyncItemResult:
    order: Order | None = None
    outcome: SyncOutcome | None = None
    error: ApplicationError | None = None


def order_sync_batch(*, items: Sequence[OrderSyncItem], actor: Any = None) -> list[OrderSyncItemResult]:
    """Upsert each buyer and order on its own, in its own savepoint; return one result per item, in order.

    An item that is refused (``ApplicationError``) or fails in the database is rolled back alone and reported
    as an error; the other items are kept. Outside a transaction each item commits at once, so whatever was
    accepted stays accepted even if the request dies half-way. Items are written in (platform, order number)
    order so that two batches touching the same orders take their locks in the same order.
    """
    if len(items) > MAX_SYNC_BATCH:
        raise ValidationFailed(
            _("At most %(max)s orders per request.") % {"max": MAX_SYNC_BATCH},
            fields={"orders": [_("Send at most %(max)s orders per request.") % {"max": MAX_SYNC_BATCH}]},
            code="batch_too_large",
        )
    results: list[OrderSyncItemResult] = [OrderSyncItemResult()] * len(items)
    # Platforms resend whole order lists, most of it unchanged. Two queries read what is stored; an item that
    # would change nothing is answered from them without a lock or a write. (A concurrent sync of the same
    # order may land just after this read; its write then stands, as if it had come after ours.)
    stored_orders = {
        (order.platform, order.order_number): order
        for order in Order.objects.filter(
            order_number__in={item.order["order_number"] for item in items}
        ).prefetch_related(Prefetch("lines", queryset=OrderLine.objects.order_by("id")))
    }
    stored_customers = {
        (customer.platform, customer.platform_account_id): customer
        for customer in Customer.objects.filter(
            platform_account_id__in={item.customer["platform_account_id"] for item in items}
        )
    }
    # A buyer sent again with the same details in the same batch needs no second upsert. Only buyers whose
    # item committed are remembered: a rolled-back item may have created a buyer that no longer exists.
    known_customers: dict[tuple[tuple[str, Any], ...], Customer] = {}
    order_key = operator.itemgetter("platform", "order_number")
    for index in sorted(range(len(items)), key=lambda i: order_key(items[i].order)):
        item = items[index]
        try:  # a platform-bound integration syncs only its own platform's buyers and orders
            refuse_other_platform(actor, item.customer["platform"])
            refuse_other_platform(actor, item.order["platform"], field="platform")
        except ApplicationError as exc:
            results[index] = OrderSyncItemResult(error=exc)
            continue
        customer_key = tuple(sorted(item.customer.items()))
        customer = known_customers.get(customer_key)
        if customer is None:
            stored = stored_customers.get((item.customer["platform"], item.customer["platform_account_id"]))
            if stored is not None and customer_is_as_given(stored, item.customer):
                customer = stored
        stored_order = stored_orders.get(order_key(item.order))
        if (
            customer is not None
            and stored_order is not None
            and stored_order.customer_id == customer.pk
            and _order_is_as_given(stored_order, item.order)
            and not _lacks_paid_amount(item.order.get("status"), item.order.get("paid_amount"), stored_order)
        ):
            known_customers[customer_key] = customer
            results[index] = OrderSyncItemResult(order=stored_order, outcome=SyncOutcome.UNCHANGED)
            continue
        try:
            with transaction.atomic():
                customer = customer or customer_upsert(**item.customer)
                synced = order_sync(customer=customer, **item.order)
        except ApplicationError as exc:
            results[index] = OrderSyncItemResult(error=exc)
            continue
        except DatabaseError as exc:
            logger.warning(
                "order sync: item %s (%s) failed in the database: %s", index, item.order["order_number"], exc
            )
            results[index] = OrderSyncItemResult(
                error=Conflict(_("The order could not be saved; retry it."), code="database_error")
            )
            continue
        # What this batch wrote is newer than what it read.
        stored_orders.pop(order_key(item.order), None)
        stored_customers.pop((customer.platform, customer.platform_account_id), None)
        known_customers[customer_key] = customer
        results[index] = OrderSyncItemResult(order=synced.order, outcome=synced.outcome)
    return results


def _lacks_paid_amount(status: str | None, paid_amount: Decimal | None, stored: Order | None) -> bool:
    """Whether a write would leave a paid order with no paid amount: it states a paid status, gives no amount,
    and none is stored (a new order, or one stored with 0.00). An explicit 0.00 is an amount (a free order)."""
    if status not in PAID_ORDER_STATUSES or paid_amount is not None:
        return False
    return stored is None or not stored.paid_amount


def _refuse_paid_order_without_amount(
    *,
    order_number: str,
    status: str | None,
    paid_amount: Decimal | None,
    stored: Order | None,
    new_without_status: bool = False,
) -> None:
    if new_without_status and _lacks_paid_amount(NEW_ORDER_STATUS, paid_amount, None):
        raise ValidationFailed(
            _(
                "Order %(number)s is new and has no status, so it would be stored as “%(status)s” with no paid "
                "amount: send paid_amount, what the buyer paid (refunds are checked against it), or the order's "
                "status if it is not paid yet."
            )
            % {"number": order_number, "status": NEW_ORDER_STATUS.label},
            fields={
                "order.paid_amount": [
                    _("Required for a new order sent without a status: it is stored as paid (0.00 for a free order).")
                ]
            },
        )
    if status is not None and _lacks_paid_amount(status, paid_amount, stored):
        raise ValidationFailed(
            _(
                "Order %(number)s is “%(status)s” but has no paid amount: send paid_amount, what the buyer paid "
                "(refunds are checked against it)."
            )
            % {"number": order_number, "status": OrderStatus(status).label},
            fields={
                "order.paid_amount": [
                    _("Required when the status is paid, shipped, delivered or completed (0.00 for a free order).")
                ]
            },
        )


def _order_updates(*, lines: list[OrderLineData] | None = None, **fields: Any) -> dict[str, Any]:
    """The order fields to set: those given, and the lines' sum as the total when no total is given."""
    updates = {field: value for field, value in fields.items() if value is not None}
    if lines and fields.get("total_amount") is None:
        updates["total_amount"] = _lines_total(lines)
    return updates


def _order_is_as_given(order: Order, fields: dict[str, Any]) -> bool:
    """Whether ``order_sync(**fields)`` would write nothing to ``order`` (its lines prefetched in id order)."""
    lines = fields.get("lines")
    updates = _order_updates(**{k: v for k, v in fields.items() if k not in ("platform", "order_number")})
    if any(getattr(order, field) != value for field, value in updates.items()):
        return False
    if lines is None:
        return True
    stored = [_line_key(line.sku, line.title, line.quantity, line.unit_price) for line in order.lines.all()]
    return stored == [_line_key(line.sku, line.title, line.quantity, line.unit_price) for line in lines]


def _line_key(sku: str, title: str, quantity: int, unit_price: Decimal) -> tuple[str, str, int, Decimal]:
    return (sku, title, quantity, Decimal(unit_price).quantize(Decimal("0.01")))


def _lines_reconcile(order: Order, lines: list[OrderLineData], *, created: bool) -> bool:
    """Make the order's lines equal ``lines``; return whether anything was written. Call holding the order lock."""
    if created:
        OrderLine.objects.bulk_create(
            OrderLine(order=order, sku=line.sku, title=line.title, quantity=line.quantity, unit_price=line.unit_price)
            for line in lines
        )
        return bool(lines)
    stored = list(order.lines.order_by("id"))
    wanted = [_line_key(line.sku, line.title, line.quantity, line.unit_price) for line in lines]
    if [_line_key(s.sku, s.title, s.quantity, s.unit_price) for s in stored] == wanted:
        return False
    unmatched: dict[str, list[OrderLine]] = {}
    for stored_line in stored:
        unmatched.setdefault(stored_line.sku, []).append(stored_line)
    to_update: list[OrderLine] = []
    to_create: list[OrderLine] = []
    for sku, title, quantity, unit_price in wanted:
        same_sku = unmatched.get(sku)
        if same_sku:
            line = same_sku.pop(0)
            if _line_key(line.sku, line.title, line.quantity, line.unit_price) != (sku, title, quantity, unit_price):
                line.title, line.quantity, line.unit_price = title, quantity, unit_price
                to_update.append(line)
        else:
            to_create.append(OrderLine(order=order, sku=sku, title=title, quantity=quantity, unit_price=unit_price))
    to_delete = [line.pk for same_sku in unmatched.values() for line in same_sku]
    if to_delete:
        try:
            with transaction.atomic():
                OrderLine.objects.filter(pk__in=to_delete).delete()
        except (ProtectedError, RestrictedError):
            raise Conflict(
                _("Order %(number)s: a line that an after-sales request refers to cannot be removed.")
                % {"number": order.order_number},
                fields={"order.lines": [_("Keep the lines that after-sales requests refer to.")]},
                code="order_line_in_use",
            ) from None
    if to_update:
        OrderLine.objects.bulk_update(to_update, ["title", "quantity", "unit_price"])
    if to_create:
        OrderLine.objects.bulk_create(to_create)
    return True


def _lines_total(lines: list[OrderLineData]) -> Decimal:
    return sum((line.unit_price * line.quantity for line in lines), Decimal("0"))


def _check_lines(lines: list[OrderLineData]) -> None:
    """Refuse lines whose quantities or amounts cannot be stored, before anything is written."""
    for index, line in enumerate(lines):
        if not 1 <= line.quantity <= MAX_LINE_QUANTITY:
            raise ValidationFailed(
                _("Quantity must be between 1 and %(max)s.") % {"max": MAX_LINE_QUANTITY},
                fields={f"order.lines[{index}].quantity": [_("Out of range.")]},
            )
        if not Decimal("0") <= line.unit_price <= MAX_AMOUNT:
            raise ValidationFailed(
                _("Unit price is out of range."), fields={f"order.lines[{index}].unit_price": [_("Out of range.")]}
            )
    if _lines_total(lines) > MAX_AMOUNT:
        raise ValidationFailed(
            _("The order total is too large."),
            fields={"order.lines": [_("The lines add up to more than can be stored.")]},
        )
