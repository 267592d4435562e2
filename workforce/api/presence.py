"""Presence API: the caller's own status (read and set), and the statuses of the agents they may see."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import roles
from integrations.permissions import ApiKeyScope
from integrations.scopes import Scope

from ..enums import PresenceReason, PresenceStatus
from ..selectors_presence import presence_list, presence_of
from ..services.presence import presence_set


class IsAgent(BasePermission):
    message = _("Only agents have a presence status.")

    def has_permission(self, request: Any, view: Any) -> bool:
        return roles.is_agent(request.user)


class MayReadPresence(BasePermission):
    message = _("Your account may not read presence.")

    def has_permission(self, request: Any, view: Any) -> bool:
        return roles.is_agent(request.user) or roles.is_integration(request.user)


class PresenceOutput(serializers.Serializer):
    user_id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()
    status = serializers.ChoiceField(choices=PresenceStatus.choices)
    status_since = serializers.DateTimeField(allow_null=True)


class PresenceInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=PresenceStatus.choices)


def _row(user: Any, status: str, since: Any) -> dict[str, Any]:
    return {"user_id": user.pk, "username": user.username, "name": str(user), "status": status, "status_since": since}


class _PresenceApi(APIView):
    required_scopes = (Scope.WORKFORCE_READ, Scope.WORKFORCE_WRITE)


class PresenceMeApi(_PresenceApi):
    """The caller's own status: online, busy, away (小休) or offline. Auto-assignment gives new tickets only to
    agents who are online. An agent with no open page of the helpdesk becomes offline within a few minutes."""

    permission_classes = [IsAuthenticated, ApiKeyScope, IsAgent]

    @extend_schema(responses=PresenceOutput)
    def get(self, request: Request) -> Response:
        status, since = presence_of(request.user)
        return Response(PresenceOutput(_row(request.user, status, since)).data)

    @extend_schema(request=PresenceInput, responses=PresenceOutput)
    def put(self, request: Request) -> Response:
        data = PresenceInput(data=request.data)
        data.is_valid(raise_exception=True)
        profile = presence_set(user=request.user, status=data.validated_data["status"], reason=PresenceReason.MANUAL)
        return Response(PresenceOutput(_row(request.user, profile.status, profile.status_since)).data)


class PresenceListApi(_PresenceApi):
    """Agents' statuses by username: admins and integrations see every agent, managers the members of the teams
    they manage, agents themselves."""

    permission_classes = [IsAuthenticated, ApiKeyScope, MayReadPresence]

    @extend_schema(responses=PresenceOutput(many=True))
    def get(self, request: Request) -> Response:
        rows = []
        for user in presence_list(user=request.user):
            profile = getattr(user, "agent_profile", None)
            status = profile.status if profile else PresenceStatus.OFFLINE
            rows.append(_row(user, status, profile.status_since if profile else None))
        return Response(PresenceOutput(rows, many=True).data)


urlpatterns: list[URLPattern] = [
    path("presence/", PresenceListApi.as_view(), name="presence-list"),
    path("presence/me/", PresenceMeApi.as_view(), name="presence-me"),
]
