"""Every non-trivial read of customers and orders: lists for the API, the buyer's profile across platforms."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from .models import Customer, Order, OrderLine

PROFILE_TICKETS = 50
PROFILE_ORDERS = 50


def _ticket_model() -> Any:
    # customers sits below tickets (tickets imports customers), so it reads a buyer's tickets through the
    # reverse relation rather than importing the tickets app.
    return Customer._meta.get_field("tickets").related_model


def customer_accounts(*, customer: Customer) -> QuerySet[Customer]:
    """Every account of the human behind ``customer`` (``customer`` first, then by platform), itself included."""
    if customer.person_id is None:
        return Customer.objects.filter(pk=customer.pk)
    return (
        Customer.objects.filter(person_id=customer.person_id)
        .order_by("platform", "platform_account_id")
        .select_related("person")
    )


def customer_list() -> QuerySet[Customer]:
    """Customers for the API list (filters: ``customers.api.filters``)."""
    return Customer.objects.all()


def order_list() -> QuerySet[Order]:
    """Orders with their buyer and lines for the API list (filters: ``customers.api.filters``)."""
    return Order.objects.select_related("customer").prefetch_related(_lines())


def order_get(*, pk: int) -> Order | None:
    return Order.objects.select_related("customer").prefetch_related(_lines()).filter(pk=pk).first()


def _lines() -> Prefetch[Any]:
    return Prefetch("lines", queryset=OrderLine.objects.order_by("id"))


@dataclass(frozen=True)
class CustomerProfile:
    """A buyer across platforms: the account asked for, the person's other accounts, their tickets and orders
    (newest first, at most ``limit`` each, with the full counts)."""

    customer: Customer
    linked_accounts: list[Customer]
    tickets: list[Any]
    ticket_count: int
    orders: list[Order]
    order_count: int


def customer_profile(
    *, customer: Customer, ticket_limit: int = PROFILE_TICKETS, order_limit: int = PROFILE_ORDERS
) -> CustomerProfile:
    """The profile in a fixed number of queries, however many accounts, tickets or orders there are."""
    accounts = list(customer_accounts(customer=customer))
    account_ids = [account.pk for account in accounts]
    Ticket = _ticket_model()
    tickets_qs = Ticket.objects.filter(customer_id__in=account_ids)
    orders_qs = Order.objects.filter(customer_id__in=account_ids)
    tickets = list(tickets_qs.select_related("customer").order_by("-created_at", "-id")[:ticket_limit])
    orders = list(
        orders_qs.select_related("customer").prefetch_related(_lines()).order_by("-created_at", "-id")[:order_limit]
    )
    return CustomerProfile(
        customer=customer,
        linked_accounts=[account for account in accounts if account.pk != customer.pk],
        tickets=tickets,
        ticket_count=len(tickets) if len(tickets) < ticket_limit else tickets_qs.count(),
        orders=orders,
        order_count=len(orders) if len(orders) < order_limit else orders_qs.count(),
    )
