"""Forms of the wording-rule pages. Thin: the service vets the pattern and the permissions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.limits import BODY_MAX
from tickets.models import Team

from .models import WordingMatch, WordingRuleKind
from .models.wording import EXPLANATION_MAX, PATTERN_MAX, SUGGESTION_MAX
from .selectors_wording import wording_editable_teams


class WordingRuleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=WordingRuleKind.choices)
    match = forms.ChoiceField(label=_("Match"), choices=WordingMatch.choices)
    pattern = forms.CharField(
        label=_("Words or pattern"),
        max_length=PATTERN_MAX,
        help_text=_(
            "Several words or phrases separated by “|” (the whole reply is / contains), or a regular expression, "
            "e.g. 保证.{0,6}到货."
        ),
    )
    explanation = forms.CharField(
        label=_("Explanation shown to the agent"),
        max_length=EXPLANATION_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    suggestion = forms.CharField(
        label=_("Better wording"), max_length=SUGGESTION_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    team = forms.ModelChoiceField(
        label=_("Applies to"), queryset=Team.objects.none(), required=False, empty_label=_("Every team")
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = wording_editable_teams(user)  # type: ignore[attr-defined]


class WordingTestForm(forms.Form):
    text = forms.CharField(label=_("Reply text"), max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 3}))
    team = forms.ModelChoiceField(
        label=_("As a reply on a ticket of"),
        queryset=Team.objects.order_by("name"),
        required=False,
        empty_label=_("no team (global rules only)"),
    )
