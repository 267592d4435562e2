"""Canned replies over the API (read): the list, one reply, and one reply filled for a ticket.

People (session or token) read the replies they may use: global ones, their teams' and their own. An API key
(``replies:read``) reads the global replies only: keys are bound to a platform, never to a team, and a personal
reply is its owner's alone. Rendering for a ticket needs the ticket to be one the caller may see (a
platform-bound key: its platform's buyers); the agent's name is empty for a key.
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import roles
from core.api import StandardOffsetPagination
from core.converters import MAX_ID
from core.errors import NotFound
from integrations.permissions import ApiKeyScope
from integrations.scopes import Scope
from tickets.selectors import ticket_get_for_agent

from ..models import CannedReply, ReplyScope
from ..selectors_canned import ReplyFilters, canned_reply_get, canned_reply_list, canned_reply_render
from ..variables import used_variables

TAGS = ["canned-replies"]


class IsStaffOrIntegration(BasePermission):
    message = gettext_lazy("Staff accounts and API keys only.")

    def has_permission(self, request: Any, view: Any) -> bool:
        return roles.is_agent(request.user) or roles.is_integration(request.user)


class CannedReplyOutput(serializers.Serializer):
    id = serializers.IntegerField()
    scope = serializers.ChoiceField(choices=ReplyScope.choices)
    team = serializers.IntegerField(source="team_id", allow_null=True)
    folder = serializers.IntegerField(source="folder_id", allow_null=True)
    folder_name = serializers.SerializerMethodField()
    title = serializers.CharField()
    shortcut = serializers.CharField(help_text="Without the leading #.")
    body = serializers.CharField(help_text="With its variables, e.g. {{订单号}} or {{order_number}}.")
    variables = serializers.SerializerMethodField(help_text="The variables the body uses (their English keys).")
    usage_count = serializers.IntegerField(help_text="Times agents inserted it into a reply.")
    last_used_at = serializers.DateTimeField(allow_null=True)
    is_active = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_folder_name(self, reply: CannedReply) -> str:
        return reply.folder.name if reply.folder else ""

    def get_variables(self, reply: CannedReply) -> list[str]:
        return [variable.key for variable in used_variables(reply.body)]


class CannedReplyFilterInput(serializers.Serializer):
    q = serializers.CharField(
        required=False, max_length=50, help_text="Shortcut, title, text, or the title's pinyin / initials."
    )
    folder = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    scope = serializers.ChoiceField(required=False, choices=ReplyScope.choices)


class RenderInput(serializers.Serializer):
    ticket = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The ticket to fill the reply for.")


class MissingVariableOutput(serializers.Serializer):
    key = serializers.CharField()
    alias = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # the field is named label, like Field.label


class RenderOutput(serializers.Serializer):
    reply = serializers.IntegerField()
    ticket = serializers.IntegerField()
    text = serializers.CharField(
        help_text="The body with the ticket's values; a variable without a value is marked 【请填写：…】."
    )
    missing = MissingVariableOutput(many=True, help_text="Variables with no value for this ticket.")


class _RepliesApi(GenericAPIView):
    permission_classes = [ApiKeyScope, IsStaffOrIntegration]
    required_scopes = (Scope.REPLIES_READ, None)

    def get_reply(self, pk: int) -> CannedReply:
        reply = canned_reply_get(user=self.request.user, pk=pk)
        if reply is None or not reply.is_active:
            raise NotFound(_("No such canned reply."))
        return reply


class CannedReplyListApi(_RepliesApi, ListAPIView):
    """The active replies the caller may use, by title; ``q`` matches shortcut, title, text and pinyin."""

    serializer_class = CannedReplyOutput
    pagination_class = StandardOffsetPagination
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return CannedReply.objects.none()
        data = CannedReplyFilterInput(data=self.request.query_params)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        filters = ReplyFilters(query=v.get("q", ""), folder_id=v.get("folder"), scope=v.get("scope", ""), active=True)
        return canned_reply_list(user=self.request.user, filters=filters)

    @extend_schema(tags=TAGS, parameters=[CannedReplyFilterInput])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class CannedReplyDetailApi(_RepliesApi):
    serializer_class = CannedReplyOutput

    @extend_schema(tags=TAGS, responses=CannedReplyOutput)
    def get(self, request: Request, pk: int) -> Response:
        return Response(CannedReplyOutput(self.get_reply(pk)).data)


class CannedReplyRenderApi(_RepliesApi):
    """The reply filled from the ticket's buyer, order, team and links, and the variables left without a value
    (marked 【请填写：…】 in the text: a reply still holding a marker is refused when sent)."""

    serializer_class = RenderOutput

    @extend_schema(tags=TAGS, parameters=[RenderInput], responses=RenderOutput)
    def get(self, request: Request, pk: int) -> Response:
        reply = self.get_reply(pk)
        data = RenderInput(data=request.query_params)
        data.is_valid(raise_exception=True)
        ticket = ticket_get_for_agent(pk=data.validated_data["ticket"], user=request.user)
        if ticket is None:
            raise NotFound(_("No such ticket."))
        rendered = canned_reply_render(reply=reply, ticket=ticket, user=request.user)
        missing = [{"key": v.key, "alias": v.alias, "label": str(v.label)} for v in rendered.missing]
        return Response(
            RenderOutput({"reply": reply.pk, "ticket": ticket.pk, "text": rendered.text, "missing": missing}).data
        )


urlpatterns = [
    path("canned-replies/", CannedReplyListApi.as_view(), name="canned-reply-list"),
    path("canned-replies/<id:pk>/", CannedReplyDetailApi.as_view(), name="canned-reply-detail"),
    path("canned-replies/<id:pk>/render/", CannedReplyRenderApi.as_view(), name="canned-reply-render"),
]
