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
                order.total_amount = sum((line.unit_price * line.quantity for line in lines), Decimal("0"))
                order.save(update_fields=["total_amount", "updated_at"])
        return order


def customer_contact_reveal(*, customer: Customer, user: Any, context: str = "") -> dict[str, str]:
    """Return the customer's unmasked phone and e-mail, and log who looked (every reveal is an audit row).

    Raises ``Forbidden`` for roles that may only see masked contact details.
    """
    if not roles.can_see_customer_contact(user):
        raise Forbidden(_("Your role may not see customer contact details."))
    ContactReveal.objects.create(customer=customer, user=user, context=context[:100])
    return {"phone": customer.phone, "email": customer.email}
