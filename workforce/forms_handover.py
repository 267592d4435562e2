"""Forms of the handover and shift pages (input parsing only: the services check the rules)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from tickets.models import Team


class ShiftForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    start_time = forms.TimeField(label=_("Starts"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    end_time = forms.TimeField(
        label=_("Ends"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("At or before the start: the shift runs past midnight (16:00–00:00)."),
    )
    members = forms.ModelMultipleChoiceField(
        label=_("Agents"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["members"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = team.members.order_by("username")


class BookFilterForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    author = forms.ModelChoiceField(
        label=_("Handed over by"), queryset=get_user_model().objects.none(), required=False, empty_label=_("Anyone")
    )
    ticket = forms.CharField(
        label=_("Ticket reference"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. HD-000042")}),
    )

    def __init__(self, *args: Any, team: Team | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["author"]
        assert isinstance(field, forms.ModelChoiceField)
        if team is not None:
            field.queryset = team.members.order_by("username")


class OverviewForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
