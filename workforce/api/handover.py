"""Shifts and the handover book over the API.

Shifts: ``workforce:read`` to read, ``workforce:write`` to change (keys); people read the shifts of the teams
whose book they read and change those of the teams they manage (admins: every team). Handovers are written
and acknowledged by people (session or token); a key with ``workforce:read`` reads every team's book, its
tickets limited to those the key may see (the others show their reference only)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import roles
from core.api import StandardOffsetPagination
from core.converters import MAX_ID
from core.errors import Forbidden, NotFound, ValidationFailed
from integrations.idempotency import idempotent
from integrations.permissions import ApiKeyScope
from integrations.scopes import Scope
from tickets.api.serializers import UserOutput
from tickets.models import Team, Ticket

from ..enums import HandoverAction
from ..models import Handover, HandoverItem, Shift
from ..selectors_handover import BookFilters, handover_get, handover_list, handover_teams
from ..services.handover import ITEM_NOTE_MAX, NOTES_MAX, ItemInput, handover_acknowledge, handover_create
from ..services.shifts import NAME_MAX, shift_create, shift_delete, shift_may_manage, shift_update

User = get_user_model()


class IsStaffOrIntegration(BasePermission):
    message = gettext_lazy("Staff accounts and API keys only.")

    def has_permission(self, request: Any, view: Any) -> bool:
        return roles.is_agent(request.user) or roles.is_integration(request.user)


# --- serializers -------------------------------------------------------------------------------------------


class ShiftOutput(serializers.Serializer):
    id = serializers.IntegerField()
    team = serializers.IntegerField(source="team_id")
    name = serializers.CharField()
    start_time = serializers.TimeField(format="%H:%M")
    end_time = serializers.TimeField(format="%H:%M", help_text="At or before start_time: runs past midnight.")
    members = UserOutput(many=True)


class ShiftInput(serializers.Serializer):
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all())
    name = serializers.CharField(max_length=NAME_MAX)
    start_time = serializers.TimeField(help_text="Wall-clock time in the team calendar's time zone (HH:MM).")
    end_time = serializers.TimeField(help_text="At or before start_time: the shift runs past midnight.")
    members = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), many=True, required=False)


class ShiftUpdateInput(serializers.Serializer):
    name = serializers.CharField(max_length=NAME_MAX, required=False)
    start_time = serializers.TimeField(required=False)
    end_time = serializers.TimeField(required=False)
    members = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), many=True, required=False)


class ShiftFilterInput(serializers.Serializer):
    team = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)


class HandoverItemOutput(serializers.Serializer):
    ticket = serializers.IntegerField(source="ticket_id")
    reference = serializers.SerializerMethodField()
    subject = serializers.SerializerMethodField(help_text="Empty when the caller may not see the ticket.")
    action = serializers.ChoiceField(choices=HandoverAction.choices)
    to_agent = UserOutput(allow_null=True)
    note = serializers.SerializerMethodField(help_text="Empty when the caller may not see the ticket.")

    def get_note(self, item: HandoverItem) -> str:
        return item.note if getattr(item, "ticket_visible", False) else ""

    def get_reference(self, item: HandoverItem) -> str:
        return item.ticket.reference

    def get_subject(self, item: HandoverItem) -> str:
        return item.ticket.subject if getattr(item, "ticket_visible", False) else ""


class AckOutput(serializers.Serializer):
    user = UserOutput()
    acknowledged_at = serializers.DateTimeField()


class HandoverOutput(serializers.Serializer):
    id = serializers.IntegerField()
    team = serializers.IntegerField(source="team_id")
    shift = serializers.IntegerField(source="shift_id", allow_null=True)
    shift_date = serializers.DateField()
    author = UserOutput()
    notes = serializers.CharField()
    created_at = serializers.DateTimeField()
    unread = serializers.BooleanField(help_text="Not yet acknowledged by the caller, not theirs, from the last 7 days.")
    items = HandoverItemOutput(many=True)
    acknowledgements = AckOutput(many=True, source="acks")


class HandoverItemInput(serializers.Serializer):
    ticket = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    action = serializers.ChoiceField(choices=HandoverAction.choices)
    to_agent = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)
    note = serializers.CharField(max_length=ITEM_NOTE_MAX, required=False, allow_blank=True, default="")


class HandoverInput(serializers.Serializer):
    team = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    notes = serializers.CharField(max_length=NOTES_MAX, required=False, allow_blank=True, default="")
    items = HandoverItemInput(many=True, required=False, default=list)


class HandoverFilterInput(serializers.Serializer):
    team = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    date_from = serializers.DateField(required=False, help_text="Shift date from (inclusive).")
    date_to = serializers.DateField(required=False, help_text="Shift date to (inclusive).")
    author = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    ticket = serializers.CharField(required=False, max_length=40, help_text="A ticket reference (HD-000042 or 42).")
    unread = serializers.BooleanField(required=False, default=False)


class AckResultOutput(serializers.Serializer):
    handover = serializers.IntegerField(source="handover_id")
    user = UserOutput()
    acknowledged_at = serializers.DateTimeField()


# --- shifts ------------------------------------------------------------------------------------------------


class _ShiftApi(APIView):
    permission_classes = [ApiKeyScope, IsStaffOrIntegration]
    required_scopes = (Scope.WORKFORCE_READ, Scope.WORKFORCE_WRITE)

    def readable(self) -> QuerySet[Shift]:
        return (
            Shift.objects.filter(team__in=handover_teams(self.request.user))
            .select_related("team")
            .prefetch_related("members")
            .order_by("team_id", "start_time", "id")
        )


class ShiftListCreateApi(_ShiftApi, ListAPIView):
    """The shifts of the teams the caller may read, by team and start time; ``team`` to filter. Not paginated
    (a team has a few shifts), like the list of teams."""

    serializer_class = ShiftOutput
    pagination_class = None
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Shift.objects.none()
        filters = ShiftFilterInput(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        queryset = self.readable()
        if "team" in filters.validated_data:
            queryset = queryset.filter(team_id=filters.validated_data["team"])
        return queryset

    @extend_schema(parameters=[ShiftFilterInput])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(request=ShiftInput, responses={201: ShiftOutput})
    @idempotent
    def post(self, request: Request) -> Response:
        data = ShiftInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        shift = shift_create(
            team=v["team"],
            name=v["name"],
            start_time=v["start_time"],
            end_time=v["end_time"],
            members=v.get("members", []),
            actor=request.user,
        )
        return Response(ShiftOutput(self.readable().get(pk=shift.pk)).data, status=status.HTTP_201_CREATED)


class ShiftDetailApi(_ShiftApi, GenericAPIView):
    serializer_class = ShiftOutput

    def get_shift(self, pk: int) -> Shift:
        shift = self.readable().filter(pk=pk).first()
        if shift is None:
            raise NotFound(_("No such shift."))
        return shift

    @extend_schema(responses=ShiftOutput)
    def get(self, request: Request, pk: int) -> Response:
        return Response(ShiftOutput(self.get_shift(pk)).data)

    @extend_schema(request=ShiftUpdateInput, responses=ShiftOutput)
    def patch(self, request: Request, pk: int) -> Response:
        shift = self.get_shift(pk)
        if not shift_may_manage(request.user, shift.team):
            raise Forbidden(_("Only the team's managers and admins manage its shifts."))
        data = ShiftUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        shift_update(shift=shift, actor=request.user, **data.validated_data)
        return Response(ShiftOutput(self.get_shift(pk)).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        shift = self.get_shift(pk)
        shift_delete(shift=shift, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- handovers ---------------------------------------------------------------------------------------------


class _HandoverApi(APIView):
    permission_classes = [ApiKeyScope, IsStaffOrIntegration]
    # Keys read (workforce:read); writing is for people only (no key scope opens it).
    required_scopes = (Scope.WORKFORCE_READ, None)


class HandoverListCreateApi(_HandoverApi, ListAPIView):
    """The handovers the caller may read, unread first, then newest first."""

    serializer_class = HandoverOutput
    pagination_class = StandardOffsetPagination
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Handover.objects.none()
        data = HandoverFilterInput(data=self.request.query_params)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        filters = BookFilters(
            date_from=v.get("date_from"),
            date_to=v.get("date_to"),
            author_id=v.get("author"),
            ticket=v.get("ticket", ""),
            unread_only=v.get("unread", False),
        )
        if "team" in v:
            filters.team = Team.objects.filter(pk=v["team"]).first()
            if filters.team is None:
                return Handover.objects.none()
        return handover_list(user=self.request.user, filters=filters)

    @extend_schema(parameters=[HandoverFilterInput])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(request=HandoverInput, responses={201: HandoverOutput})
    @idempotent
    def post(self, request: Request) -> Response:
        if roles.is_integration(request.user):
            raise Forbidden(_("Handovers are written by people."))
        data = HandoverInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        team = Team.objects.filter(pk=v["team"]).first()
        if team is None:
            raise ValidationFailed(_("No such team."), fields={"team": [_("No such team.")]})
        users = User.objects.in_bulk([item["to_agent"] for item in v["items"] if item.get("to_agent")])
        tickets = Ticket.objects.in_bulk([item["ticket"] for item in v["items"]])
        items = []
        for index, item in enumerate(v["items"]):
            to_agent = None
            if item.get("to_agent"):
                to_agent = users.get(item["to_agent"])
                if to_agent is None:
                    raise ValidationFailed(
                        _("No such agent."), fields={f"items[{index}].to_agent": [_("No such agent.")]}
                    )
            ticket = tickets.get(item["ticket"])
            items.append(
                ItemInput(
                    ticket=ticket if ticket is not None else item["ticket"],
                    action=item["action"],
                    to_agent=to_agent,
                    note=item.get("note", ""),
                )
            )
        handover = handover_create(author=request.user, team=team, notes=v["notes"], items=items)
        created = handover_get(user=request.user, pk=handover.pk)
        return Response(HandoverOutput(created).data, status=status.HTTP_201_CREATED)


class HandoverDetailApi(_HandoverApi, GenericAPIView):
    serializer_class = HandoverOutput

    @extend_schema(responses=HandoverOutput)
    def get(self, request: Request, pk: int) -> Response:
        handover = handover_get(user=request.user, pk=pk)
        if handover is None:
            raise NotFound(_("No such handover."))
        return Response(HandoverOutput(handover).data)


class HandoverAcknowledgeApi(_HandoverApi):
    """Acknowledge a handover of your team (not your own). Repeating it answers the first acknowledgement."""

    @extend_schema(request=None, responses={200: AckResultOutput, 201: AckResultOutput})
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        handover = handover_get(user=request.user, pk=pk)
        if handover is None:
            raise NotFound(_("No such handover."))
        ack, created = handover_acknowledge(handover=handover, user=request.user)
        return Response(AckResultOutput(ack).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


urlpatterns = [
    path("shifts/", ShiftListCreateApi.as_view(), name="shift-list"),
    path("shifts/<id:pk>/", ShiftDetailApi.as_view(), name="shift-detail"),
    path("handovers/", HandoverListCreateApi.as_view(), name="handover-list"),
    path("handovers/<id:pk>/", HandoverDetailApi.as_view(), name="handover-detail"),
    path("handovers/<id:pk>/acknowledgements/", HandoverAcknowledgeApi.as_view(), name="handover-acknowledge"),
]
