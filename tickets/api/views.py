"""Ticket API: one view per operation. Views parse input, check permission, call one service, render output."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import FileResponse, Http404
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import StandardCursorPagination, StrictOrderingFilter
from core.files import CheckedFile, evidence_response
from core.parsers import JSONParser
from integrations.idempotency import idempotent
from integrations.permissions import ApiKeyScope
from tickets.services.assignment import ticket_assign, ticket_set_restricted, ticket_set_team, ticket_take
from tickets.services.attachments import attachments_check
from tickets.services.classification import ticket_reclassify, ticket_set_priority
from tickets.services.help import ticket_request_help
from tickets.services.intake import TicketAlreadyExists, ticket_create_with_customer
from tickets.services.messages import (
    ticket_add_customer_message,
    ticket_add_note,
    ticket_reply,
    ticket_reply_and_set_status,
)
from tickets.services.transitions import ticket_transition

from ..access import tickets_visible_to
from ..models import Escalation, Team, Ticket
from ..selectors import assignable_users, escalation_list
from ..selectors_attachments import attachment_for_staff
from . import serializers as s
from .base import IsManager, TicketApiMixin
from .filters import TicketFilter


class TicketListCreateApi(TicketApiMixin, ListAPIView):
    serializer_class = s.TicketListOutput
    pagination_class = StandardCursorPagination
    filter_backends = [DjangoFilterBackend, StrictOrderingFilter]
    filterset_class = TicketFilter
    ordering_fields = ["id", "updated_at", "created_at"]
    ordering = ["-id"]

    def get_queryset(self) -> Any:
        return tickets_visible_to(self.request.user).select_related(
            "customer", "team", "team__calendar", "assignee", "sla_policy", "sla_policy__calendar"
        )

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "now": timezone.now()}

    @extend_schema(
        request=s.TicketCreateInput,
        responses={
            201: s.TicketDetailOutput,
            200: OpenApiResponse(s.TicketDetailOutput, description="The ticket with this external_id, made earlier."),
        },
    )
    @idempotent
    def post(self, request: Request) -> Response:
        data = s.TicketCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:
            ticket = self._create(request, v)
        except TicketAlreadyExists as exc:
            return self.detail_response(request, exc.ticket.pk, status.HTTP_200_OK)
        return self.detail_response(request, ticket.pk, status.HTTP_201_CREATED)

    def _create(self, request: Request, v: dict[str, Any]) -> Ticket:
        return ticket_create_with_customer(
            customer=v["customer"],
            order=v.get("order"),
            kind=v["kind"],
            category=v["category"],
            subject=v["subject"],
            description=v["description"],
            channel=v["channel"],
            priority=v["priority"],
            team=v.get("team"),
            received_at=v.get("received_at"),
            created_by=request.user,
            external_id=v["external_id"],
        )


class TicketDetailApi(TicketApiMixin, GenericAPIView):
    serializer_class = s.TicketDetailOutput

    @extend_schema(responses=s.TicketDetailOutput)
    def get(self, request: Request, pk: int) -> Response:
        self.get_ticket(pk)
        return self.detail_response(request, pk)

    @extend_schema(request=s.TicketUpdateInput, responses=s.TicketDetailOutput)
    def patch(self, request: Request, pk: int) -> Response:
        ticket = self.get_ticket(pk)
        data = s.TicketUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        actor = request.user
        # One request, one outcome: if any change is refused, none is kept.
        with transaction.atomic():
            if "kind" in v or "category" in v:
                ticket_reclassify(
                    ticket=ticket,
                    kind=v.get("kind", ticket.kind),
                    category=v.get("category", ticket.category),
                    actor=actor,
                )
            if "team" in v:
                ticket_set_team(ticket=ticket, team=v["team"], actor=actor)
            if "assignee" in v:
                ticket_assign(ticket=ticket, assignee=v["assignee"], actor=actor)
            if "priority" in v:
                ticket_set_priority(ticket=ticket, priority=v["priority"], actor=actor)
            if "status" in v:
                ticket_transition(
                    ticket=ticket, to_status=v["status"], actor=actor, seen_event_id=v.get("last_seen_event_id")
                )
            if "restricted" in v:
                ticket_set_restricted(ticket=ticket, restricted=v["restricted"], actor=actor)
        return self.detail_response(request, pk)


MESSAGE_PARSERS = [JSONParser, MultiPartParser]
ATTACHMENT_REQUEST_DOC = "JSON for text only; multipart/form-data to attach files (``attachments``, repeated)."


def _message_request(serializer: type) -> dict[str, type]:
    return {"application/json": serializer, "multipart/form-data": serializer}


class _MessageApi(TicketApiMixin, APIView):
    parser_classes = MESSAGE_PARSERS
    allow_documents = True

    def create(self, ticket: Ticket, user: Any, body: str, attachments: list[CheckedFile]) -> Any:
        raise NotImplementedError

    @extend_schema(
        request=_message_request(s.MessageInput),
        responses={201: s.TicketDetailOutput},
        description=ATTACHMENT_REQUEST_DOC,
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        ticket = self.get_ticket(pk)
        data = s.MessageInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        checked = attachments_check(v["attachments"], allow_documents=self.allow_documents)
        self.create(ticket, request.user, v["body"], checked)
        return self.detail_response(request, pk, status.HTTP_201_CREATED)


class TicketReplyApi(TicketApiMixin, APIView):
    """A public reply to the buyer, with optional files (multipart). The first one stops the first-response
    clock. With ``last_seen_event_id``, refused (409 ``stale_ticket``) if the ticket changed in a way that
    matters since. With ``status`` (pending_customer or resolved), that status is set in the same transaction.
    A reply that a reply check blocks (a forbidden wording rule) is refused (400 ``reply_blocked``, listing
    ``problems``) unless ``override_reason`` says why it goes out anyway."""

    parser_classes = MESSAGE_PARSERS

    @extend_schema(
        request=_message_request(s.ReplyInput),
        responses={201: s.TicketDetailOutput},
        description=ATTACHMENT_REQUEST_DOC,
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        ticket = self.get_ticket(pk)
        data = s.ReplyInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        checked = attachments_check(v["attachments"])
        reply = {
            "ticket": ticket,
            "author": request.user,
            "body": v["body"],
            "seen_event_id": v.get("last_seen_event_id"),
            "override_reason": v.get("override_reason", ""),
            "attachments": checked,
        }
        if v.get("status"):
            ticket_reply_and_set_status(to_status=v["status"], **reply)
        else:
            ticket_reply(**reply)
        return self.detail_response(request, pk, status.HTTP_201_CREATED)


class TicketNoteApi(_MessageApi):
    """An internal note, never shown to the buyer, with optional files (multipart), as internal as the note."""

    def create(self, ticket: Ticket, user: Any, body: str, attachments: list[CheckedFile]) -> Any:
        return ticket_add_note(ticket=ticket, author=user, body=body, attachments=attachments)


class TicketCustomerMessageApi(_MessageApi):
    """A message from the buyer, pushed by the shop platform, with the buyer's photos or PDFs (multipart).
    Resumes paused clocks, reopens resolved tickets; on an after-sales ticket the photos become evidence."""

    allow_documents = False

    def create(self, ticket: Ticket, user: Any, body: str, attachments: list[CheckedFile]) -> Any:
        return ticket_add_customer_message(ticket=ticket, body=body, actor=user, attachments=attachments)


class TicketAttachmentApi(TicketApiMixin, APIView):
    """A message's file (``?thumbnail=1``: the JPEG thumbnail of a photo). An internal note's file needs
    ``notes:read`` (staff always); 404 for a ticket the caller may not see."""

    @extend_schema(
        parameters=[OpenApiParameter("thumbnail", str, enum=["1"], description="1: the thumbnail of a photo.")],
        responses={(200, "application/octet-stream"): bytes},
    )
    def get(self, request: Request, pk: int, attachment_id: int) -> FileResponse:
        attachment = attachment_for_staff(ticket_id=pk, attachment_id=attachment_id, user=request.user)
        if attachment is None:
            raise Http404
        return evidence_response(
            attachment, thumbnail=request.query_params.get("thumbnail") == "1", download_name=attachment.display_name
        )


class TicketTakeApi(TicketApiMixin, APIView):
    @extend_schema(request=None, responses=s.TicketDetailOutput)
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        ticket_take(ticket=self.get_ticket(pk), actor=request.user)
        return self.detail_response(request, pk)


class TicketHelpRequestApi(TicketApiMixin, APIView):
    """An agent asks the ticket's managers for help (求助主管); one open request per ticket at a time."""

    @extend_schema(request=s.HelpRequestInput, responses={201: s.EscalationOutput})
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        ticket = self.get_ticket(pk)
        data = s.HelpRequestInput(data=request.data)
        data.is_valid(raise_exception=True)
        escalation = ticket_request_help(ticket=ticket, actor=request.user, reason=data.validated_data["reason"])
        return Response(s.EscalationOutput(escalation).data, status=status.HTTP_201_CREATED)


class TeamListApi(TicketApiMixin, ListAPIView):
    serializer_class = s.TeamOutput
    pagination_class = None
    queryset = Team.objects.order_by("name")


class AgentListApi(TicketApiMixin, ListAPIView):
    """People who can be assigned tickets."""

    serializer_class = s.UserOutput
    pagination_class = None

    def get_queryset(self) -> Any:
        return assignable_users()


class EscalationListApi(ListAPIView):
    """Escalations, newest first; ``?open=false`` includes acknowledged ones. Managers only."""

    serializer_class = s.EscalationListOutput
    permission_classes = [ApiKeyScope, IsManager]
    pagination_class = StandardCursorPagination

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Escalation.objects.none()
        open_only = self.request.query_params.get("open", "true").lower() not in ("false", "0", "no")
        kind = self.request.query_params.get("type", "")
        return escalation_list(user=self.request.user, open_only=open_only, kind=kind)

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "now": timezone.now()}

    @extend_schema(
        parameters=[
            OpenApiParameter("open", bool, description="Default true; false includes acknowledged ones."),
            OpenApiParameter(
                "type",
                str,
                enum=["sla", "help"],
                description="sla: only SLA breaches; help: only agents' help requests (target requested). "
                "Default: both.",
            ),
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)
