"""The audit page's filter bar."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .enums import AuditAction
from .selectors import AuditFilters


class AuditFilterForm(forms.Form):
    who = forms.CharField(
        label=_("Who"),
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Login or name")}),
    )
    action = forms.ChoiceField(label=_("What"), required=False, choices=[("", _("Everything")), *AuditAction.choices])
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    buyer = forms.CharField(
        label=_("Buyer"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("ID, name or account id")}),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        # Labels sit above their fields in the filter bar: no colon after them.
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end date is before the start date."))
        return data

    def to_filters(self) -> AuditFilters:
        """The filters that parse; a wrong one is left out (the page says which were ignored)."""
        self.is_valid()
        data = self.cleaned_data
        return AuditFilters(
            who=(data.get("who") or "").strip(),
            action=data.get("action") or "",
            start=data.get("start"),
            end=data.get("end"),
            buyer=(data.get("buyer") or "").strip(),
        )
