"""Routing rules over the API (智能分流): list, create, read, change, delete, and preview a sample ticket.
Managers (global rules and their own teams'), admins (any), and API keys with ``workforce:read`` /
``workforce:write`` of an integration not bound to one shop platform."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import roles
from core.idempotency import idempotent_by_nature
from integrations.idempotency import idempotent
from integrations.permissions import ApiKeyScope, request_integration
from integrations.scopes import Scope

from ..models import RoutingRule
from ..selectors_routing import routing_rules_visible_to
from ..services.routing import (
    routing_preview,
    routing_rule_build,
    routing_rule_create,
    routing_rule_delete,
    routing_rule_update,
    routing_sample_clean,
)
from . import routing_serializers as s


class CanUseRoutingRules(BasePermission):
    message = gettext_lazy(
        "Routing rules are open to managers and admins, and to API keys (with the workforce scopes) of an "
        "integration not bound to one platform."
    )

    def has_permission(self, request: Any, view: Any) -> bool:
        integration = request_integration(request)
        if integration is not None:
            # A platform's integration must not steer other platforms' tickets; the scope is checked before.
            return not integration.platform
        return roles.is_manager(request.user)


class _RoutingApi(APIView):
    permission_classes = [IsAuthenticated, ApiKeyScope, CanUseRoutingRules]
    required_scopes = (Scope.WORKFORCE_READ, Scope.WORKFORCE_WRITE)

    def rules(self) -> Any:
        return routing_rules_visible_to(self.request.user)

    def get_rule(self, pk: int) -> RoutingRule:
        # Another team's rule is a 404 to a manager: that list is not theirs to read.
        return get_object_or_404(self.rules(), pk=pk)


class RoutingRuleListCreateApi(_RoutingApi):
    @extend_schema(responses=s.RoutingRuleOutput(many=True))
    def get(self, request: Request) -> Response:
        """Every rule the caller may see, global rules first, then each team's, each list in the order it runs."""
        rules = sorted(
            self.rules(), key=lambda rule: (rule.team_id is not None, rule.team_id or 0, rule.position, rule.pk)
        )
        return Response(s.RoutingRuleOutput(rules, many=True).data)

    @extend_schema(request=s.RoutingRuleInput, responses={201: s.RoutingRuleOutput})
    @idempotent
    def post(self, request: Request) -> Response:
        data = s.RoutingRuleInput(data=request.data)
        data.is_valid(raise_exception=True)
        rule = routing_rule_create(actor=request.user, **data.validated_data)
        return Response(s.RoutingRuleOutput(self.get_rule(rule.pk)).data, status=status.HTTP_201_CREATED)


class RoutingRuleDetailApi(_RoutingApi):
    @extend_schema(responses=s.RoutingRuleOutput)
    def get(self, request: Request, pk: int) -> Response:
        return Response(s.RoutingRuleOutput(self.get_rule(pk)).data)

    @extend_schema(request=s.RoutingRuleUpdateInput, responses=s.RoutingRuleOutput)
    def patch(self, request: Request, pk: int) -> Response:
        rule = self.get_rule(pk)
        data = s.RoutingRuleUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        routing_rule_update(rule=rule, actor=request.user, **data.validated_data)
        return Response(s.RoutingRuleOutput(self.get_rule(pk)).data)

    @extend_schema(responses={204: OpenApiResponse(description="Deleted; tickets it routed keep what it did.")})
    def delete(self, request: Request, pk: int) -> Response:
        routing_rule_delete(rule=self.get_rule(pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RoutingPreviewApi(_RoutingApi):
    # Read-only although a POST (it takes a body): the read scope is enough.
    required_scopes = (Scope.WORKFORCE_READ, Scope.WORKFORCE_READ)

    @extend_schema(request=s.RoutingPreviewInput, responses=s.RoutingPreviewOutput)
    @idempotent_by_nature
    def post(self, request: Request) -> Response:
        data = s.RoutingPreviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        replacing = None
        if v.get("rule") is not None or v.get("rule_id") is not None:
            saved = self.get_rule(v["rule_id"]) if v.get("rule_id") is not None else None
            replacing = routing_rule_build(rule=saved, **(v.get("rule") or {}))
        result = routing_preview(sample=routing_sample_clean(v["sample"]), replacing=replacing)
        outcome = result.outcome
        return Response(
            s.RoutingPreviewOutput(
                {
                    "fired": outcome.fired,
                    "team": result.team.pk if result.team else None,
                    "team_name": result.team.name if result.team else None,
                    "priority": result.priority,
                    "required_skill": outcome.required_skill.name if outcome.required_skill else None,
                    "owner": str(outcome.owner) if outcome.owner else None,
                    "tags": outcome.tags,
                    "restricted": outcome.restricted,
                    "stopped_by": outcome.stopped_by.pk if outcome.stopped_by else None,
                }
            ).data
        )


urlpatterns: list[URLPattern] = [
    path("routing-rules/", RoutingRuleListCreateApi.as_view(), name="routing-rule-list"),
    path("routing-rules/preview/", RoutingPreviewApi.as_view(), name="routing-rule-preview"),
    path("routing-rules/<id:pk>/", RoutingRuleDetailApi.as_view(), name="routing-rule-detail"),
]
