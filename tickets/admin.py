from zoneinfo import available_timezones

from django import forms
from django.contrib import admin
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tickets.services.clocks import enqueue_sla_reevaluation

from .calendars import calendar_forget
from .models import (
    BusinessCalendar,
    CalendarDay,
    Escalation,
    EscalationStep,
    Message,
    SlaPolicy,
    Team,
    Ticket,
    TicketEvent,
    WorkingHours,
)


class WorkingHoursInline(admin.TabularInline):
    """Plain HH:MM inputs: the admin's clock widget would compare them with the server's zone and warn,
    but these are times of day in the calendar's own time zone."""

    model = WorkingHours
    extra = 0
    formfield_overrides = {models.TimeField: {"widget": forms.TimeInput(format="%H:%M", attrs={"size": 6})}}


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    extra = 0


class BusinessCalendarForm(forms.ModelForm):
    class Meta:
        model = BusinessCalendar
        fields = ("name", "time_zone", "makeup_day_hours", "description")

    def clean_time_zone(self) -> str:
        value = self.cleaned_data["time_zone"].strip()
        if value not in available_timezones():
            raise forms.ValidationError(_("Unknown time zone. Use a name such as Asia/Shanghai."))
        return value


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    """Hours, holidays and make-up days. Saving recomputes the due times of the open tickets it runs."""

    form = BusinessCalendarForm
    list_display = ("name", "time_zone", "updated_at")
    inlines = [WorkingHoursInline, CalendarDayInline]

    def save_related(self, request, form, formsets, change):  # type: ignore[no-untyped-def]
        super().save_related(request, form, formsets, change)
        calendar = form.instance
        # Inline edits do not touch the calendar row; bump it so every process drops its cached copy.
        BusinessCalendar.objects.filter(pk=calendar.pk).update(updated_at=timezone.now())
        calendar_forget(calendar.pk)
        if change:
            calendar_id = calendar.pk
            transaction.on_commit(lambda: enqueue_sla_reevaluation(reason="calendar_changed", calendar_id=calendar_id))
            self.message_user(request, _("Due times of the open tickets on this calendar are being recomputed."))


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "default_for_kind", "calendar")
    filter_horizontal = ("members", "managers")

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        super().save_model(request, obj, form, change)
        if change and "calendar" in form.changed_data:
            transaction.on_commit(lambda: enqueue_sla_reevaluation(reason="calendar_changed"))


class EscalationStepInline(admin.TabularInline):
    model = EscalationStep
    extra = 0
    filter_horizontal = ("notify_users",)


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    """Policies are tried in position order; the first whose conditions all match applies. Any change
    re-matches the open tickets and recomputes their due times (in the background)."""

    list_display = (
        "name",
        "position",
        "kind",
        "priority",
        "channel",
        "team",
        "customer_tier",
        "first_response_minutes",
        "next_reply_minutes",
        "resolution_minutes",
        "calendar",
        "is_active",
    )
    list_editable = ("position", "is_active")
    ordering = ("position", "id")
    inlines = [EscalationStepInline]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        super().save_model(request, obj, form, change)
        transaction.on_commit(lambda: enqueue_sla_reevaluation(reason="policy_changed"))
        if change:
            self.message_user(request, _("The open tickets are being matched to the policies again."))

    def delete_model(self, request, obj):  # type: ignore[no-untyped-def]
        super().delete_model(request, obj)
        transaction.on_commit(lambda: enqueue_sla_reevaluation(reason="policy_changed"))


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
    list_display = (
        "ticket",
        "target",
        "level",
        "due_at",
        "escalated_at",
        "met_at",
        "acknowledged_at",
        "acknowledged_by",
    )
    list_filter = ("target", "level")
    readonly_fields = [f.name for f in Escalation._meta.fields]
