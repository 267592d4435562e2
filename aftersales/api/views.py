"""After-sales API: one view per operation. Views parse input, check permission, call one service, render."""

from __future__ import annotations

import hashlib
from typing import Any

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.services.approvals import aftersales_approval_decide, aftersales_approval_request
from aftersales.services.evidence import aftersales_evidence_add
from aftersales.services.intake import LineInput, aftersales_request_create
from aftersales.services.offers import aftersales_offer_answer, aftersales_offer_make
from aftersales.services.transitions import aftersales_transition
from core.api import StandardCursorPagination
from core.files import evidence_response
from integrations.access import refuse_other_platform
from integrations.idempotency import idempotent
from integrations.permissions import ApiKeyScope
from integrations.scopes import Scope
from tickets.access import tickets_visible_to
from tickets.api.base import CanUseTicketApi, IsManager
from tickets.enums import Channel

from .. import selectors
from ..models import AfterSalesRequest
from . import serializers as s


class AfterSalesApiMixin(APIView):
    permission_classes = [ApiKeyScope, CanUseTicketApi]
    required_scopes = (Scope.AFTERSALES_READ, Scope.AFTERSALES_WRITE)

    def get_request_or_404(self, pk: int) -> AfterSalesRequest:
        """The request named in the URL; 404 when missing or its ticket is not the caller's to see."""
        return get_object_or_404(selectors.requests_visible_to(self.request.user), pk=pk)

    def detail_response(self, request: Request, pk: int, status_code: int = status.HTTP_200_OK) -> Response:
        found = selectors.aftersales_get(pk=pk, user=request.user)
        if found is None:
            raise Http404
        overview = selectors.aftersales_overview(request=found, actor=request.user)
        data = s.AfterSalesRequestDetailOutput(found, context={"request": request, "overview": overview}).data
        return Response(data, status=status_code)


class RequestCursorPagination(StandardCursorPagination):
    ordering = "-id"


