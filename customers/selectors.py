"""Every non-trivial read of customers and orders: lists for the API, the buyer's profile across platforms."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from integrations.access import integration_platform

from .models import Customer, Order, OrderLine

PROFILE_TICKETS = 50
PROFILE_ORDERS = 50


# Which of a buyer's tickets a reader may see: the ticket app's access model (``tickets.access``), registered
# from ``TicketsConfig.ready`` — customers sits below tickets and cannot import it. Until then, none.
_ticket_visibility: Callable[[Any], Q] | None = None


def register_ticket_visibility(visible: Callable[[Any], Q]) -> None:
    global _ticket_visibility
    _ticket_visibility = visible


def _visible_tickets(user: Any) -> Q:
    return _ticket_visibility(user) if _ticket_visibility is not None else Q(pk__in=[])


def _platform_q(user: Any, prefix: str = "") -> Q:
    """A platform-bound integration sees only its platform's buyers and orders; everyone else every one."""
    platform = integration_platform(user)
    return Q(**{f"{prefix}platform": platform}) if platform else Q()


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


def customers_visible_to(user: Any) -> QuerySet[Customer]:
    """Buyers the user may open: every buyer for staff (their tickets are filtered on the profile), only its
    platform's for a platform-bound integration."""
    return Customer.objects.filter(_platform_q(user))


def customer_list(*, user: Any) -> QuerySet[Customer]:
    """Customers for the API list (filters: ``customers.api.filters``)."""
    return customers_visible_to(user)


def order_list(*, user: Any) -> QuerySet[Order]:
    """Orders with their buyer and lines for the API list (filters: ``customers.api.filters``)."""
    return Order.objects.filter(_platform_q(user)).select_related("customer").prefetch_related(_lines())


def order_get(*, pk: int, user: Any) -> Order | None:
    return order_list(user=user).filter(pk=pk).first()


def _lines() -> Prefetch[Any]:
    return Prefetch("lines", queryset=OrderLine.objects.order_by("id"))


def _account_ids(customer: Customer, user: Any) -> list[int]:
    return list(customer_accounts(customer=customer).filter(_platform_q(user)).values_list("pk", flat=True))


def customer_tickets(*, customer: Customer, user: Any, account_ids: list[int] | None = None) -> QuerySet[Any]:
    """Every ticket of every account of the buyer's person that ``user`` may see (``tickets.access``), newest
    first, with the account joined. A ticket the reader may not see is neither listed nor counted."""
    if account_ids is None:
        account_ids = _account_ids(customer, user)
    return (
        _ticket_model()
        .objects.filter(_visible_tickets(user), customer_id__in=account_ids)
        .select_related("customer")
        .order_by("-created_at", "-id")
    )


def customer_orders(*, customer: Customer, user: Any, account_ids: list[int] | None = None) -> QuerySet[Order]:
    """Every order of every account of the buyer's person (a platform-bound integration: its platform's), newest
    first, with the account and the lines."""
    if account_ids is None:
        account_ids = _account_ids(customer, user)
    return (
        Order.objects.filter(customer_id__in=account_ids)
        .select_related("customer")
        .prefetch_related(_lines())
        .order_by("-created_at", "-id")
    )


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
    *, customer: Customer, user: Any, ticket_limit: int = PROFILE_TICKETS, order_limit: int = PROFILE_ORDERS
) -> CustomerProfile:
    """The profile in a fixed number of queries, however many accounts, tickets or orders there are. Only the
    tickets ``user`` may see are listed (and counted); a platform-bound integration sees only the accounts,
    tickets and orders of its platform."""
    accounts = list(customer_accounts(customer=customer).filter(_platform_q(user)))
    account_ids = [account.pk for account in accounts]
    tickets_qs = customer_tickets(customer=customer, user=user, account_ids=account_ids)
    orders_qs = customer_orders(customer=customer, user=user, account_ids=account_ids)
    tickets = list(tickets_qs[:ticket_limit])
    orders = list(orders_qs[:order_limit])
    return CustomerProfile(
        customer=customer,
        linked_accounts=[account for account in accounts if account.pk != customer.pk],
        tickets=tickets,
        ticket_count=len(tickets) if len(tickets) < ticket_limit else tickets_qs.count(),
        orders=orders,
        order_count=len(orders) if len(orders) < order_limit else orders_qs.count(),
    )
