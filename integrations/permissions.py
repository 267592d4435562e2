"""Scopes: a view declares ``required_scopes = (read_scope, write_scope)``; a key lacking the scope gets a 403
that names it. Staff accounts (session or token) are not limited by scopes; their role checks apply."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.permissions import SAFE_METHODS, BasePermission

from .models import ApiKey

# ``required_scopes = (ANY_KEY, ANY_KEY)``: open to every key (e.g. "who am I", rotating one's own key).
ANY_KEY = "*"


class MissingScope(exceptions.PermissionDenied):
    default_code = "missing_scope"

    def __init__(self, scope: str | None):
        if scope:
            message = _("This API key lacks the scope “%(scope)s”.") % {"scope": scope}
        else:
            message = _("This endpoint is not open to API keys.")
        super().__init__(message, code="missing_scope")
        self.extra = {"required_scope": scope}


def required_scope(view: Any, method: str) -> str | None:
    scopes = getattr(view, "required_scopes", None)
    if not scopes:
        return None
    read, write = scopes
    return read if method in SAFE_METHODS else write


class ApiKeyScope(BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        api_key = request.auth
        if not isinstance(api_key, ApiKey):
            return True
        scope = required_scope(view, request.method)
        if scope == ANY_KEY:
            return True
        if scope is None or not api_key.integration.has_scope(scope):
            raise MissingScope(scope)
        return True


def request_integration(request: Any) -> Any:
    """The integration behind the request's API key, or None for staff accounts."""
    api_key = getattr(request, "auth", None)
    return api_key.integration if isinstance(api_key, ApiKey) else None
