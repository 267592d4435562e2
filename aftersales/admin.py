"""Admin for the after-sales configuration (reasons, windows, evidence, limits) and a read-mostly view of
requests. Requests change through the services (the ticket page and the API), never by editing rows here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import (
    AfterSalesRequest,
    Approval,
    AuthorityLimit,
    Evidence,
    Reason,
    RequestEvent,
    RequestLine,
    UserAuthorityOverride,
)


@admin.register(Reason)
class ReasonAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "label",
        "return_window_days",
        "requires_product_photo",
        "requires_defect_photo",
        "requires_tracking_number",
        "is_active",
        "position",
    ]
    list_editable = [
        "return_window_days",
        "requires_product_photo",
        "requires_defect_photo",
        "requires_tracking_number",
        "is_active",
        "position",
    ]
    search_fields = ["code", "label"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Requests keep their reason (PROTECT); deactivate a reason instead of deleting it.
        return bool(obj is None or not obj.requests.exists()) and super().has_delete_permission(request, obj)


@admin.register(AuthorityLimit)
class AuthorityLimitAdmin(admin.ModelAdmin):
    list_display = ["role", "max_compensation", "max_refund"]
    list_editable = ["max_compensation", "max_refund"]


@admin.register(UserAuthorityOverride)
class UserAuthorityOverrideAdmin(admin.ModelAdmin):
    list_display = ["user", "max_compensation", "max_refund"]
    autocomplete_fields = ["user"]
    search_fields = ["user__username", "user__display_name"]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RequestLineInline(ReadOnlyInline):
    model = RequestLine


class EvidenceInline(ReadOnlyInline):
    model = Evidence
    fields = ["kind", "content_type", "size", "original_name", "uploaded_by", "uploaded_at"]


class ApprovalInline(ReadOnlyInline):
    model = Approval
    fields = [
        "status",
        "refund_amount",
        "compensation_amount",
        "requested_by",
        "decided_by",
        "decided_at",
        "decision_note",
    ]


class RequestEventInline(ReadOnlyInline):
    model = RequestEvent
    fields = ["from_status", "to_status", "actor", "note", "created_at"]


@admin.register(AfterSalesRequest)
class AfterSalesRequestAdmin(admin.ModelAdmin):
    list_display = ["ticket", "type", "status", "order", "reason", "refund_amount", "compensation_amount", "created_at"]
    list_filter = ["status", "type", "reason"]
    search_fields = ["order__order_number", "return_tracking_number", "outbound_tracking_number"]
    list_select_related = ["ticket", "order", "reason"]
    inlines = [RequestLineInline, EvidenceInline, ApprovalInline, RequestEventInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
