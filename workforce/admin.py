from django.contrib import admin

from .models import AgentProfile, Handover, RoutingRule, Shift, Skill, TeamWorkSettings


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name", "description"]
    search_fields = ["name"]


@admin.register(AgentProfile)
class AgentProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "capacity", "status", "status_since", "last_seen_at"]
    list_filter = ["status"]
    filter_horizontal = ["skills"]
    readonly_fields = ["status", "status_since", "chosen_status", "last_seen_at"]


@admin.register(TeamWorkSettings)
class TeamWorkSettingsAdmin(admin.ModelAdmin):
    list_display = ["team", "assignment_mode", "assignment_paused", "capacity_override", "hand_back_on_offline"]
    exclude = ["last_assigned_user"]


@admin.register(Shift)
class ShiftAdmin(admin.ModelAdmin):
    list_display = ["team", "name", "start_time", "end_time"]
    filter_horizontal = ["members"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["position", "name", "team", "is_active", "fired_count", "last_fired_at"]
    list_display_links = ["name"]


@admin.register(Handover)
class HandoverAdmin(admin.ModelAdmin):
    list_display = ["shift_date", "team", "shift", "author", "created_at"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # the handover book is a record
