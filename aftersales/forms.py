"""Browser forms for after-sales pages. Parsing only: the services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.limits import NOTE_MAX, SHORT_NOTE_MAX
from customers.models import Order

from .enums import EvidenceKind, RequestStatus, RequestType, Resolution
from .models import Reason

MAX_LINE_QUANTITY = 10_000


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the service (real type, size)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,application/pdf"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class RequestCreateForm(forms.Form):
    order = forms.ModelChoiceField(label=_("Order"), queryset=Order.objects.none())
    type = forms.ChoiceField(label=_("Request type"), choices=RequestType.choices)
    reason = forms.ModelChoiceField(
        label=_("Reason"), queryset=Reason.objects.filter(is_active=True), to_field_name="code"
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=NOTE_MAX
    )
    refund_amount = forms.DecimalField(
        label=_("Refund amount (¥)"),
        required=False,
        min_value=Decimal("0"),
        decimal_places=2,
        max_digits=12,
        help_text=_("Empty: what was paid for the lines."),
    )
    compensation_amount = forms.DecimalField(
        label=_("Compensation amount (¥)"), required=False, min_value=Decimal("0"), decimal_places=2, max_digits=12
    )
    evidence_tracking_number = forms.CharField(label=_("Delivery tracking number"), required=False, max_length=64)
    product_photo = MultipleFileField(label=_("Product photos"))
    defect_photo = MultipleFileField(label=_("Defect photos"))
    other = MultipleFileField(label=_("Other files"))

    def __init__(self, *args: Any, customer: Any, order: Order | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        order_field = self.fields["order"]
        assert isinstance(order_field, forms.ModelChoiceField)
        order_field.queryset = Order.objects.filter(customer=customer).order_by("-created_at")
        self.selected_order = order
        self.line_fields: list[tuple[Any, str]] = []
        if order is not None:
            for line in order.lines.all():
                name = f"qty_{line.pk}"
                self.fields[name] = forms.IntegerField(
                    label=f"{line.sku} {line.title}",
                    min_value=0,
                    max_value=MAX_LINE_QUANTITY,
                    required=False,
                    initial=0,
                )
                self.line_fields.append((line, name))

    def bound_line_fields(self) -> list[tuple[Any, Any]]:
        return [(line, self[name]) for line, name in self.line_fields]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        lines = [(line.pk, cleaned.get(name) or 0) for line, name in self.line_fields]
        cleaned["lines"] = [(pk, quantity) for pk, quantity in lines if quantity > 0]
        if self.line_fields and not cleaned["lines"]:
            self.add_error(None, _("Enter a quantity for at least one order line."))
        return cleaned


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(choices=RequestStatus.choices)
    expected_status = forms.ChoiceField(choices=RequestStatus.choices, required=False)
    note = forms.CharField(required=False, max_length=SHORT_NOTE_MAX)
    tracking_number = forms.CharField(required=False, max_length=64)


class NoteForm(forms.Form):
    note = forms.CharField(required=False, max_length=SHORT_NOTE_MAX)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    note = forms.CharField(required=False, max_length=SHORT_NOTE_MAX)


class OfferForm(forms.Form):
    resolution = forms.ChoiceField(choices=Resolution.choices)
    amount = forms.DecimalField(required=False, min_value=Decimal("0"), decimal_places=2, max_digits=12)


class OfferAnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=[("accept", _("Accepted")), ("decline", _("Declined"))])


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EvidenceKind.choices)
    file = forms.FileField(
        label=_("File"), widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"})
    )


class QueueFilterForm(forms.Form):
    q = forms.CharField(
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Order no., customer, tracking no."), "type": "search"}),
    )
    status = forms.ChoiceField(choices=[("", _("Any status")), *RequestStatus.choices], required=False)
    type = forms.ChoiceField(choices=[("", _("Any type")), *RequestType.choices], required=False)

    def to_filters(self) -> dict[str, Any]:
        self.is_valid()
        return dict(self.cleaned_data)
