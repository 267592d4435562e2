from axes.utils import reset as axes_reset
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Helpdesk"), {"fields": ("display_name", "time_zone", "notify_by_email")}),
    )
    list_display = ("username", "display_name", "email", "is_active", "is_staff")
    actions = ["unlock_login"]

    @admin.action(description=_("Unlock login (forget failed login attempts)"), permissions=["change"])
    def unlock_login(self, request, queryset):  # type: ignore[no-untyped-def]
        """Ends a login lockout for these usernames (django-axes). An address locked for every username is
        unlocked under *Access attempts* (delete its rows)."""
        names = [user.get_username() for user in queryset]
        cleared = sum(axes_reset(username=name) for name in names)
        self.message_user(
            request,
            _("Login unlocked for %(names)s (failed-attempt records removed: %(count)d).")
            % {"names": ", ".join(names), "count": cleared},
            messages.SUCCESS,
        )
