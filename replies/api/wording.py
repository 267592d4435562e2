"""Wording rules over the API (issue 16 point 6): list and create them, and check a reply against every reply
check before sending it. Staff (agents read, managers change) and API keys with ``replies:read`` /
``replies:write``."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import roles
from core.idempotency import idempotent_by_nature
from core.limits import BODY_MAX
from integrations.idempotency import idempotent
from integrations.permissions import ApiKeyScope
from integrations.scopes import Scope
from tickets.access import tickets_visible_to
from tickets.models import Team

from ..models import WordingMatch, WordingRule, WordingRuleKind
from ..models.wording import EXPLANATION_MAX, PATTERN_MAX, SUGGESTION_MAX
from ..selectors_wording import reply_check_result, wording_rules_visible_to
from ..services.wording import wording_rule_create, wording_rule_delete, wording_rule_update


class CanReadWordingRules(BasePermission):
    message = gettext_lazy("Wording rules are open to agents, managers and admins, and to API keys.")

    def has_permission(self, request: Any, view: Any) -> bool:
        return roles.is_agent(request.user) or roles.is_integration(request.user)


class WordingRuleOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=WordingRuleKind.choices)
    match = serializers.ChoiceField(choices=WordingMatch.choices)
    pattern = serializers.CharField()
    explanation = serializers.CharField()
    suggestion = serializers.CharField()
    active = serializers.BooleanField()
    team = serializers.IntegerField(source="team_id", allow_null=True)
    warned_count = serializers.IntegerField(help_text="Replies sent with this rule's warning.")
    overridden_count = serializers.IntegerField(help_text="Replies sent past this rule with an override reason.")
    created_at = serializers.DateTimeField()


class WordingRuleInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=WordingRuleKind.choices)
    match = serializers.ChoiceField(choices=WordingMatch.choices)
    pattern = serializers.CharField(
        max_length=PATTERN_MAX,
        help_text="Phrases separated by “|” (exact, contains) or a regular expression (regex): it must compile, "
        "hold no nested or repeated open-ended repeats, alternatives inside a long repeat or back references, "
        "and run quickly on the longest reply; otherwise 400.",
    )
    explanation = serializers.CharField(max_length=EXPLANATION_MAX)
    suggestion = serializers.CharField(max_length=SUGGESTION_MAX, required=False, allow_blank=True, default="")
    active = serializers.BooleanField(required=False, default=True)
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(), required=False, allow_null=True, default=None, help_text="None: every team."
    )


class ReplyCheckInput(serializers.Serializer):
    body = serializers.CharField(max_length=BODY_MAX)


class ReplyProblemOutput(serializers.Serializer):
    code = serializers.CharField(help_text="wording_forbidden, wording_discouraged, or another app's check.")
    message = serializers.CharField()
    blocking = serializers.BooleanField(help_text="True: the reply is refused unless sent with override_reason.")
    overridable = serializers.BooleanField(
        help_text="False for a blocking problem no override_reason passes (an unfilled canned-reply variable)."
    )
    rule_id = serializers.IntegerField(allow_null=True)
    explanation = serializers.CharField()
    suggestion = serializers.CharField()


class ReplyCheckOutput(serializers.Serializer):
    blocking = serializers.BooleanField()
    problems = ReplyProblemOutput(many=True)


class WordingRuleListCreateApi(APIView):
    permission_classes = [IsAuthenticated, ApiKeyScope, CanReadWordingRules]
    required_scopes = (Scope.REPLIES_READ, Scope.REPLIES_WRITE)

    @extend_schema(responses=WordingRuleOutput(many=True))
    def get(self, request: Request) -> Response:
        """Every wording rule, global ones first, with how often each warned and was overridden."""
        return Response(WordingRuleOutput(wording_rules_visible_to(request.user), many=True).data)

    @extend_schema(request=WordingRuleInput, responses={201: WordingRuleOutput})
    @idempotent
    def post(self, request: Request) -> Response:
        """A new rule: managers (global, or their own team's) and admins; a bad pattern is a 400."""
        data = WordingRuleInput(data=request.data)
        data.is_valid(raise_exception=True)
        rule = wording_rule_create(actor=request.user, **data.validated_data)
        return Response(WordingRuleOutput(rule).data, status=status.HTTP_201_CREATED)


class WordingRuleUpdateInput(WordingRuleInput):
    """Every field optional: those given change, the rule is vetted again as a whole."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, partial=True, **kwargs)


class WordingRuleDetailApi(APIView):
    permission_classes = [IsAuthenticated, ApiKeyScope, CanReadWordingRules]
    required_scopes = (Scope.REPLIES_READ, Scope.REPLIES_WRITE)

    def get_rule(self, pk: int) -> WordingRule:
        return get_object_or_404(wording_rules_visible_to(self.request.user), pk=pk)

    @extend_schema(responses=WordingRuleOutput)
    def get(self, request: Request, pk: int) -> Response:
        """One rule with its counters."""
        return Response(WordingRuleOutput(self.get_rule(pk)).data)

    @extend_schema(request=WordingRuleUpdateInput, responses=WordingRuleOutput)
    def patch(self, request: Request, pk: int) -> Response:
        """Change a rule: the fields given change; the pattern is vetted again."""
        rule = self.get_rule(pk)
        data = WordingRuleUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        current = {name: getattr(rule, name) for name in RULE_FIELDS} | {"team": rule.team}
        rule = wording_rule_update(rule=rule, actor=request.user, **(current | dict(data.validated_data)))
        return Response(WordingRuleOutput(rule).data)

    @extend_schema(responses={204: OpenApiResponse(description="Deleted; overrides recorded on tickets stay.")})
    def delete(self, request: Request, pk: int) -> Response:
        wording_rule_delete(rule=self.get_rule(pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


RULE_FIELDS = ("kind", "match", "pattern", "explanation", "suggestion", "active")


class TicketReplyCheckApi(APIView):
    """What the reply checks say about a reply before it is sent on this ticket: each problem, whether it
    blocks (then the reply needs ``override_reason``), the rule's explanation and better wording. Writes
    nothing."""

    permission_classes = [IsAuthenticated, ApiKeyScope, CanReadWordingRules]
    # A read (it writes nothing) though it is a POST: the reply may be too long for a query string.
    required_scopes = (Scope.REPLIES_READ, Scope.REPLIES_READ)

    @extend_schema(request=ReplyCheckInput, responses=ReplyCheckOutput)
    @idempotent_by_nature
    def post(self, request: Request, pk: int) -> Response:
        ticket = get_object_or_404(tickets_visible_to(request.user), pk=pk)
        data = ReplyCheckInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = reply_check_result(ticket=ticket, body=data.validated_data["body"].strip(), actor=request.user)
        return Response(ReplyCheckOutput(result).data)


urlpatterns: list[URLPattern] = [
    path("wording-rules/", WordingRuleListCreateApi.as_view(), name="wording-rule-list"),
    path("wording-rules/<id:pk>/", WordingRuleDetailApi.as_view(), name="wording-rule-detail"),
    path("tickets/<id:pk>/reply-check/", TicketReplyCheckApi.as_view(), name="ticket-reply-check"),
]
