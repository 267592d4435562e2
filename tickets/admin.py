from django.contrib import admin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import services
from .models import Escalation, Message, SlaPolicy, Team, Ticket, TicketEvent


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "default_for_kind")
    filter_horizontal = ("members", "managers")


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = ("name", "position", "kind", "priority", "first_response_minutes", "resolution_minutes", "is_active")
    list_editable = ("position", "is_active")
    ordering = ("position", "id")

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        super().save_model(request, obj, form, change)
        if change and {"first_response_minutes", "resolution_minutes"} & set(form.changed_data):
            count = services.sla_policy_apply(policy=obj)
            self.message_user(request, _("Due times of %(count)s open tickets recomputed.") % {"count": count})


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    can_delete = False
    readonly_fields = ("visibility", "author_type", "author", "body", "created_at")

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class EventInline(admin.TabularInline):
    model = TicketEvent
    extra = 0
    can_delete = False
    readonly_fields = ("type", "actor", "data", "created_at")

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    """Read-mostly: state changes go through the services (the agent pages and the API), not the admin."""

    list_display = (
        "ticket_reference",
        "kind",
        "subject",
        "status",
        "priority",
        "team",
        "assignee",
        "sla_next_due_at",
        "escalation_level",
    )
    list_filter = ("kind", "status", "priority", "team", "channel")
    search_fields = ("subject", "customer__name", "order__order_number")
    raw_id_fields = ("customer", "order", "assignee", "created_by")
    inlines = [MessageInline, EventInline]
    readonly_fields = [f.name for f in Ticket._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    @admin.display(description=gettext_lazy("reference"), ordering="id")
    def ticket_reference(self, obj: Ticket) -> str:
        return obj.reference


@admin.register(Escalation)
class EscalationAdmin(admin.ModelAdmin):
    list_display = ("ticket", "target", "level", "due_at", "escalated_at", "acknowledged_at", "acknowledged_by")
    list_filter = ("target", "level")
    readonly_fields = [f.name for f in Escalation._meta.fields]
