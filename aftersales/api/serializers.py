"""Small input and output serializers for the after-sales API. No writes here: views call services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.integers import MAX_ID
from core.limits import NOTE_MAX, SHORT_NOTE_MAX
from core.platforms import Platform

from ..enums import EvidenceKind, RequestStatus, RequestType, Resolution
from ..models import AfterSalesRequest, Approval, Evidence, Offer, RequestEvent, RequestLine

MAX_QUANTITY = 10_000

# --- input ----------------------------------------------------------------------------------------------


class AfterSalesLineInput(serializers.Serializer):
    order_line_id = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    sku = serializers.CharField(required=False, max_length=64)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("order_line_id") and not attrs.get("sku"):
            raise serializers.ValidationError(_("Give the order line's id or its SKU."))
        return attrs


class AfterSalesCustomerRef(serializers.Serializer):
    platform = serializers.ChoiceField(choices=Platform.choices)
    platform_account_id = serializers.CharField(max_length=128)


class AfterSalesRequestCreateInput(serializers.Serializer):
    ticket = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="An existing after-sales ticket."
    )
    customer = AfterSalesCustomerRef(required=False, help_text="Without a ticket: the buyer (a new ticket is opened).")
    order_number = serializers.CharField(max_length=64)
    type = serializers.ChoiceField(choices=RequestType.choices)
    reason = serializers.CharField(max_length=40, help_text="A reason code, e.g. no_reason, quality_defect.")
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=NOTE_MAX)
    lines = serializers.ListField(child=AfterSalesLineInput(), min_length=1, max_length=200)
    refund_amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0"), required=False)
    compensation_amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0"), required=False
    )
    evidence_tracking_number = serializers.CharField(required=False, allow_blank=True, default="", max_length=64)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "ticket" not in attrs and "customer" not in attrs:
            raise serializers.ValidationError({"customer": [_("Give a ticket or the customer.")]})
        return attrs


class AfterSalesTransitionInput(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=RequestStatus.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=SHORT_NOTE_MAX)
    tracking_number = serializers.CharField(required=False, allow_blank=True, default="", max_length=64)
    expected_status = serializers.CharField(
        required=False, max_length=20, help_text="Refuse if the request is no longer in this status."
    )

    def validate_expected_status(self, value: str) -> str:
        if value not in RequestStatus.values:
            raise serializers.ValidationError(_("Unknown status."))
        return value


class AfterSalesEvidenceInput(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=EvidenceKind.choices,
        error_messages={"invalid_choice": _("Choose product_photo, defect_photo or other.")},
    )
    file = serializers.FileField()


class AfterSalesNoteInput(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=SHORT_NOTE_MAX)


class AfterSalesDecisionInput(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=SHORT_NOTE_MAX)


class AfterSalesOfferInput(serializers.Serializer):
    resolution = serializers.ChoiceField(choices=Resolution.choices)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0"), required=False)


class AfterSalesOfferAnswerInput(serializers.Serializer):
    accepted = serializers.BooleanField()


class AfterSalesListFilterInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=RequestStatus.choices, required=False)
    type = serializers.ChoiceField(choices=RequestType.choices, required=False)
    reason = serializers.CharField(required=False, max_length=40)
    order_number = serializers.CharField(required=False, max_length=64)
    ticket = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)


# --- output ---------------------------------------------------------------------------------------------


class AfterSalesLineOutput(serializers.ModelSerializer):
    order_line_id = serializers.IntegerField(source="order_line.id")
    sku = serializers.CharField(source="order_line.sku")
    title = serializers.CharField(source="order_line.title")
    unit_price = serializers.DecimalField(source="order_line.unit_price", max_digits=12, decimal_places=2)

    class Meta:
        model = RequestLine
        fields = ["order_line_id", "sku", "title", "quantity", "unit_price"]


class AfterSalesEvidenceOutput(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text="product_photo, defect_photo, other")
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = ["id", "kind", "content_type", "size", "original_name", "uploaded_at", "url", "thumbnail_url"]

    def _url(self, obj: Evidence, thumbnail: bool) -> str:
        path = reverse("aftersales-evidence-file", args=[obj.pk])
        if thumbnail:
            path += "?thumbnail=1"
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def get_url(self, obj: Evidence) -> str:
        return self._url(obj, False)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_thumbnail_url(self, obj: Evidence) -> str | None:
        return self._url(obj, True) if obj.thumbnail else None


class AfterSalesOfferOutput(serializers.ModelSerializer):
    resolution = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True, help_text="pending, accepted, declined")
    offered_by = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Offer
        fields = ["id", "resolution", "amount", "status", "offered_by", "offered_at", "answered_at"]


class AfterSalesApprovalOutput(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text="pending, approved, rejected, superseded")
    requested_by = serializers.CharField(read_only=True, allow_null=True)
    decided_by = serializers.CharField(read_only=True, allow_null=True)
    request_id = serializers.IntegerField()

    class Meta:
        model = Approval
        fields = [
            "id",
            "request_id",
            "status",
            "refund_amount",
            "compensation_amount",
            "why_needed",
            "request_note",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_note",
        ]


class AfterSalesEventOutput(serializers.ModelSerializer):
    from_status = serializers.CharField(read_only=True)
    to_status = serializers.CharField(read_only=True)
    actor = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = RequestEvent
        fields = ["from_status", "to_status", "actor", "note", "created_at"]


class AfterSalesRequestListOutput(serializers.ModelSerializer):
    type = serializers.CharField(read_only=True, help_text=", ".join(RequestType.values))
    status = serializers.CharField(read_only=True, help_text=", ".join(RequestStatus.values))
    ticket_id = serializers.IntegerField()
    ticket_reference = serializers.CharField(source="ticket.reference")
    order_number = serializers.CharField(source="order.order_number")
    reason = serializers.CharField(source="reason.code")
    lines = AfterSalesLineOutput(many=True)

    class Meta:
        model = AfterSalesRequest
        fields = [
            "id",
            "ticket_id",
            "ticket_reference",
            "type",
            "status",
            "order_number",
            "reason",
            "refund_amount",
            "compensation_amount",
            "return_tracking_number",
            "outbound_tracking_number",
            "created_at",
            "approved_at",
            "completed_at",
            "lines",
        ]


class LadderStepOutput(serializers.Serializer):
    """A rung of the compensation ladder (补偿阶梯): what to offer the buyer, in order."""

    resolution = serializers.ChoiceField(choices=Resolution.choices)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    within_policy = serializers.BooleanField(help_text="Within the agent's authority; beyond it needs approval.")
    note = serializers.CharField()


class ProcessingOutput(serializers.Serializer):
    """The after-sales processing clock: 3 days from the request to its end."""

    target_seconds = serializers.IntegerField()
    seconds = serializers.IntegerField(allow_null=True, help_text="Time taken so far (or in all, once ended).")
    due_at = serializers.DateTimeField(allow_null=True)
    on_time = serializers.BooleanField(allow_null=True, help_text="null while it runs and is not yet late.")


class AfterSalesRequestDetailOutput(AfterSalesRequestListOutput):
    reason_label = serializers.CharField(source="reason.label")
    accepted_resolution = serializers.CharField(read_only=True)
    next_statuses = serializers.ListField(child=serializers.CharField())
    evidence = AfterSalesEvidenceOutput(many=True)
    offers = AfterSalesOfferOutput(many=True)
    approvals = AfterSalesApprovalOutput(many=True)
    events = AfterSalesEventOutput(many=True)
    policy = serializers.SerializerMethodField()
    ladder = serializers.SerializerMethodField()
    processing = serializers.SerializerMethodField()

    class Meta(AfterSalesRequestListOutput.Meta):
        fields = [
            *AfterSalesRequestListOutput.Meta.fields,
            "reason_label",
            "description",
            "accepted_resolution",
            "evidence_tracking_number",
            "reviewed_at",
            "rejected_at",
            "waiting_for_return_at",
            "received_at",
            "inspected_at",
            "refunded_at",
            "replacement_shipped_at",
            "compensated_at",
            "cancelled_at",
            "next_statuses",
            "policy",
            "ladder",
            "processing",
            "evidence",
            "offers",
            "approvals",
            "events",
        ]

    def _overview(self) -> Any:
        return self.context["overview"]

    @extend_schema_field(
        {
            "type": "object",
            "properties": {"ok": {"type": "boolean"}, "reasons": {"type": "array", "items": {"type": "string"}}},
        }
    )
    def get_policy(self, obj: AfterSalesRequest) -> dict[str, Any]:
        check = self._overview().policy
        return {"ok": check.ok, "reasons": check.reasons}

    @extend_schema_field(LadderStepOutput(many=True))
    def get_ladder(self, obj: AfterSalesRequest) -> Any:
        return LadderStepOutput(self._overview().ladder, many=True).data

    @extend_schema_field(ProcessingOutput())
    def get_processing(self, obj: AfterSalesRequest) -> Any:
        overview = self._overview()
        return ProcessingOutput(
            {
                "target_seconds": 3 * 24 * 3600,
                "seconds": overview.processing_seconds,
                "due_at": overview.processing_due_at,
                "on_time": overview.processing_on_time,
            }
        ).data
