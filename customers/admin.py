from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .models import Customer, CustomerLinkEvent, Order, OrderLine, Person


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("name", "platform", "platform_account_id", "tier", "person", "created_at")
    list_filter = ("platform", "tier")
    search_fields = ("name", "platform_account_id", "phone", "email")
    # Linking goes through customers.services (it merges persons and writes the audit row): the profile page
    # and the API do it; here the person is only shown.
    readonly_fields = ("person",)
    list_select_related = ("person",)


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
