from django.contrib import admin

from .models import ContactReveal, Customer, Order, OrderLine


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("name", "platform", "platform_account_id", "tier", "created_at")
    list_filter = ("platform", "tier")
    search_fields = ("name", "platform_account_id", "phone", "email")


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


@admin.register(ContactReveal)
class ContactRevealAdmin(admin.ModelAdmin):
    """Who saw which customer's contact details, and where. Read-only: an audit trail."""

    list_display = ("revealed_at", "user", "customer", "context")
    list_filter = ("user",)
    search_fields = ("customer__name", "context", "user__username")
    readonly_fields = ("revealed_at", "user", "customer", "context")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
