"""The audit log in the admin: read-only for everyone, superusers included. Nobody adds, changes or deletes an
entry; the page at /audit/ is the place to read it."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "action", "actor_label", "source", "target_label", "context", "ip_address")
    list_filter = ("action", "source")
    search_fields = ("actor_label", "target_label", "context", "request_id")
    date_hierarchy = "created_at"
    list_select_related = ("actor",)
    readonly_fields = [field.name for field in AuditEntry._meta.fields]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
