"""Complaint API: one view per operation; each calls one service."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import StandardCursorPagination, StandardOffsetPagination
from integrations.idempotency import idempotent
from tickets.access import visible_tickets_q
from tickets.api.base import TicketApiMixin

from .. import selectors, services
from ..enums import Severity
from ..models import Complaint, FollowUp
from . import serializers as s


def _complaint(pk: int, user: Any) -> Complaint:
    """The complaint of ticket ``pk``; 404 when there is none or the caller may not see the ticket."""
    return get_object_or_404(
        Complaint.objects.select_related("ticket", "owner").filter(visible_tickets_q(user, prefix="ticket__")),
        ticket__pk=pk,
    )


class ComplaintApiMixin(TicketApiMixin):
    def complaint_response(self, request: Request, pk: int, code: int = status.HTTP_200_OK) -> Response:
        complaint = (
            Complaint.objects.select_related("ticket__customer", "ticket__team", "ticket__assignee", "owner")
            .prefetch_related("follow_ups__done_by")
            .filter(visible_tickets_q(request.user, prefix="ticket__"))
            .get(ticket__pk=pk)
        )
        return Response(s.ComplaintOutput(complaint, context={"request": request}).data, status=code)


class ComplaintListCreateApi(ComplaintApiMixin, ListAPIView):  # type: ignore[type-arg]
    """Complaints, most severe first, then by resolution due time. ``?view=open|mine|all``, ``?severity=``;
    pages of ``page_size`` (default 50) with ``next`` (an order no cursor can follow, so counted by offset)."""

    serializer_class = s.ComplaintOutput
    pagination_class = StandardOffsetPagination

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Complaint.objects.none()
        view = self.request.query_params.get("view", "open")
        severity = self.request.query_params.get("severity", "")
        return selectors.complaint_queue(
            user=self.request.user, view=view if view in selectors.QUEUE_VIEWS else "open", severity=severity
        ).prefetch_related("follow_ups__done_by")

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "now": timezone.now()}

    @extend_schema(
        parameters=[
            OpenApiParameter("view", str, enum=list(selectors.QUEUE_VIEWS), description="Default open."),
            OpenApiParameter("severity", str, enum=list(Severity.values)),
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(request=s.ComplaintCreateInput, responses={201: s.ComplaintOutput})
    @idempotent
    def post(self, request: Request) -> Response:
        data = s.ComplaintCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        complaint = services.complaint_create(
            customer=v.pop("customer"),
            order=v.pop("order", None),
            customer_request=v.pop("customer_request"),
            review_link=v.pop("review_link"),
            created_by=request.user,
            **v,
        )
        return self.complaint_response(request, complaint.ticket_id, status.HTTP_201_CREATED)


class ComplaintDetailApi(ComplaintApiMixin):
    @extend_schema(responses=s.ComplaintOutput)
    def get(self, request: Request, pk: int) -> Response:
        _complaint(pk, request.user)
        return self.complaint_response(request, pk)

    @extend_schema(request=s.ComplaintUpdateInput, responses=s.ComplaintOutput)
    def patch(self, request: Request, pk: int) -> Response:
        complaint = _complaint(pk, request.user)
        data = s.ComplaintUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.complaint_update(complaint=complaint, actor=request.user, **data.validated_data)
        return self.complaint_response(request, pk)


class ComplaintResolveApi(ComplaintApiMixin):
    """Managers: record the analysis and resolution, report the result to the buyer, resolve the ticket."""

    @extend_schema(request=s.ComplaintResolveInput, responses=s.ComplaintOutput)
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        complaint = _complaint(pk, request.user)
        data = s.ComplaintResolveInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.complaint_resolve(complaint=complaint, actor=request.user, **data.validated_data)
        return self.complaint_response(request, pk)


class FollowUpListApi(ComplaintApiMixin, ListAPIView):  # type: ignore[type-arg]
    """Follow-up calls still to make; ``?due=true`` only those due now."""

    serializer_class = s.FollowUpOutput
    pagination_class = StandardCursorPagination

    def get_queryset(self) -> Any:
        due_only = self.request.query_params.get("due", "false").lower() in ("true", "1", "yes")
        return selectors.follow_up_list(user=self.request.user, due_only=due_only).order_by("-id")

    @extend_schema(parameters=[OpenApiParameter("due", bool, description="Only the calls due now.")])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class FollowUpRecordApi(ComplaintApiMixin):
    @extend_schema(request=s.FollowUpInput, responses=s.FollowUpOutput)
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        follow_up = get_object_or_404(
            FollowUp.objects.filter(visible_tickets_q(request.user, prefix="complaint__ticket__")), pk=pk
        )
        data = s.FollowUpInput(data=request.data)
        data.is_valid(raise_exception=True)
        follow_up = services.follow_up_record(follow_up=follow_up, actor=request.user, **data.validated_data)
        return Response(s.FollowUpOutput(follow_up).data)
