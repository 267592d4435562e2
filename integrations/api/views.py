"""Integrations and keys over the API. Admins manage every integration; a key sees its own integration
(``/integrations/me/``) and may rotate or revoke its integration's keys (so a platform can rotate unattended)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import roles
from core.errors import Forbidden

from .. import services
from ..idempotency import idempotent
from ..models import ApiKey, Integration
from ..permissions import ANY_KEY, request_integration
from . import serializers as s


class IsAdmin(BasePermission):
    message = _("Admins only.")

    def has_permission(self, request: Any, view: Any) -> bool:
        return roles.is_admin(request.user)


def _integrations() -> Any:
    return Integration.objects.prefetch_related(Prefetch("keys", queryset=ApiKey.objects.order_by("-created_at")))


def _new_key_response(new: services.NewKey) -> Response:
    return Response(s.NewApiKeyOutput({"key": new.secret, "api_key": new.api_key}).data, status=status.HTTP_201_CREATED)


class IntegrationListCreateApi(APIView):
    permission_classes = [IsAdmin]

    @extend_schema(responses=s.IntegrationOutput(many=True))
    def get(self, request: Request) -> Response:
        return Response(s.IntegrationOutput(_integrations(), many=True).data)

    @extend_schema(request=s.IntegrationCreateInput, responses={201: s.IntegrationCreatedOutput})
    @idempotent
    def post(self, request: Request) -> Response:
        data = s.IntegrationCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        created = services.integration_create_with_key(**data.validated_data, created_by=request.user)
        integration = _integrations().get(pk=created.integration.pk)
        return Response(s.IntegrationCreatedOutput(integration, context={"key": created.key.secret}).data, status=201)


class IntegrationDetailApi(APIView):
    permission_classes = [IsAdmin]

    @extend_schema(responses=s.IntegrationOutput)
    def get(self, request: Request, pk: int) -> Response:
        return Response(s.IntegrationOutput(get_object_or_404(_integrations(), pk=pk)).data)

    @extend_schema(request=s.IntegrationUpdateInput, responses=s.IntegrationOutput)
    def patch(self, request: Request, pk: int) -> Response:
        integration = get_object_or_404(Integration, pk=pk)
        data = s.IntegrationUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.integration_update(integration=integration, **data.validated_data)
        return Response(s.IntegrationOutput(_integrations().get(pk=pk)).data)


class IntegrationKeyCreateApi(APIView):
    """A new key for the integration. The response holds the key, once."""

    permission_classes = [IsAdmin]

    @extend_schema(request=s.ApiKeyCreateInput, responses={201: s.NewApiKeyOutput})
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        integration = get_object_or_404(Integration, pk=pk)
        data = s.ApiKeyCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        return _new_key_response(
            services.api_key_create(integration=integration, name=data.validated_data["name"], created_by=request.user)
        )


class IntegrationMeApi(APIView):
    """The calling key's integration: its scopes, rate limit and keys (never the keys themselves)."""

    required_scopes = (ANY_KEY, ANY_KEY)  # a platform may always ask what it is allowed to do

    @extend_schema(responses=s.IntegrationOutput)
    def get(self, request: Request) -> Response:
        integration = request_integration(request)
        if integration is None:
            raise Forbidden(_("Call this with an integration's API key (Authorization: Bearer …)."))
        return Response(s.IntegrationOutput(_integrations().get(pk=integration.pk)).data)


def _key_for(request: Request, pk: int) -> ApiKey:
    """Admins reach every key; a key reaches its own integration's keys; nobody else any. Another
    integration's key answers 404, like one that does not exist: nothing tells the caller it is there."""
    keys = ApiKey.objects.select_related("integration")
    integration = request_integration(request)
    if integration is not None:
        return get_object_or_404(keys.filter(integration=integration), pk=pk)
    if roles.is_admin(request.user):
        return get_object_or_404(keys, pk=pk)
    raise Forbidden(_("You may only manage your own integration's keys."))


class ApiKeyRotateApi(APIView):
    """A new key; the old one keeps working for ``overlap_hours`` (default 24) so nothing fails mid-switch."""

    required_scopes = (ANY_KEY, ANY_KEY)

    @extend_schema(request=s.ApiKeyRotateInput, responses={201: s.NewApiKeyOutput})
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        key = _key_for(request, pk)
        data = s.ApiKeyRotateInput(data=request.data)
        data.is_valid(raise_exception=True)
        overlap = timedelta(hours=data.validated_data["overlap_hours"])
        return _new_key_response(services.api_key_rotate(api_key=key, overlap=overlap, actor=request.user))


class ApiKeyRevokeApi(APIView):
    """Stop a key at once."""

    required_scopes = (ANY_KEY, ANY_KEY)

    @extend_schema(request=None, responses=s.ApiKeyOutput)
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        key = services.api_key_revoke(api_key=_key_for(request, pk), actor=request.user)
        return Response(s.ApiKeyOutput(key).data)