class RequestListCreateApi(AfterSalesApiMixin, ListAPIView):
    """List after-sales requests (filters: status, type, reason, order_number, ticket) or create one.

    Create takes JSON, like every write but the evidence upload: the photos follow through
    ``POST …/{id}/evidence/`` (until they arrive, the policy check names what the reason still needs).
    ``Idempotency-Key`` makes a retried create safe.
    """

    serializer_class = s.AfterSalesRequestListOutput
    pagination_class = RequestCursorPagination

    def get_queryset(self) -> Any:
        filters = s.AfterSalesListFilterInput(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.aftersales_queue(user=self.request.user, view="all", filters=dict(filters.validated_data))

    @extend_schema(parameters=[s.AfterSalesListFilterInput])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(request=s.AfterSalesRequestCreateInput, responses={201: s.AfterSalesRequestDetailOutput})
    @idempotent
    def post(self, request: Request) -> Response:
        data = s.AfterSalesRequestCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        ticket = None
        if "ticket" in v:
            ticket = get_object_or_404(tickets_visible_to(request.user).select_related("customer"), pk=v["ticket"])
            customer = ticket.customer
        else:
            refuse_other_platform(request.user, v["customer"]["platform"])
            customer = selectors.customer_for_request(**v["customer"])
        order = selectors.order_for_request(customer=customer, order_number=v["order_number"])
        # The generic Idempotency-Key handling (integrations.idempotency) replays retries; the request also
        # remembers a digest of the key, so a retry after the replay record expired still finds it.
        key = request.headers.get("Idempotency-Key", "").strip() or None
        created = aftersales_request_create(
            ticket=ticket,
            customer=customer,
            order=order,
            type=v["type"],
            reason_code=v["reason"],
            description=v["description"],
            lines=[
                LineInput(order_line_id=line.get("order_line_id"), sku=line.get("sku", ""), quantity=line["quantity"])
                for line in v["lines"]
            ],
            refund_amount=v.get("refund_amount"),
            compensation_amount=v.get("compensation_amount"),
            evidence_tracking_number=v["evidence_tracking_number"],
            photos_to_follow=True,
            channel=Channel.API,
            created_by=request.user,
            idempotency_key=f"{request.user.pk}:{hashlib.sha256(key.encode()).hexdigest()[:64]}" if key else None,
        )
        return self.detail_response(request, created.pk, status.HTTP_201_CREATED)


class RequestDetailApi(AfterSalesApiMixin):
    @extend_schema(responses=s.AfterSalesRequestDetailOutput)
    def get(self, request: Request, pk: int) -> Response:
        self.get_request_or_404(pk)
        return self.detail_response(request, pk)


class RequestTransitionApi(AfterSalesApiMixin):
    """Move the request on (the allowed steps depend on its status and type; see ``next_statuses``)."""

    @extend_schema(request=s.AfterSalesTransitionInput, responses=s.AfterSalesRequestDetailOutput)
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        found = self.get_request_or_404(pk)
        data = s.AfterSalesTransitionInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        aftersales_transition(
            request=found,
            to_status=v["to_status"],
            actor=request.user,
            note=v["note"],
            tracking_number=v["tracking_number"],
            expected_status=v.get("expected_status"),
        )
        return self.detail_response(request, pk)


class RequestEvidenceApi(AfterSalesApiMixin):
    """Add one evidence file: multipart/form-data with ``kind`` and ``file`` (the one write that is not JSON)."""

    parser_classes = [MultiPartParser]

    @extend_schema(request=s.AfterSalesEvidenceInput, responses={201: s.AfterSalesRequestDetailOutput})
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        found = self.get_request_or_404(pk)
        data = s.AfterSalesEvidenceInput(data=request.data)
        data.is_valid(raise_exception=True)
        aftersales_evidence_add(
            request=found, kind=data.validated_data["kind"], file=data.validated_data["file"], actor=request.user
        )
        return self.detail_response(request, pk, status.HTTP_201_CREATED)


class RequestApprovalRequestApi(AfterSalesApiMixin):
    """Ask a manager to approve what is beyond your authority."""

    @extend_schema(request=s.AfterSalesNoteInput, responses={201: s.AfterSalesApprovalOutput})
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        found = self.get_request_or_404(pk)
        data = s.AfterSalesNoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        approval = aftersales_approval_request(request=found, actor=request.user, note=data.validated_data["note"])
        return Response(s.AfterSalesApprovalOutput(approval).data, status=status.HTTP_201_CREATED)


class ApprovalListApi(AfterSalesApiMixin, ListAPIView):
    """Approvals waiting for a manager."""

    permission_classes = [ApiKeyScope, IsManager]
    serializer_class = s.AfterSalesApprovalOutput
    pagination_class = None

    def get_queryset(self) -> Any:
        return selectors.pending_approvals(user=self.request.user)


class ApprovalDecisionApi(AfterSalesApiMixin):
    permission_classes = [ApiKeyScope, IsManager]

    @extend_schema(request=s.AfterSalesDecisionInput, responses=s.AfterSalesApprovalOutput)
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        approval = get_object_or_404(selectors.approvals_visible_to(request.user), pk=pk)
        data = s.AfterSalesDecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        decided = aftersales_approval_decide(
            approval=approval,
            actor=request.user,
            approve=data.validated_data["approve"],
            note=data.validated_data["note"],
        )
        return Response(s.AfterSalesApprovalOutput(decided).data)


class RequestOfferApi(AfterSalesApiMixin):
    """Record a rung of the compensation ladder offered to the buyer."""

    @extend_schema(request=s.AfterSalesOfferInput, responses={201: s.AfterSalesOfferOutput})
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        found = self.get_request_or_404(pk)
        data = s.AfterSalesOfferInput(data=request.data)
        data.is_valid(raise_exception=True)
        offer = aftersales_offer_make(
            request=found,
            resolution=data.validated_data["resolution"],
            amount=data.validated_data.get("amount"),
            actor=request.user,
        )
        return Response(s.AfterSalesOfferOutput(offer).data, status=status.HTTP_201_CREATED)


class OfferAnswerApi(AfterSalesApiMixin):
    """Record the buyer's answer to an offer."""

    @extend_schema(request=s.AfterSalesOfferAnswerInput, responses=s.AfterSalesOfferOutput)
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        offer = get_object_or_404(selectors.offers_visible_to(request.user), pk=pk)
        data = s.AfterSalesOfferAnswerInput(data=request.data)
        data.is_valid(raise_exception=True)
        answered = aftersales_offer_answer(offer=offer, accepted=data.validated_data["accepted"], actor=request.user)
        return Response(s.AfterSalesOfferOutput(answered).data)


class EvidenceFileApi(AfterSalesApiMixin):
    """The evidence file (or its thumbnail with ``?thumbnail=1``), for authenticated API clients only."""

    @extend_schema(
        parameters=[OpenApiParameter("thumbnail", str, enum=["1"], description="1: the thumbnail of a photo.")],
        responses={(200, "application/octet-stream"): bytes},
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        evidence = get_object_or_404(selectors.evidence_visible_to(request.user), pk=pk)
        return evidence_response(evidence, thumbnail=request.query_params.get("thumbnail") == "1")
