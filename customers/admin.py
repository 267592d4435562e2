"""Customers, people, orders and the link trail in the admin. A buyer's phone number and e-mail are masked here
as everywhere else: they are shown masked, cannot be edited (the shop platforms send them), and are revealed
only on the buyer's profile page, where every reveal goes into the audit log. The customer search finds a buyer
by a phone number — whole, in part or as shown masked — without showing it."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import admin
from django.db.models import Count, Q, QuerySet, Value
from django.db.models.functions import Replace
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .masking import mask_email, mask_phone
from .models import Customer, CustomerLinkEvent, Order, OrderLine, Person

# A search term that is a phone number or a piece of one (at least 4 digits; spaces, dashes, +, brackets allowed),
# or one as the pages show it masked ("138****5678").
PHONE_TERM = re.compile(r"^[\d\s+\-()]+$")
MASKED_PHONE_TERM = re.compile(r"^(\d*)\*+(\d*)$")
PHONE_MIN_DIGITS = 4
PHONE_SEPARATORS = (" ", "-", "+", "(", ")")
CHINA_CODE = "86"


def _phone_digits() -> Any:
    """The stored phone number with its separators taken out, as the database computes it."""
    expression: Any = "phone"
    for separator in PHONE_SEPARATORS:
        expression = Replace(expression, Value(separator), Value(""))
    return expression


def phone_search(term: str) -> Q | None:
    """The condition on ``_phone_digits`` that finds ``term``, or ``None`` when the term is not a phone number."""
    term = term.strip()
    masked = MASKED_PHONE_TERM.match(term)
    if masked:
        start, end = masked.groups()
        if len(start) + len(end) < PHONE_MIN_DIGITS:
            return None
        return Q(_phone_digits__startswith=start, _phone_digits__endswith=end)
    if not PHONE_TERM.match(term):
        return None
    digits = re.sub(r"\D", "", term)
    if len(digits) < PHONE_MIN_DIGITS:
        return None
    condition = Q(_phone_digits__contains=digits)
    if digits.startswith(CHINA_CODE) and len(digits) == 13:
        condition |= Q(_phone_digits__contains=digits[len(CHINA_CODE) :])  # +86 typed, not stored
    return condition


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("name", "platform", "platform_account_id", "masked_phone", "masked_email", "tier", "person")
    list_filter = ("platform", "tier")
    # The phone number is searched by get_search_results (whole, in part, masked); the e-mail in part.
    search_fields = ("name", "platform_account_id", "email")
    search_help_text = _(
        "Name, account id, e-mail, or a phone number: whole, in part (e.g. the last 4 digits) or as shown masked "
        "(138****5678). Contact details stay masked in the results."
    )
    # No phone or e-mail field: the shop platforms send them (the API), and here they are only shown masked.
    # Linking goes through customers.services (it merges persons and writes the audit row): the profile page
    # and the API do it; here the person is only shown.
    fields = (
        "name",
        "platform",
        "platform_account_id",
        "tier",
        "masked_phone",
        "masked_email",
        "contact_reveal",
        "person",
        "created_at",
        "updated_at",
    )
    readonly_fields = ("masked_phone", "masked_email", "contact_reveal", "person", "created_at", "updated_at")
    list_select_related = ("person",)

    @admin.display(description=_("phone"))
    def masked_phone(self, customer: Customer) -> str:
        return mask_phone(customer.phone) or "—"

    @admin.display(description=_("e-mail"))
    def masked_email(self, customer: Customer) -> str:
        return mask_email(customer.email) if customer.email else "—"

    @admin.display(description=_("full contact details"))
    def contact_reveal(self, customer: Customer) -> str:
        if not customer.pk or not (customer.phone or customer.email):
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("customers:profile", args=[customer.pk]),
            _("Show on the buyer's profile (managers and admins; every reveal is in the audit log)"),
        )

    def get_search_results(self, request: Any, queryset: QuerySet[Customer], search_term: str) -> Any:
        condition = phone_search(search_term)
        if condition is None:
            return super().get_search_results(request, queryset, search_term)
        queryset = queryset.annotate(_phone_digits=_phone_digits())
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return results | queryset.filter(condition), may_have_duplicates


class PersonAccountInline(admin.TabularInline):
    model = Customer
    fields = ("name", "platform", "platform_account_id", "tier", "updated_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    """One buyer's accounts across platforms. Link and unlink on the customer profile page (audited)."""

    list_display = ("__str__", "account_count", "created_at", "created_by")
    search_fields = ("accounts__name", "accounts__platform_account_id")
    readonly_fields = ("created_at", "created_by")
    inlines = [PersonAccountInline]

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        return super().get_queryset(request).annotate(_account_count=Count("accounts")).select_related("created_by")

    @admin.display(description=_("accounts"), ordering="_account_count")
    def account_count(self, obj):  # type: ignore[no-untyped-def]
        return obj._account_count

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


@admin.register(CustomerLinkEvent)
class CustomerLinkEventAdmin(admin.ModelAdmin):
    """Who linked, merged or unlinked which accounts. Read-only: an audit trail."""

    list_display = ("created_at", "action", "customer", "other", "person_ref", "merged_person_ref", "actor")
    list_filter = ("action",)
    search_fields = ("customer__name", "customer__platform_account_id", "other__platform_account_id")
    readonly_fields = ("created_at", "action", "customer", "other", "person_ref", "merged_person_ref", "actor")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("order_number", "platform", "customer", "status", "total_amount", "paid_at", "delivered_at")
    list_filter = ("platform", "status")
    search_fields = ("order_number", "customer__name")
    raw_id_fields = ("customer",)
    inlines = [OrderLineInline]
