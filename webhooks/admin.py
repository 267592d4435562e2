"""Webhooks in the admin: endpoints, and deliveries with their attempt log and a "Redeliver" action."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.errors import ApplicationError
from webhooks.services.delivery import delivery_body, webhook_redeliver
from webhooks.services.endpoints import (
    events_validate,
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_update,
)

from .models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from .targets import target_validate


class WebhookEndpointAdminForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")

    class Meta:
        model = WebhookEndpoint
        fields = ["integration", "url", "events", "description", "is_active"]

    def _checked(self, check: Any, value: Any) -> Any:
        try:
            return check(value)
        except ApplicationError as error:
            raise ValidationError(error.message) from None

    def clean_url(self) -> str:
        return str(self._checked(target_validate, self.cleaned_data["url"]))

    def clean_events(self) -> list[str]:
        return list(self._checked(events_validate, self.cleaned_data["events"] or []))


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointAdminForm
    list_display = ["url", "integration", "event_list", "is_active", "created_at"]
    list_filter = ["is_active", "integration"]
    search_fields = ["url", "description", "integration__name"]
    fields = ["integration", "url", "events", "description", "is_active", "created_at", "updated_at"]
    readonly_fields = ["created_at", "updated_at"]

    @admin.display(description=_("events"))
    def event_list(self, endpoint: WebhookEndpoint) -> str:
        return ", ".join(endpoint.events or [])

    def get_readonly_fields(self, request: Any, obj: Any = None) -> list[str]:
        return [*self.readonly_fields, "integration"] if obj else list(self.readonly_fields)

    def save_model(self, request: Any, obj: WebhookEndpoint, form: Any, change: bool) -> None:
        # Through the services (the form has checked the input): a new endpoint gets its secret there.
        if change:
            webhook_endpoint_update(
                endpoint=obj, **{field: getattr(obj, field) for field in form.changed_data if field != "integration"}
            )
        else:
            created = webhook_endpoint_create(
                integration=obj.integration,
                url=obj.url,
                events=obj.events or [],
                description=obj.description,
                is_active=obj.is_active,
            )
            obj.pk, obj.secret, obj.created_at, obj.updated_at = (
                created.pk,
                created.secret,
                created.created_at,
                created.updated_at,
            )

    def delete_model(self, request: Any, obj: WebhookEndpoint) -> None:
        webhook_endpoint_delete(endpoint=obj)


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    fields = ("attempted_at", "status_code", "response_ms", "error", "response_excerpt")
    readonly_fields = ("attempted_at", "status_code", "response_ms", "error", "response_excerpt")

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "event_type",
        "endpoint",
        "status",
        "attempts",
        "last_status_code",
        "last_response_ms",
        "next_attempt_at",
        "created_at",
    ]
    list_filter = ["status", "event__type"]
    search_fields = ["endpoint__url", "event__id"]
    list_select_related = ["event", "endpoint", "endpoint__integration"]
    readonly_fields = (
        "endpoint",
        "event",
        "payload",
        "status",
        "attempts",
        "next_attempt_at",
        "give_up_at",
        "lease_until",
        "last_status_code",
        "last_response_ms",
        "last_error",
        "delivered_at",
        "created_at",
    )
    fields = readonly_fields
    inlines = [WebhookAttemptInline]
    actions = ["redeliver"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False  # read-only; the action is the only change

    @admin.display(description=_("event"), ordering="event__type")
    def event_type(self, delivery: WebhookDelivery) -> str:
        return delivery.event.type

    @admin.display(description=_("payload"))
    def payload(self, delivery: WebhookDelivery) -> str:
        return delivery_body(delivery.event).decode()

    @admin.action(description=_("Redeliver"))
    def redeliver(self, request: Any, queryset: Any) -> None:
        done = 0
        for delivery in queryset.select_related("endpoint"):
            try:
                webhook_redeliver(delivery=delivery)
                done += 1
            except ApplicationError as error:
                messages.error(request, f"#{delivery.pk}: {error.message}")
        if done:
            messages.success(
                request,
                ngettext("%(count)d delivery queued again.", "%(count)d deliveries queued again.", done)
                % {"count": done},
            )
