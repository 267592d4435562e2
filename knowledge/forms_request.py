"""The help centre's request form (a buyer opens a ticket themselves). Photos are not a form field: the view
reads ``request.FILES["photos"]`` and checks them by content (``tickets.services.attachments``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.limits import BODY_MAX
from core.platforms import Platform

from .services.request import REQUEST_KIND_LABELS

ORDER_NUMBER_MAX = 64
PROOF_MAX = 128


class HelpRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What is it about?"),
        choices=list(REQUEST_KIND_LABELS.items()),
        widget=forms.RadioSelect,
        initial="inquiry",
    )
    platform = forms.ChoiceField(label=_("Where did you buy?"), choices=Platform.choices)
    order_number = forms.CharField(
        label=_("Order number"),
        max_length=ORDER_NUMBER_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text", "spellcheck": "false"}),
    )
    proof = forms.CharField(
        label=_("Last 4 digits of the phone number on the order, or your account name on the platform"),
        max_length=PROOF_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    description = forms.CharField(
        label=_("What happened?"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    # A honeypot: hidden from people by CSS, filled in by form-filling bots. Anything in it refuses the request.
    website = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200)

    @property
    def is_bot(self) -> bool:
        return bool((self.data.get("website") or "").strip())
