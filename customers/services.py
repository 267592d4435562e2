"""Every write to customers and orders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts import roles
from helpdesk.errors import Forbidden, ValidationFailed

from .models import ContactReveal, Customer, Order, OrderLine

# Amounts are stored as DECIMAL(12, 2): anything from 10^10 up does not fit.
MAX_AMOUNT = Decimal("9999999999.99")
MAX_LINE_QUANTITY = 100_000


@dataclass(frozen=True)
class OrderLineData:
    sku: str
    title: str
    quantity: int = 1
    unit_price: Decimal = Decimal("0")


def customer_upsert(
    *,
    platform: str,
    platform_account_id: str,
    name: str,
    phone: str | None = None,
    email: str | None = None,
    tier: str | None = None,
) -> Customer:
    """Find the customer by (platform, platform account id) or create them; update the details given.

    Details not given (``None``) are left as they are, so a platform that sends only a name does not erase
    a phone number recorded earlier.
    """
    updates: dict[str, Any] = {"name": name}
    for field, value in (("phone", phone), ("email", email), ("tier", tier)):
        if value is not None:
            updates[field] = value
    with transaction.atomic():
        customer = (
            Customer.objects.select_for_update()
            .filter(platform=platform, platform_account_id=platform_account_id)
            .first()
        )
        if customer is None:
            try:
                with transaction.atomic():
                    return Customer.objects.create(
                        platform=platform, platform_account_id=platform_account_id, **updates
                    )
            except IntegrityError:
                # Another request created the same buyer a moment ago: update theirs instead.
                customer = Customer.objects.select_for_update().get(
                    platform=platform, platform_account_id=platform_account_id
                )
        changed = [field for field, value in updates.items() if getattr(customer, field) != value]
        for field in changed:
            setattr(customer, field, updates[field])
        if changed:
            customer.save(update_fields=[*changed, "updated_at"])
        return customer


def order_upsert(
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
) -> Order:
    """Find the order by (platform, order number) or create it, and update the details given.

    An order belongs to one buyer: an order number already recorded for another customer is refused, so
    one buyer's request can never be attached to someone else's order. Lines, when given, replace the
    stored lines (the platform is the source of truth for what was bought).
    """
    if lines is not None:
        _check_lines(lines)
    updates: dict[str, Any] = {}
    for field, value in (
        ("status", status),
        ("total_amount", total_amount),
        ("paid_amount", paid_amount),
        ("paid_at", paid_at),
        ("shipped_at", shipped_at),
        ("delivered_at", delivered_at),
    ):
        if value is not None:
            updates[field] = value
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(platform=platform, order_number=order_number).first()
        if order is None:
            try:
                with transaction.atomic():
                    order = Order.objects.create(
                        customer=customer, platform=platform, order_number=order_number, **updates
                    )
            except IntegrityError:
                order = Order.objects.select_for_update().get(platform=platform, order_number=order_number)
        if order.customer_id != customer.pk:
            raise ValidationFailed(
                _("Order %(number)s belongs to another customer.") % {"number": order_number},
                fields={"order.order_number": [_("This order belongs to another customer.")]},
            )
        changed = [field for field, value in updates.items() if getattr(order, field) != value]
        for field in changed:
            setattr(order, field, updates[field])
        if changed:
            order.save(update_fields=[*changed, "updated_at"])
        if lines is not None:
            order.lines.all().delete()
            OrderLine.objects.bulk_create(
                OrderLine(
                    order=order, sku=line.sku, title=line.title, quantity=line.quantity, unit_price=line.unit_price
                )
                for line in lines
            )
            if total_amount is None and lines:
                order.total_amount = _lines_total(lines)
                order.save(update_fields=["total_amount", "updated_at"])
        return order


def _lines_total(lines: list[OrderLineData]) -> Decimal:
    return sum((line.unit_price * line.quantity for line in lines), Decimal("0"))


def _check_lines(lines: list[OrderLineData]) -> None:
    """Refuse lines whose quantities or amounts cannot be stored, before anything is written."""
    for index, line in enumerate(lines):
        if not 1 <= line.quantity <= MAX_LINE_QUANTITY:
            raise ValidationFailed(
                _("Quantity must be between 1 and %(max)s.") % {"max": MAX_LINE_QUANTITY},
                fields={f"order.lines.{index}.quantity": [_("Out of range.")]},
            )
        if not Decimal("0") <= line.unit_price <= MAX_AMOUNT:
            raise ValidationFailed(
                _("Unit price is out of range."), fields={f"order.lines.{index}.unit_price": [_("Out of range.")]}
            )
    if _lines_total(lines) > MAX_AMOUNT:
        raise ValidationFailed(
            _("The order total is too large."),
            fields={"order.lines": [_("The lines add up to more than can be stored.")]},
        )


def customer_contact_reveal(*, customer: Customer, user: Any, context: str = "") -> dict[str, str]:
    """Return the customer's unmasked phone and e-mail, and log who looked (every reveal is an audit row).

    Raises ``Forbidden`` for roles that may only see masked contact details.
    """
    if not roles.can_see_customer_contact(user):
        raise Forbidden(_("Your role may not see customer contact details."))
    ContactReveal.objects.create(customer=customer, user=user, context=context[:100])
    return {"phone": customer.phone, "email": customer.email}
