from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..enums import DeliveryStatus, WebhookEventType
from ..models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from ..schema import EVENT_PAYLOAD
from ..signing import SECRET_PREFIX


class WebhookEndpointOutput(serializers.ModelSerializer):
    integration_name = serializers.CharField(source="integration.name", read_only=True)
    events = serializers.ListField(child=serializers.ChoiceField(choices=WebhookEventType.choices))
    secret_hint = serializers.SerializerMethodField(help_text="The start of the signing secret, to tell them apart.")

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "integration",
            "integration_name",
            "url",
            "events",
            "description",
            "is_active",
            "secret_hint",
            "previous_secret_expires_at",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(OpenApiTypes.STR)
    def get_secret_hint(self, endpoint: WebhookEndpoint) -> str:
        return endpoint.secret[: len(SECRET_PREFIX) + 4] + "…"


class WebhookEndpointSecretOutput(WebhookEndpointOutput):
    secret = serializers.CharField(
        help_text="The signing secret (whsec_…). Verify every delivery's Webhook-Signature with it; it is shown in "
        "the create and rotate-secret responses only."
    )

    class Meta(WebhookEndpointOutput.Meta):
        fields = [*WebhookEndpointOutput.Meta.fields, "secret"]


class WebhookEndpointCreateInput(serializers.Serializer):
    integration = serializers.IntegerField(
        required=False, help_text="Admins only, and required for them: the integration the endpoint belongs to."
    )
    url = serializers.CharField(max_length=500, help_text="http:// or https:// URL that receives POSTs.")
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEventType.choices), min_length=1, max_length=20
    )
    description = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    is_active = serializers.BooleanField(required=False, default=True)


class WebhookEndpointUpdateInput(serializers.Serializer):
    url = serializers.CharField(max_length=500, required=False)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEventType.choices), min_length=1, max_length=20, required=False
    )
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)


class WebhookSecretRotateInput(serializers.Serializer):
    overlap_hours = serializers.FloatField(
        min_value=0,
        max_value=168,
        default=24,
        help_text="How long deliveries also carry a signature made with the old secret (0: stop at once).",
    )


class WebhookAttemptOutput(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = ["id", "attempted_at", "status_code", "response_ms", "error", "response_excerpt"]


class WebhookDeliveryOutput(serializers.ModelSerializer):
    event_id = serializers.UUIDField(source="event.id", read_only=True)
    event_type = serializers.CharField(source="event.type", read_only=True)
    status = serializers.ChoiceField(choices=DeliveryStatus.choices)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "endpoint",
            "event_id",
            "event_type",
            "status",
            "attempts",
            "next_attempt_at",
            "give_up_at",
            "last_status_code",
            "last_response_ms",
            "last_error",
            "delivered_at",
            "created_at",
        ]


class WebhookDeliveryDetailOutput(WebhookDeliveryOutput):
    payload = serializers.SerializerMethodField(help_text="The event exactly as it is sent (the request body).")
    attempt_log = WebhookAttemptOutput(many=True, read_only=True)

    class Meta(WebhookDeliveryOutput.Meta):
        fields = [*WebhookDeliveryOutput.Meta.fields, "payload", "attempt_log"]

    @extend_schema_field(EVENT_PAYLOAD)
    def get_payload(self, delivery: WebhookDelivery) -> dict[str, Any]:
        return dict(delivery.event.payload)
