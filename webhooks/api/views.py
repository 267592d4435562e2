"""Webhook endpoints and deliveries over the API. An integration's key (scope ``webhooks:manage``) manages its
own endpoints and sees its own deliveries; admins see every integration's and name one when creating.
No view here ever calls a receiver: pings and redeliveries are written and left to the webhooks worker."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import django_filters
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import roles
from core.api import StandardCursorPagination
from core.errors import ValidationFailed
from integrations.idempotency import idempotent
from integrations.models import Integration
from integrations.permissions import ApiKeyScope, request_integration
from integrations.scopes import Scope
from webhooks.services.delivery import webhook_redeliver
from webhooks.services.endpoints import (
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_ping,
    webhook_endpoint_rotate_secret,
    webhook_endpoint_update,
)

from ..enums import DeliveryStatus
from ..models import WebhookDelivery, WebhookEndpoint
from ..selectors import webhook_deliveries_for, webhook_endpoints_for
from . import serializers as s


class CanManageWebhooks(BasePermission):
    message = gettext_lazy("Only an integration's API key or an admin may manage webhooks.")

    def has_permission(self, request: Any, view: Any) -> bool:
        return request_integration(request) is not None or roles.is_admin(request.user)


class WebhookApiMixin(APIView):
    permission_classes = [ApiKeyScope, CanManageWebhooks]
    required_scopes = (Scope.WEBHOOKS_MANAGE, Scope.WEBHOOKS_MANAGE)

    def endpoints(self) -> Any:
        return webhook_endpoints_for(integration=request_integration(self.request))

    def deliveries(self) -> Any:
        return webhook_deliveries_for(integration=request_integration(self.request))

    def get_endpoint(self, pk: int) -> WebhookEndpoint:
        # Another integration's endpoint is a 404, not a 403: its existence is not ours to tell.
        return get_object_or_404(self.endpoints(), pk=pk)

    def get_delivery(self, pk: int) -> WebhookDelivery:
        return get_object_or_404(self.deliveries(), pk=pk)


class WebhookDeliveryPagination(StandardCursorPagination):
    pass


class WebhookDeliveryFilter(django_filters.FilterSet):
    endpoint = django_filters.NumberFilter(field_name="endpoint_id")
    status = django_filters.ChoiceFilter(choices=DeliveryStatus.choices)
    event_type = django_filters.CharFilter(field_name="event__type", help_text="e.g. ticket.created or ping")

    class Meta:
        model = WebhookDelivery
        fields = ["endpoint", "status", "event_type"]


def _secret_response(endpoint: WebhookEndpoint, status_code: int) -> Response:
    return Response(s.WebhookEndpointSecretOutput(endpoint).data, status=status_code)


class WebhookEndpointListCreateApi(WebhookApiMixin):
    @extend_schema(responses=s.WebhookEndpointOutput(many=True))
    def get(self, request: Request) -> Response:
        return Response(s.WebhookEndpointOutput(self.endpoints(), many=True).data)

    @extend_schema(
        request=s.WebhookEndpointCreateInput,
        responses={201: s.WebhookEndpointSecretOutput},
        description="Subscribe a URL to event types. The response holds the signing secret.",
    )
    @idempotent
    def post(self, request: Request) -> Response:
        data = s.WebhookEndpointCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        params = dict(data.validated_data)
        integration_id = params.pop("integration", None)
        integration = request_integration(request)
        if integration is None:  # an admin: says whose endpoint it is
            if integration_id is None:
                raise ValidationFailed(
                    _("Name the integration the endpoint belongs to."),
                    fields={"integration": [_("This field is required.")]},
                )
            integration = get_object_or_404(Integration, pk=integration_id)
        elif integration_id is not None and integration_id != integration.pk:
            raise ValidationFailed(
                _("An integration can only add endpoints for itself."),
                fields={"integration": [_("Leave it out, or give your own integration's id.")]},
            )
        endpoint = webhook_endpoint_create(integration=integration, **params)
        return _secret_response(endpoint, status.HTTP_201_CREATED)


class WebhookEndpointDetailApi(WebhookApiMixin):
    @extend_schema(responses=s.WebhookEndpointOutput)
    def get(self, request: Request, pk: int) -> Response:
        return Response(s.WebhookEndpointOutput(self.get_endpoint(pk)).data)

    @extend_schema(request=s.WebhookEndpointUpdateInput, responses=s.WebhookEndpointOutput)
    def patch(self, request: Request, pk: int) -> Response:
        endpoint = self.get_endpoint(pk)
        data = s.WebhookEndpointUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint = webhook_endpoint_update(endpoint=endpoint, **data.validated_data)
        return Response(s.WebhookEndpointOutput(endpoint).data)

    @extend_schema(responses={204: OpenApiResponse(description="Deleted, with its deliveries.")})
    def delete(self, request: Request, pk: int) -> Response:
        webhook_endpoint_delete(endpoint=self.get_endpoint(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookEndpointRotateSecretApi(WebhookApiMixin):
    @extend_schema(
        request=s.WebhookSecretRotateInput,
        responses={200: s.WebhookEndpointSecretOutput},
        description="A new signing secret; for overlap_hours deliveries carry a second signature with the old one.",
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        endpoint = self.get_endpoint(pk)
        data = s.WebhookSecretRotateInput(data=request.data)
        data.is_valid(raise_exception=True)
        overlap = timedelta(hours=data.validated_data["overlap_hours"])
        endpoint = webhook_endpoint_rotate_secret(endpoint=endpoint, overlap=overlap)
        return _secret_response(endpoint, status.HTTP_200_OK)


class WebhookEndpointPingApi(WebhookApiMixin):
    @extend_schema(
        request=None,
        responses={202: s.WebhookDeliveryOutput},
        description="Queue a `ping` event to this endpoint only. Follow the returned delivery to see the answer.",
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        delivery = webhook_endpoint_ping(endpoint=self.get_endpoint(pk))
        return Response(s.WebhookDeliveryOutput(delivery).data, status=status.HTTP_202_ACCEPTED)


class WebhookDeliveryListApi(WebhookApiMixin, ListAPIView):
    """Deliveries, newest first; filter by ``endpoint``, ``status`` and ``event_type``."""

    serializer_class = s.WebhookDeliveryOutput
    pagination_class = WebhookDeliveryPagination
    filterset_class = WebhookDeliveryFilter

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return WebhookDelivery.objects.none()
        return self.deliveries()


class WebhookDeliveryDetailApi(WebhookApiMixin):
    @extend_schema(responses=s.WebhookDeliveryDetailOutput)
    def get(self, request: Request, pk: int) -> Response:
        delivery = get_object_or_404(self.deliveries().prefetch_related("attempt_log"), pk=pk)
        return Response(s.WebhookDeliveryDetailOutput(delivery).data)


class WebhookDeliveryRedeliverApi(WebhookApiMixin):
    @extend_schema(
        request=None,
        responses={202: s.WebhookDeliveryOutput},
        description="Send the delivery again (whatever its status): pending, due now, with a new retry window.",
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        delivery = webhook_redeliver(delivery=self.get_delivery(pk))
        return Response(s.WebhookDeliveryOutput(delivery).data, status=status.HTTP_202_ACCEPTED)
