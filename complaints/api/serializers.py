from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.limits import BODY_MAX, NOTE_MAX
from tickets.api.serializers import TicketCreateInput, TicketListOutput, UserOutput

from ..enums import ReviewOutcome, Severity
from ..models import COMPLAINT_CATEGORIES, Complaint, FollowUp

# A URL or "". drf-spectacular's ``oneOf [uri, maxLength 0]`` lets "" match both branches, so a strict validator
# refused every complaint without a review link; ``anyOf`` takes either.
REVIEW_LINK_SCHEMA = {
    "type": "string",
    "maxLength": 500,
    "anyOf": [{"format": "uri"}, {"maxLength": 0}],
    "description": "The buyer's review on the platform (an http or https URL), or empty.",
}


@extend_schema_field(REVIEW_LINK_SCHEMA)
class ReviewLinkField(serializers.CharField):
    """A review link on the way in: a URL or empty. The URL check runs in ``to_internal_value``, not as a field
    validator: drf-spectacular reads validators (and ``allow_blank``) and would wrap the schema in oneOf again."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(allow_blank=True, max_length=500, **kwargs)

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        if value:
            try:
                URLValidator()(value)
            except DjangoValidationError:
                raise serializers.ValidationError(serializers.URLField.default_error_messages["invalid"]) from None
        return value


@extend_schema_field(REVIEW_LINK_SCHEMA)
class ReviewLinkOutput(serializers.CharField):
    """A review link on the way out: a URL or empty."""


class ComplaintCreateInput(TicketCreateInput):
    kind = None  # type: ignore[assignment]  # always "complaint"
    category = serializers.ChoiceField(choices=COMPLAINT_CATEGORIES, default="other")
    customer_request = serializers.CharField(required=False, allow_blank=True, default="", max_length=NOTE_MAX)
    review_link = ReviewLinkField(required=False, default="")


class ComplaintUpdateInput(serializers.Serializer):
    severity = serializers.ChoiceField(choices=Severity.choices, required=False)
    customer_request = serializers.CharField(required=False, allow_blank=True, max_length=NOTE_MAX)
    root_cause = serializers.CharField(required=False, allow_blank=True, max_length=NOTE_MAX)
    review_link = ReviewLinkField(required=False)
    review_outcome = serializers.ChoiceField(choices=ReviewOutcome.choices, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            raise serializers.ValidationError(_("Give at least one field to change."))
        return attrs


class ComplaintResolveInput(serializers.Serializer):
    root_cause = serializers.CharField(max_length=NOTE_MAX)
    outcome = serializers.CharField(max_length=NOTE_MAX)
    message = serializers.CharField(max_length=BODY_MAX, help_text="Sent to the customer as a public reply.")
    compensation_amount = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=Decimal("0"), default=Decimal("0")
    )
    compensation_note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class FollowUpInput(serializers.Serializer):
    satisfied = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=NOTE_MAX)


class FollowUpOutput(serializers.ModelSerializer):
    done_by = UserOutput(allow_null=True)
    ticket_id = serializers.IntegerField(source="complaint.ticket_id")

    class Meta:
        model = FollowUp
        fields = ["id", "ticket_id", "due_at", "done_at", "done_by", "satisfied", "note"]


class ComplaintOutput(serializers.ModelSerializer):
    ticket = TicketListOutput()
    owner = UserOutput(allow_null=True)
    follow_ups = FollowUpOutput(many=True)
    review_link = ReviewLinkOutput()
    severity_keyword = serializers.CharField(
        help_text='The severity rule\'s keyword found in the complaint (as configured), or "" when no rule set '
        "the severity. Stable: compare this, not severity_reason."
    )
    severity_reason = serializers.CharField(
        read_only=True,
        help_text="Why the complaint has its severity, for people, in the caller's language (Accept-Language).",
    )

    class Meta:
        model = Complaint
        fields = [
            "ticket",
            "severity",
            "severity_keyword",
            "severity_reason",
            "owner",
            "customer_request",
            "apology_sent_at",
            "root_cause",
            "outcome",
            "compensation_amount",
            "compensation_note",
            "result_reported_at",
            "review_link",
            "review_outcome",
            "follow_ups",
        ]
