"""Small input and output serializers for the customer and order API. No writes here: views call services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.integers import MAX_ID
from core.platforms import Platform
from customers.services.orders import MAX_LINE_QUANTITY, MAX_SYNC_BATCH

from ..enums import CustomerTier, OrderStatus
from ..masking import mask_email, mask_phone

PAID_AMOUNT_HELP = (
    "What the buyer paid, after discounts; refunds are checked against it. Required when status is paid, "
    "shipped, delivered or completed, or when a new order is sent without a status (it is stored as paid), "
    "unless the order is already stored with one (0.00 for a free order). Never derived from the lines."
)

# --- input ----------------------------------------------------------------------------------------------------


class CustomerLinkInput(serializers.Serializer):
    customer = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text="The other account's id; or give platform and platform_account_id.",
    )
    platform = serializers.ChoiceField(choices=Platform.choices, required=False)
    platform_account_id = serializers.CharField(max_length=128, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        by_account = "platform" in attrs or "platform_account_id" in attrs
        if "customer" in attrs and by_account:
            raise serializers.ValidationError(_("Give either customer or platform and platform_account_id, not both."))
        if "customer" not in attrs and not ("platform" in attrs and "platform_account_id" in attrs):
            raise serializers.ValidationError(_("Give customer, or platform and platform_account_id."))
        return attrs


class OrderSyncCustomerInput(serializers.Serializer):
    platform = serializers.ChoiceField(
        choices=Platform.choices, required=False, help_text="Defaults to the order's platform."
    )
    platform_account_id = serializers.CharField(max_length=128)
    name = serializers.CharField(max_length=200)
    phone = serializers.CharField(
        max_length=32, required=False, allow_blank=True, help_text="Optional; kept if left out."
    )
    email = serializers.EmailField(required=False, allow_blank=True, max_length=254, help_text="Optional, like phone.")
    tier = serializers.ChoiceField(choices=CustomerTier.choices, required=False)


class OrderSyncLineInput(serializers.Serializer):
    sku = serializers.CharField(max_length=64)
    title = serializers.CharField(max_length=300)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_LINE_QUANTITY, default=1)
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0"), default=Decimal("0"))


class OrderSyncItemInput(serializers.Serializer):
    platform = serializers.ChoiceField(choices=Platform.choices)
    order_number = serializers.CharField(max_length=64)
    customer = OrderSyncCustomerInput()
    status = serializers.ChoiceField(choices=OrderStatus.choices, required=False)
    total_amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0"), required=False, help_text="Defaults to the lines' sum."
    )
    paid_amount = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
        help_text=PAID_AMOUNT_HELP,
    )
    paid_at = serializers.DateTimeField(required=False)
    shipped_at = serializers.DateTimeField(required=False)
    delivered_at = serializers.DateTimeField(required=False)
    lines = OrderSyncLineInput(
        many=True, required=False, help_text="When given, replaces the order's lines (matched by SKU); left out: kept."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # Times near year 1 or 9999 overflow once shifted to UTC; no order is that old or that new anyway.
        wrong = {
            field: [_("Give a date between 1970 and 9000.")]
            for field in ("paid_at", "shipped_at", "delivered_at")
            if attrs.get(field) and not 1970 <= attrs[field].year <= 9000
        }
        if wrong:
            raise serializers.ValidationError(wrong)
        return attrs


class OrderSyncRequestInput(serializers.Serializer):
    """What the bulk sync takes (for the schema; each item is validated on its own)."""

    orders = OrderSyncItemInput(many=True, help_text=f"1 to {MAX_SYNC_BATCH} orders.")


class OrderSyncEnvelopeInput(serializers.Serializer):
    """Only the envelope: a malformed item becomes an error entry in the result, not a 400 for the batch."""

    orders = serializers.ListField(child=serializers.JSONField(), allow_empty=False)

    def validate_orders(self, value: list[Any]) -> list[Any]:
        if len(value) > MAX_SYNC_BATCH:
            raise serializers.ValidationError(
                _("At most %(max)s orders per request (got %(count)s); send the rest in another request.")
                % {"max": MAX_SYNC_BATCH, "count": len(value)}
            )
        return value


# --- output ---------------------------------------------------------------------------------------------------


class MaskedContactOutput(serializers.Serializer):
    """A buyer's phone and e-mail, masked everywhere they are output (DESIGN rule 8)."""

    phone = serializers.SerializerMethodField(help_text="Masked; managers get it in full from reveal-contact (logged).")
    email = serializers.SerializerMethodField(help_text="Masked, like phone.")

    def get_phone(self, customer: Any) -> str:
        return mask_phone(customer.phone)

    def get_email(self, customer: Any) -> str:
        return mask_email(customer.email) if customer.email else ""


class CustomerAccountOutput(MaskedContactOutput):
    id = serializers.IntegerField()
    name = serializers.CharField()
    platform = serializers.ChoiceField(choices=Platform.choices)
    platform_display = serializers.CharField(source="get_platform_display")
    platform_account_id = serializers.CharField()
    tier = serializers.ChoiceField(choices=CustomerTier.choices)
    person = serializers.IntegerField(source="person_id", allow_null=True, help_text="Shared by linked accounts.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class OrderRecordLineOutput(serializers.Serializer):
    id = serializers.IntegerField()
    sku = serializers.CharField()
    title = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=2)


class OrderRecordOutput(serializers.Serializer):
    id = serializers.IntegerField()
    platform = serializers.ChoiceField(choices=Platform.choices)
    order_number = serializers.CharField()
    customer = serializers.IntegerField(source="customer_id")
    status = serializers.ChoiceField(choices=OrderStatus.choices)
    total_amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    paid_amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    paid_at = serializers.DateTimeField(allow_null=True)
    shipped_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    lines = OrderRecordLineOutput(many=True)


class CustomerProfileTicketOutput(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.CharField()
    subject = serializers.CharField()
    customer = serializers.IntegerField(source="customer_id", help_text="Which of the linked accounts it came from.")
    created_at = serializers.DateTimeField()


class CustomerProfileOutput(serializers.Serializer):
    customer = CustomerAccountOutput()
    linked_accounts = CustomerAccountOutput(many=True, help_text="The same person's other accounts.")
    tickets = CustomerProfileTicketOutput(
        many=True, help_text="Newest first, across every linked account (at most 50)."
    )
    ticket_count = serializers.IntegerField()
    orders = OrderRecordOutput(many=True, help_text="Newest first, across every linked account (at most 50).")
    order_count = serializers.IntegerField()


class OrderSyncErrorOutput(serializers.Serializer):
    """The error body's ``error`` object, for one item."""

    code = serializers.CharField()
    message = serializers.CharField()

    def get_fields(self) -> dict[str, Any]:
        # "fields" is the Serializer's own attribute name, so the field of that name is added here.
        fields = super().get_fields()
        fields["fields"] = serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()), help_text="Messages per input field."
        )
        return fields


class OrderSyncItemResultOutput(serializers.Serializer):
    index = serializers.IntegerField(help_text="Position in the request's orders list, from 0.")
    order_number = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=["created", "updated", "unchanged", "error"])
    id = serializers.IntegerField(allow_null=True)
    error = OrderSyncErrorOutput(allow_null=True)


class OrderSyncCountsOutput(serializers.Serializer):
    total = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    error = serializers.IntegerField()


class OrderSyncResultOutput(serializers.Serializer):
    results = OrderSyncItemResultOutput(many=True)
    counts = OrderSyncCountsOutput()
