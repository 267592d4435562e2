from django.contrib import admin

from .models import ApologyTemplate, Complaint, FollowUp, SeverityRule


@admin.register(ApologyTemplate)
class ApologyTemplateAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "category", "is_active")
    list_filter = ("category", "is_active")


@admin.register(SeverityRule)
class SeverityRuleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("keyword", "severity", "is_active")
    list_editable = ("severity", "is_active")


class FollowUpInline(admin.TabularInline):  # type: ignore[type-arg]
    model = FollowUp
    extra = 0
    readonly_fields = ("due_at", "done_at", "done_by", "satisfied", "note")
    can_delete = False


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: complaints change through their pages and the API, which keep the timeline."""

    list_display = ("ticket", "severity", "owner", "apology_sent_at", "result_reported_at", "review_outcome")
    list_filter = ("severity", "review_outcome")
    readonly_fields = [field.name for field in Complaint._meta.fields]
    inlines = [FollowUpInline]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
