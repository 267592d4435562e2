from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.limits import BODY_MAX, NOTE_MAX

from .enums import ReviewOutcome, Severity


class ComplaintDetailsForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any):
        # Several complaint forms share a page and field names: keep their element ids apart.
        kwargs.setdefault("auto_id", "details_%s")
        super().__init__(*args, **kwargs)

    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    customer_request = forms.CharField(
        label=_("What the customer asks for"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=NOTE_MAX,
    )
    root_cause = forms.CharField(
        label=_("Root cause"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=NOTE_MAX
    )
    review_link = forms.URLField(label=_("Review link"), required=False, max_length=500, assume_scheme="https")
    review_outcome = forms.ChoiceField(label=_("Review outcome"), choices=ReviewOutcome.choices)


class ComplaintResolveForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any):
        # Several complaint forms share a page and field names: keep their element ids apart.
        kwargs.setdefault("auto_id", "resolve_%s")
        super().__init__(*args, **kwargs)

    root_cause = forms.CharField(label=_("Root cause"), widget=forms.Textarea(attrs={"rows": 2}), max_length=NOTE_MAX)
    outcome = forms.CharField(label=_("Resolution"), widget=forms.Textarea(attrs={"rows": 2}), max_length=NOTE_MAX)
    compensation_amount = forms.DecimalField(
        label=_("Compensation given (¥)"), min_value=0, max_digits=10, decimal_places=2, initial=0, required=False
    )
    compensation_note = forms.CharField(label=_("Compensation note"), max_length=200, required=False)
    message = forms.CharField(
        label=_("Result reported to the customer"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent as a public reply."),
        max_length=BODY_MAX,
    )


class FollowUpForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any):
        # Several complaint forms share a page and field names: keep their element ids apart.
        kwargs.setdefault("auto_id", "follow_up_%s")
        super().__init__(*args, **kwargs)

    satisfied = forms.TypedChoiceField(
        label=_("Is the customer satisfied?"),
        choices=[("yes", _("Satisfied")), ("no", _("Not satisfied — reopen"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=NOTE_MAX
    )
