from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import roles
from accounts.decorators import agent_required
from core.errors import ApplicationError, Forbidden
from core.integers import parse_id
from customers.services.buyers import customer_contact_reveal, customer_profile_record_view
from customers.services.links import customer_link, customer_unlink

from . import audit_contexts, selectors
from .forms import CustomerLinkForm
from .masking import mask_email, mask_phone
from .models import Customer

# The profile shows the newest few of each; the rest are a page of their own each, paged.
PROFILE_TICKETS = 20
PROFILE_ORDERS = 20
LIST_PAGE_SIZE = 50


@login_required
@require_POST
def contact_reveal_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The unmasked phone and e-mail, as a fragment for the ticket page. Logged."""
    customer = get_object_or_404(Customer, pk=pk)
    try:
        contact = customer_contact_reveal(customer=customer, user=request.user, context=request.GET.get("context", ""))
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    return render(request, "customers/_contact.html", {**contact, "masked": False})


def _render_profile(
    request: HttpRequest, customer: Customer, form: CustomerLinkForm, status: int = 200
) -> HttpResponse:
    profile = selectors.customer_profile(
        customer=customer, user=request.user, ticket_limit=PROFILE_TICKETS, order_limit=PROFILE_ORDERS
    )
    return render(
        request,
        "customers/profile.html",
        {
            "profile": profile,
            "customer": customer,
            "customer_phone": mask_phone(customer.phone),
            "customer_email": mask_email(customer.email) if customer.email else "",
            "may_reveal_contact": roles.can_see_customer_contact(request.user),
            "link_form": form,
        },
        status=status,
    )


@agent_required
def customer_profile_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The buyer across platforms: this account, the linked ones, the newest tickets and orders of all of them
    (with their counts and a link to the rest). Every opening is in the audit log."""
    customer = get_object_or_404(Customer, pk=pk)
    customer_profile_record_view(customer=customer, actor=request.user)
    return _render_profile(request, customer, CustomerLinkForm())


def _render_list(request: HttpRequest, customer: Customer, rows: Any, template: str) -> HttpResponse:
    page = Paginator(rows, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, template, {"customer": customer, "page": page})


@agent_required
def customer_tickets_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Every ticket of the buyer (all their linked accounts) that the reader may see, paged. Logged like the
    profile."""
    customer = get_object_or_404(Customer, pk=pk)
    customer_profile_record_view(customer=customer, actor=request.user, context=audit_contexts.ALL_TICKETS)
    tickets = selectors.customer_tickets(customer=customer, user=request.user)
    return _render_list(request, customer, tickets, "customers/tickets.html")


@agent_required
def customer_orders_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Every order of the buyer (all their linked accounts), paged. Logged like the profile."""
    customer = get_object_or_404(Customer, pk=pk)
    customer_profile_record_view(customer=customer, actor=request.user, context=audit_contexts.ALL_ORDERS)
    orders = selectors.customer_orders(customer=customer, user=request.user)
    return _render_list(request, customer, orders, "customers/orders.html")


@agent_required
@require_POST
def customer_link_view(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_object_or_404(Customer, pk=pk)
    form = CustomerLinkForm(request.POST)
    if not form.is_valid():
        return _render_profile(request, customer, form, status=400)
    other = Customer.objects.filter(
        platform=form.cleaned_data["platform"], platform_account_id=form.cleaned_data["platform_account_id"].strip()
    ).first()
    if other is None:
        form.add_error("platform_account_id", _("No customer with this account on this platform."))
        return _render_profile(request, customer, form, status=400)
    try:
        result = customer_link(customer=customer, other=other, actor=request.user)
    except ApplicationError as exc:
        form.add_error(None, exc.message)
        return _render_profile(request, customer, form, status=400)
    if result.changed:
        messages.success(request, _("Linked %(account)s.") % {"account": str(other)})
    else:
        messages.info(request, _("These accounts were already linked."))
    return redirect("customers:profile", pk=customer.pk)


@agent_required
@require_POST
def customer_unlink_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Take the account out of its person; back to the profile the agent came from."""
    customer = get_object_or_404(Customer, pk=pk)
    back_pk = parse_id(request.POST.get("back", ""))
    if back_pk is None or not Customer.objects.filter(pk=back_pk).exists():
        back_pk = customer.pk
    if customer_unlink(customer=customer, actor=request.user).changed:
        messages.success(request, _("Unlinked %(account)s.") % {"account": str(customer)})
    return redirect("customers:profile", pk=back_pk)
