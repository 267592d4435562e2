from django.contrib import admin

from .models import Survey, SurveyAnswer, SurveyDimension, SurveyFollowUp, SurveyInvitation, SurveyResponse


class DimensionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = SurveyDimension
    extra = 0
    fields = ("position", "code", "label_zh", "label_en", "is_active")


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Managers configure the questions here: 1–5 ratings, plus "solved?" and a comment if asked."""

    list_display = ("name", "kind", "is_active", "ask_solved", "ask_comment", "valid_days")
    list_filter = ("is_active", "kind")
    inlines = [DimensionInline]


class AnswerInline(admin.TabularInline):  # type: ignore[type-arg]
    model = SurveyAnswer
    extra = 0
    can_delete = False
    readonly_fields = ("dimension", "code", "score")


@admin.register(SurveyResponse)
class SurveyResponseAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: answers come from the buyer's link."""

    list_display = ("ticket", "submitted_at", "average_score", "lowest_score", "solved", "agent", "team")
    list_filter = ("solved", "lowest_score", "team")
    date_hierarchy = "submitted_at"
    readonly_fields = [field.name for field in SurveyResponse._meta.fields]
    inlines = [AnswerInline]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


@admin.register(SurveyInvitation)
class SurveyInvitationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("ticket", "created_at", "expires_at", "emailed_at", "opened_at", "completed_at")
    readonly_fields = [field.name for field in SurveyInvitation._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


@admin.register(SurveyFollowUp)
class SurveyFollowUpAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("response", "status", "due_at", "done_at", "done_by")
    list_filter = ("status",)
    readonly_fields = [field.name for field in SurveyFollowUp._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
