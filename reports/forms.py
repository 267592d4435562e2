"""The dashboard's filter bar and the improvement-action form. The filter form only renders the bar: the
filters themselves are read by ``reports.filters.parse_filters`` (the one parser the API and exports use too)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tickets.enums import Channel, TicketKind
from tickets.models import Team

from .filters import PERIODS
from .models import ImprovementAction


class ReportFilterForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), required=False, choices=[("", _("Custom dates")), *PERIODS.items()])
    start = forms.CharField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.CharField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    team = forms.ModelChoiceField(
        label=_("Team"), required=False, queryset=Team.objects.order_by("name"), empty_label=_("All teams")
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *TicketKind.choices])
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=[("", _("All channels")), *Channel.choices])

    @classmethod
    def for_query(cls, params: Any) -> ReportFilterForm:
        """Unbound, showing what was asked for (a bound form would add its own errors to parse_filters')."""
        initial = {name: params.get(name, "") for name in cls.base_fields}
        if not any(initial[name] for name in ("period", "start", "end")):
            initial["period"] = "last_30_days"  # what parse_filters reads when nothing is given
        return cls(initial=initial, auto_id="filter_%s")


class ImprovementActionForm(forms.Form):
    period = forms.CharField(
        label=_("Period"),
        max_length=ImprovementAction._meta.get_field("period").max_length,
        widget=forms.TextInput(attrs={"placeholder": "2026-11 / 2026-Q4", "size": 9}),
    )
    text = forms.CharField(
        label=_("Improvement action"),
        max_length=ImprovementAction._meta.get_field("text").max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
