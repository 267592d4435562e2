from django.contrib import admin

from .models import Customer, Order, OrderLine


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
