"""Customer and order API: one view per operation. Views parse input, check permission, call one service or
selector, render output."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import roles
from core.api import StandardCursorPagination, StrictOrderingFilter
from core.errors import ApplicationError, NotFound, ValidationFailed, flatten_errors
from core.idempotency import idempotent_by_nature
from core.parsers import JSONParser
from customers.services.buyers import customer_contact_reveal, customer_profile_record_view
from customers.services.links import customer_link, customer_unlink
from customers.services.orders import OrderLineData, OrderSyncItem, order_sync_batch
from integrations.access import refuse_other_platform
from integrations.idempotency import idempotent
from integrations.permissions import ApiKeyScope
from integrations.scopes import Scope

from .. import selectors
from ..models import Customer
from . import serializers as s
from .filters import CustomerFilter, OrderFilter


class CanUseCustomerApi(BasePermission):
    message = _("Your account has no rights on customers and orders.")

    def has_permission(self, request: Any, view: Any) -> bool:
        # The same people as the ticket API: staff roles and integration accounts.
        return roles.can_use_ticket_api(request.user)


class _CustomerApi(APIView):
    permission_classes = [IsAuthenticated, ApiKeyScope, CanUseCustomerApi]
    required_scopes = (Scope.CUSTOMERS_READ, Scope.CUSTOMERS_WRITE)


class _OrderApi(APIView):
    permission_classes = [IsAuthenticated, ApiKeyScope, CanUseCustomerApi]
    required_scopes = (Scope.ORDERS_READ, Scope.ORDERS_WRITE)


def _profile_response(customer: Customer, user: Any) -> Response:
    profile = selectors.customer_profile(customer=customer, user=user)
    return Response(s.CustomerProfileOutput(profile).data)


class CustomerContactRevealApi(APIView):
    """The customer's unmasked phone and e-mail, for roles allowed to see them (managers, admins). Every call
    is logged with the caller and the optional ``context``."""

    @extend_schema(
        request=None,
        parameters=[OpenApiParameter("context", str, description="Where it is shown, e.g. a ticket reference.")],
        responses=inline_serializer(
            "CustomerContactOutput", {"phone": serializers.CharField(), "email": serializers.CharField()}
        ),
    )
    @idempotent_by_nature  # never replayed: every reveal is its own audit entry, and no copy of the contact is kept
    def post(self, request: Request, pk: int) -> Response:
        customer = get_object_or_404(selectors.customers_visible_to(request.user), pk=pk)
        return Response(
            customer_contact_reveal(
                customer=customer, user=request.user, context=request.query_params.get("context", "")
            )
        )


class CustomerListApi(_CustomerApi, ListAPIView):
    """Buyer accounts, newest first. Filters: platform, platform_account_id, person, q (name or account id),
    updated_since; ``ordering=updated_at`` with ``updated_since`` for incremental sync. Contact details are masked."""

    serializer_class = s.CustomerAccountOutput
    pagination_class = StandardCursorPagination
    filter_backends = [DjangoFilterBackend, StrictOrderingFilter]
    filterset_class = CustomerFilter
    ordering_fields = ["id", "updated_at", "created_at"]
    ordering = ["-id"]

    def get_queryset(self) -> Any:
        return selectors.customer_list(user=self.request.user)


class CustomerDetailApi(_CustomerApi, GenericAPIView):
    """The buyer's profile: the account, the same person's accounts on other platforms, and the newest tickets
    and orders across all of them. Every call is in the audit log (who, when, the request id)."""

    serializer_class = s.CustomerProfileOutput
    queryset = Customer.objects.all()

    @extend_schema(responses=s.CustomerProfileOutput)
    def get(self, request: Request, pk: int) -> Response:
        customer = get_object_or_404(selectors.customers_visible_to(request.user), pk=pk)
        customer_profile_record_view(customer=customer, actor=request.user)
        return _profile_response(customer, request.user)


class CustomerLinksApi(_CustomerApi):
    """Link another account of the same human to this one (POST), or take this account out of its person
    (DELETE). Linking accounts that belong to two different persons merges the persons. Both answer with the
    profile; linking what is already linked, or unlinking what is not linked, changes nothing."""

    @extend_schema(
        request=s.CustomerLinkInput,
        responses={
            200: OpenApiResponse(s.CustomerProfileOutput, description="Linked (or already linked): the profile.")
        },
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        customer = get_object_or_404(selectors.customers_visible_to(request.user), pk=pk)
        data = s.CustomerLinkInput(data=request.data)
        data.is_valid(raise_exception=True)
        other = _other_account(data.validated_data)
        refuse_other_platform(request.user, other.platform, field="platform")
        customer_link(customer=customer, other=other, actor=request.user)
        customer.refresh_from_db()
        return _profile_response(customer, request.user)

    @extend_schema(request=None, responses={200: s.CustomerProfileOutput})
    def delete(self, request: Request, pk: int) -> Response:
        customer = get_object_or_404(selectors.customers_visible_to(request.user), pk=pk)
        customer_unlink(customer=customer, actor=request.user)
        customer.refresh_from_db()
        return _profile_response(customer, request.user)


def _other_account(v: dict[str, Any]) -> Customer:
    if "customer" in v:
        other = Customer.objects.filter(pk=v["customer"]).first()
        if other is None:
            raise ValidationFailed(
                gettext("No such customer."), fields={"customer": [gettext("No customer with this id.")]}
            )
        return other
    other = Customer.objects.filter(platform=v["platform"], platform_account_id=v["platform_account_id"]).first()
    if other is None:
        raise ValidationFailed(
            gettext("No customer with this account on this platform."),
            fields={
                "platform_account_id": [gettext("Unknown account; it appears once the buyer has an order or ticket.")]
            },
        )
    return other


class OrderListApi(_OrderApi, ListAPIView):
    """Orders with their lines, newest first. Filters: platform, order_number, customer, updated_since;
    ``ordering=updated_at`` with ``updated_since`` for incremental sync."""

    serializer_class = s.OrderRecordOutput
    pagination_class = StandardCursorPagination
    filter_backends = [DjangoFilterBackend, StrictOrderingFilter]
    filterset_class = OrderFilter
    ordering_fields = ["id", "updated_at", "created_at"]
    ordering = ["-id"]

    def get_queryset(self) -> Any:
        return selectors.order_list(user=self.request.user)


class OrderDetailApi(_OrderApi, GenericAPIView):
    serializer_class = s.OrderRecordOutput

    @extend_schema(responses=s.OrderRecordOutput)
    def get(self, request: Request, pk: int) -> Response:
        order = selectors.order_get(pk=pk, user=request.user)
        if order is None:
            raise NotFound(gettext("No such order."))
        return Response(s.OrderRecordOutput(order).data)


class OrderBulkSyncApi(_OrderApi):
    """Create or update up to 500 orders with their buyers and lines. Each order is checked and saved on its
    own: the answer (200) says per item whether it was created, updated, unchanged or refused (with the same
    error body as elsewhere), and one refused order never holds back the others. Only a malformed envelope
    (no ``orders`` list, an empty one, or more than 500) is a 400. Send an ``Idempotency-Key`` so a retried
    batch replays the first answer."""

    parser_classes = [JSONParser]  # nested orders and lines: JSON only

    @extend_schema(
        request=s.OrderSyncRequestInput,
        responses={200: s.OrderSyncResultOutput},
    )
    @idempotent
    def post(self, request: Request) -> Response:
        envelope = s.OrderSyncEnvelopeInput(data=request.data)
        envelope.is_valid(raise_exception=True)
        raw_items = envelope.validated_data["orders"]
        errors: dict[int, ApplicationError] = {}
        valid: dict[int, OrderSyncItem] = {}
        # One serializer checks every item: building its fields costs more than validating an item.
        validator = s.OrderSyncItemInput()
        for index, raw in enumerate(raw_items):
            try:
                valid[index] = _sync_item(validator.run_validation(raw))
            except serializers.ValidationError as exc:
                errors[index] = ValidationFailed(gettext("Invalid input."), fields=flatten_errors(exc.detail))
        synced = dict(zip(valid, order_sync_batch(items=list(valid.values()), actor=request.user), strict=True))
        results = []
        for index, raw in enumerate(raw_items):
            number = raw.get("order_number") if isinstance(raw, dict) else None
            outcome = synced.get(index)
            error = errors.get(index) or (outcome.error if outcome else None)
            results.append(
                {
                    "index": index,
                    "order_number": number if isinstance(number, str) else None,
                    "status": "error" if error or outcome is None else outcome.outcome,
                    "id": outcome.order.pk if outcome and outcome.order else None,
                    "error": _item_error(error) if error else None,
                }
            )
        counts = {"total": len(results), "created": 0, "updated": 0, "unchanged": 0, "error": 0}
        for result in results:
            counts[str(result["status"])] += 1
        return Response(s.OrderSyncResultOutput({"results": results, "counts": counts}).data)


def _sync_item(v: dict[str, Any]) -> OrderSyncItem:
    customer = dict(v.pop("customer"))
    customer.setdefault("platform", v["platform"])
    lines = v.pop("lines", None)
    if lines is not None:
        v["lines"] = [OrderLineData(**line) for line in lines]
    return OrderSyncItem(customer=customer, order=v)


def _item_error(error: ApplicationError) -> dict[str, Any]:
    # The services name fields as in a ticket's nested order ("order.lines[0].quantity"); here the item is the order.
    fields = {key.removeprefix("order."): value for key, value in error.fields.items()}
    return {"code": error.code, "message": error.message, "fields": fields}
