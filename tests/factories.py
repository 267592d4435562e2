from __future__ import annotations

from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import User
from customers.models import Customer, Order, OrderLine
from tickets.models import Team
from tickets.services.intake import ticket_create


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.django.Password("secret-pass-123")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Team {n}")


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    name = "王小明"
    phone = "13812345678"
    platform = "taobao"
    platform_account_id = factory.Sequence(lambda n: f"tb_buyer_{n}")
    tier = "regular"


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    customer = factory.SubFactory(CustomerFactory)
    platform = "taobao"
    order_number = factory.Sequence(lambda n: f"TB{2026000000 + n}")
    status = "delivered"
    total_amount = Decimal("79.00")
    paid_amount = Decimal("79.00")
    paid_at = factory.LazyFunction(timezone.now)


class OrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    sku = "TS-COT-L"
    title = "纯棉T恤 L"
    quantity = 1
    unit_price = Decimal("79.00")


def make_ticket(**overrides):  # type: ignore[no-untyped-def]
    """A ticket created the way the product creates them: through the service."""
    if "customer" not in overrides:
        overrides["customer"] = CustomerFactory()
    params = {"kind": "inquiry", "subject": "什么时候发货？", "description": "下单三天了还没发货。", **overrides}
    return ticket_create(**params)
