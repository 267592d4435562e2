"""Forms of the work-settings pages. They parse; ``workforce.services.settings`` checks ranges and rights, so
the pages and the API refuse the same things with the same words."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .enums import AssignmentMode
from .models import CAPACITY_MAX, Skill

MODE_CHOICES = [
    (AssignmentMode.OFF.value, pgettext_lazy("team board", "Off")),
    (AssignmentMode.ROUND_ROBIN.value, pgettext_lazy("team board", "Round-robin")),
    (AssignmentMode.LEAST_LOADED.value, pgettext_lazy("team board", "Least-loaded")),
]


class TeamWorkSettingsForm(forms.Form):
    assignment_mode = forms.ChoiceField(label=_("Auto-assignment"), choices=MODE_CHOICES)
    assignment_paused = forms.BooleanField(label=_("Paused"), required=False)
    capacity_override = forms.IntegerField(
        label=_("Capacity for this team"),
        required=False,
        help_text=_("Empty: each agent's own capacity."),
        widget=forms.NumberInput(attrs={"min": 1, "max": CAPACITY_MAX}),
    )
    hand_back_on_offline = forms.BooleanField(
        label=_("Hand back unanswered tickets when an agent goes offline"), required=False
    )


class AgentWorkProfileForm(forms.Form):
    capacity = forms.IntegerField(
        label=_("Capacity"),
        help_text=_("The most open tickets auto-assignment gives this agent at once (1–200)."),
        widget=forms.NumberInput(attrs={"min": 1, "max": CAPACITY_MAX}),
    )
    skills = forms.ModelMultipleChoiceField(
        label=_("Skills"), queryset=Skill.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )


class SkillForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
