"""The webhook payloads in the OpenAPI document (``webhooks`` section, OpenAPI 3.1), one per event type.

These serializers only describe what ``webhooks.payloads`` and ``webhooks.services`` send; nothing is
serialized with them.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, OpenApiWebhook, PolymorphicProxySerializer, extend_schema
from rest_framework import serializers

from .enums import PING, WebhookEventType
from .signing import EVENT_HEADER, ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, TOLERANCE_SECONDS


class WebhookCustomerSchema(serializers.Serializer):
    id = serializers.IntegerField()
    platform = serializers.CharField()
    platform_account_id = serializers.CharField()
    name = serializers.CharField()


class WebhookTicketSchema(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    kind = serializers.CharField()
    category = serializers.CharField()
    status = serializers.CharField()
    priority = serializers.CharField()
    subject = serializers.CharField()
    channel = serializers.CharField()
    source_platform = serializers.CharField(allow_blank=True)
    external_id = serializers.CharField(allow_blank=True)
    customer = WebhookCustomerSchema()
    order_number = serializers.CharField(allow_null=True)
    team = serializers.CharField(allow_null=True, help_text="Team name.")
    assignee = serializers.CharField(allow_null=True, help_text="Agent's display name.")
    received_at = serializers.DateTimeField()
    first_response_due_at = serializers.DateTimeField(allow_null=True)
    resolution_due_at = serializers.DateTimeField(allow_null=True)
    first_responded_at = serializers.DateTimeField(allow_null=True)
    resolved_at = serializers.DateTimeField(allow_null=True)
    escalation_level = serializers.IntegerField()
    tracking_url = serializers.URLField(help_text="The buyer's private tracking link.")
    updated_at = serializers.DateTimeField()


class WebhookMessageSchema(serializers.Serializer):
    id = serializers.IntegerField()
    author_type = serializers.ChoiceField(choices=["agent", "customer", "system"])
    body = serializers.CharField()
    created_at = serializers.DateTimeField()


class WebhookChangeSchema(serializers.Serializer):
    type = serializers.CharField(
        help_text="The ticket event: replied, customer_replied, status_changed, priority_changed, reclassified, "
        "assigned, team_changed or escalated. Other keys are that event's data (old/new values)."
    )
    at = serializers.DateTimeField()
    message = WebhookMessageSchema(required=False, help_text="On replied and customer_replied: the public message.")


class WebhookTicketChangeSchema(WebhookTicketSchema):
    change = WebhookChangeSchema()


class WebhookTicketResolvedSchema(WebhookTicketChangeSchema):
    survey_url = serializers.URLField(
        allow_null=True,
        help_text="The buyer's private satisfaction-survey link (signed, expiring, usable once), to push in your "
        "own chat; null when no survey is configured or the buyer already answered.",
    )


class WebhookAftersalesSchema(serializers.Serializer):
    request_id = serializers.IntegerField()
    ticket_id = serializers.IntegerField()
    ticket_reference = serializers.CharField()
    type = serializers.CharField(help_text="refund_only, return_refund, exchange, reship or compensation.")
    old_status = serializers.CharField()
    new_status = serializers.CharField()
    order_number = serializers.CharField(allow_null=True)
    refund_amount = serializers.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=True)
    compensation_amount = serializers.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=True)
    accepted_resolution = serializers.CharField(allow_null=True)
    return_tracking_number = serializers.CharField(allow_null=True)
    outbound_tracking_number = serializers.CharField(allow_null=True)
    updated_at = serializers.DateTimeField()


class WebhookSurveySchema(serializers.Serializer):
    ticket_id = serializers.IntegerField()
    ticket_reference = serializers.CharField()
    external_id = serializers.CharField(allow_blank=True, help_text="Your id for the conversation, if you gave one.")
    scores = serializers.DictField(
        child=serializers.IntegerField(min_value=1, max_value=5),
        help_text="Question code → score, 1–5. Default questions: professional, attitude, speed.",
    )
    average_score = serializers.DecimalField(max_digits=4, decimal_places=3, coerce_to_string=True)
    solved = serializers.BooleanField(allow_null=True, help_text="Was the problem solved? null: not answered.")
    comment = serializers.CharField(allow_blank=True)
    completed_at = serializers.DateTimeField()


class WebhookPingSchema(serializers.Serializer):
    endpoint_id = serializers.IntegerField(help_text="The endpoint pinged.")
    message = serializers.CharField()


def _envelope(name: str, data: type[serializers.Serializer]) -> type[serializers.Serializer]:
    fields = {
        "id": serializers.UUIDField(help_text="The event id, also in the Webhook-Id header: the same on retries."),
        "type": serializers.ChoiceField(choices=[name]),
        "created_at": serializers.DateTimeField(),
        "data": data(),
    }
    class_name = "Webhook" + "".join(part.title() for part in name.replace(".", "_").split("_")) + "Event"
    return type(class_name, (serializers.Serializer,), fields)


_HEADERS = (
    f" Headers: {ID_HEADER} (the event id), {TIMESTAMP_HEADER} (unix seconds; refuse it when more than "
    f"{TOLERANCE_SECONDS} s from your clock), {SIGNATURE_HEADER} (v1=hex HMAC-SHA256(secret, "
    f'timestamp + "." + raw body); two, space-separated, after a secret rotation), {EVENT_HEADER} (the type).'
)

_DATA: dict[str, tuple[type[serializers.Serializer], str]] = {
    WebhookEventType.TICKET_CREATED: (WebhookTicketSchema, "A ticket was opened."),
    WebhookEventType.TICKET_UPDATED: (
        WebhookTicketChangeSchema,
        "Something a platform sees changed: a public reply (with its body), a buyer message, status, priority, "
        "kind/category, team or assignee. Internal notes are never sent.",
    ),
    WebhookEventType.TICKET_ESCALATED: (WebhookTicketChangeSchema, "An SLA target was missed and escalated."),
    WebhookEventType.TICKET_RESOLVED: (WebhookTicketResolvedSchema, "The ticket was resolved."),
    WebhookEventType.AFTERSALES_STATUS_CHANGED: (WebhookAftersalesSchema, "A return/exchange request moved on."),
    WebhookEventType.SURVEY_COMPLETED: (
        WebhookSurveySchema,
        "A buyer answered the satisfaction survey.",
    ),
}


# One envelope class per event type (and the test ping), shared by the webhooks section and the delivery log.
ENVELOPES: dict[str, serializers.Serializer | type[serializers.Serializer]] = {
    **{str(event_type): _envelope(str(event_type), data) for event_type, (data, _text) in _DATA.items()},
    PING: _envelope(PING, WebhookPingSchema),
}

# What a delivery carries: one of the envelopes, told apart by ``type``.
EVENT_PAYLOAD = PolymorphicProxySerializer(
    component_name="WebhookEventPayload",
    serializers=ENVELOPES,
    resource_type_field_name="type",
)


def _webhook(event_type: str) -> OpenApiWebhook:
    name = str(WebhookEventType(event_type).value)
    _data, description = _DATA[event_type]
    return OpenApiWebhook(
        name=name,
        decorator=extend_schema(
            summary=name,
            description=description + _HEADERS + " Verify the signature before trusting the body (docs/webhooks.md).",
            request=ENVELOPES[name],
            responses={
                200: OpenApiResponse(description="Any 2xx: delivered. Anything else (or no answer in time): retried.")
            },
        ),
    )


ticket_created = _webhook(WebhookEventType.TICKET_CREATED)
ticket_updated = _webhook(WebhookEventType.TICKET_UPDATED)
ticket_escalated = _webhook(WebhookEventType.TICKET_ESCALATED)
ticket_resolved = _webhook(WebhookEventType.TICKET_RESOLVED)
aftersales_status_changed = _webhook(WebhookEventType.AFTERSALES_STATUS_CHANGED)
survey_completed = _webhook(WebhookEventType.SURVEY_COMPLETED)
