from typing import Any

from axes.utils import reset as axes_reset
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from . import hooks
from .models import User
from .roles import UserAccess, user_access


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Helpdesk"), {"fields": ("display_name", "time_zone", "notify_by_email", "ticket_scope")}),
    )
    list_display = ("username", "display_name", "email", "ticket_scope", "is_active", "is_staff")
    list_filter = (*BaseUserAdmin.list_filter, "ticket_scope")

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        # The access before this save, read from the database: the flags are saved here, the groups only in
        # save_related (with the form's other many-to-many fields). A new user starts with no role.
        obj._access_before = user_access(User.objects.get(pk=obj.pk)) if change else UserAccess()
        super().save_model(request, obj, form, change)

    def save_related(self, request: Any, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        user = form.instance
        before = getattr(user, "_access_before", UserAccess())
        after = user_access(user)
        if after != before:
            hooks.roles_changed(user=user, actor=request.user, before=before, after=after)

    actions = ["unlock_login"]

    @admin.action(description=_("Unlock login (forget failed login attempts)"), permissions=["change"])
    def unlock_login(self, request, queryset):  # type: ignore[no-untyped-def]
        """Ends a login lockout for these usernames (django-axes). An address locked for every username is
        unlocked under *Access attempts* (delete its rows)."""
        names = [user.get_username() for user in queryset]
        cleared = sum(axes_reset(username=name) for name in names)
        for user in queryset:
            hooks.login_unlocked(user=user, actor=request.user)
        self.message_user(
            request,
            _("Login unlocked for %(names)s (failed-attempt records removed: %(count)d).")
            % {"names": ", ".join(names), "count": cleared},
            messages.SUCCESS,
        )
