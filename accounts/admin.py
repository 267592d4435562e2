from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Helpdesk"), {"fields": ("display_name", "time_zone", "notify_by_email", "ticket_scope")}),
    )
    list_display = ("username", "display_name", "email", "ticket_scope", "is_active", "is_staff")
    list_filter = (*BaseUserAdmin.list_filter, "ticket_scope")
