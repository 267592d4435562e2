"""``Authorization: Bearer hdk_…``: the caller is the integration's service account, ``request.auth`` the key."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from .keys import key_matches, key_prefix
from .models import ApiKey

# ``last_used_at`` is written at most this often per key, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiKeyAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Any) -> tuple[Any, ApiKey] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None  # not ours: token or session authentication may still apply
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Give the key as: Authorization: Bearer <key>."))
        try:
            key = parts[1].decode()
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid API key.")) from None
        prefix = key_prefix(key)
        api_key = (
            ApiKey.objects.select_related("integration", "integration__user").filter(prefix=prefix).first()
            if prefix
            else None
        )
        if api_key is None or not key_matches(key, api_key.key_hash):
            raise exceptions.AuthenticationFailed(_("Invalid API key."))
        now = timezone.now()
        if api_key.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("This API key was revoked."))
        if api_key.expires_at is not None and api_key.expires_at <= now:
            raise exceptions.AuthenticationFailed(_("This API key has expired."))
        integration = api_key.integration
        if not integration.is_active or not integration.user.is_active:
            raise exceptions.AuthenticationFailed(_("This integration is disabled."))
        if api_key.last_used_at is None or now - api_key.last_used_at >= LAST_USED_RESOLUTION:
            ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
            api_key.last_used_at = now
        return integration.user, api_key

    def authenticate_header(self, request: Any) -> str:
        return self.keyword


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "integrations.authentication.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An integration's API key: `Authorization: Bearer hdk_…`. Each endpoint names the scope "
            "it needs (x-required-scopes).",
        }
