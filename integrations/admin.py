"""Integrations in the admin. A new key (or a rotated one) is shown once, in the confirmation message."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError
from core.platforms import Platform

from . import services
from .forms import IntegrationAdminForm
from .models import ApiKey, Integration


def _state(key: ApiKey) -> str:
    return str(key.state.label)


def _bound_to(key: ApiKey) -> str:
    """What the key may reach: its integration's platform's buyers (``integrations.access``)."""
    platform = key.integration.platform
    return str(Platform(platform).label) if platform else str(_("every platform"))


class ApiKeyInline(admin.TabularInline):
    model = ApiKey
    fk_name = "integration"
    extra = 0
    can_delete = False
    fields = ["prefix", "name", "bound_to", "state", "created_at", "expires_at", "revoked_at", "last_used_at"]
    readonly_fields = ["prefix", "bound_to", "state", "created_at", "expires_at", "revoked_at", "last_used_at"]
    show_change_link = True

    def get_queryset(self, request: Any) -> Any:
        return super().get_queryset(request).select_related("integration")

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False  # keys are made with the "create a key" action, which shows the key once

    @admin.display(description=_("state"))
    def state(self, key: ApiKey) -> str:
        return _state(key)

    @admin.display(description=_("bound to"), ordering="integration__platform")
    def bound_to(self, key: ApiKey) -> str:
        return _bound_to(key)


def _show_key(request: Any, integration: Integration, secret: str) -> None:
    messages.warning(
        request,
        format_html(
            "{} <code>{}</code> — {}",
            _("New API key for %(name)s:") % {"name": integration.name},
            secret,
            _("copy it now: it is not shown again."),
        ),
    )


@admin.register(Integration)
class IntegrationAdmin(admin.ModelAdmin):
    form = IntegrationAdminForm
    list_display = ["name", "platform", "scope_list", "rate_limit_per_minute", "is_active", "created_at"]
    list_filter = ["platform", "is_active"]
    search_fields = ["name"]
    inlines = [ApiKeyInline]
    actions = ["create_key"]

    class Media:
        css = {"all": ["css/admin_integrations.css"]}

    @admin.display(description=_("scopes"))
    def scope_list(self, integration: Integration) -> str:
        """The scopes in words, as the change page's checkboxes name them; one a line."""
        if not integration.scopes:
            return "—"
        items = format_html_join("", "<li>{}</li>", ((label,) for label in integration.scope_labels))
        return format_html('<ul class="scope-list">{}</ul>', items)

    def save_model(self, request: Any, obj: Integration, form: Any, change: bool) -> None:
        data = {field: form.cleaned_data[field] for field in form.Meta.fields}
        if change:
            services.integration_update(integration=obj, **data)
            return
        created = services.integration_create(
            name=data["name"],
            platform=data["platform"],
            scopes=list(data["scopes"]),
            rate_limit_per_minute=data["rate_limit_per_minute"],
            notes=data["notes"],
        )
        obj.pk = created.pk
        obj.user = created.user
        if not data["is_active"]:
            services.integration_update(integration=created, is_active=False)
        new = services.api_key_create(integration=created, name="default", created_by=request.user)
        _show_key(request, created, new.secret)

    @admin.action(description=_("Create a new API key"))
    def create_key(self, request: Any, queryset: Any) -> None:
        for integration in queryset:
            new = services.api_key_create(integration=integration, created_by=request.user)
            _show_key(request, integration, new.secret)


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "name", "bound_to", "state", "created_at", "expires_at", "revoked_at", "last_used_at"]
    list_filter = ["integration", "integration__platform"]
    list_select_related = ["integration"]
    fields = ["integration", "name", "prefix", "created_at", "created_by", "expires_at", "revoked_at", "last_used_at"]
    readonly_fields = ["integration", "prefix", "created_at", "created_by", "revoked_at", "last_used_at"]
    actions = ["rotate", "revoke"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    @admin.display(description=_("state"))
    def state(self, key: ApiKey) -> str:
        return _state(key)

    @admin.display(description=_("bound to"), ordering="integration__platform")
    def bound_to(self, key: ApiKey) -> str:
        return _bound_to(key)

    @admin.action(description=_("Rotate (the old key keeps working for 24 hours)"))
    def rotate(self, request: Any, queryset: Any) -> None:
        for key in queryset:
            try:
                new = services.api_key_rotate(api_key=key, actor=request.user)
            except ApplicationError as exc:
                messages.error(request, f"{key}: {exc.message}")
                continue
            _show_key(request, key.integration, new.secret)

    @admin.action(description=_("Revoke now"))
    def revoke(self, request: Any, queryset: Any) -> None:
        for key in queryset:
            services.api_key_revoke(api_key=key, actor=request.user)
        messages.success(request, _("Revoked."))
