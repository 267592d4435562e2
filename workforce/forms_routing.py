"""Forms of the routing-rule pages: parse what was typed; the rule services check it."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.platforms import Platform
from customers.enums import CustomerTier
from tickets.enums import Category, Channel, Priority, TicketKind
from tickets.models import Team
from tickets.selectors import assignable_users

from .enums import BusinessHoursCondition
from .models import Skill
from .services.routing import rule_values

# Commas (ASCII and Chinese), the enumeration comma and new lines separate keywords and tags.
WORD_SEPARATORS = re.compile(r"[,，、;；\n\r]+")


def split_words(text: str) -> list[str]:
    return [word.strip() for word in WORD_SEPARATORS.split(text or "") if word.strip()]


def join_words(words: list[str]) -> str:
    return "\n".join(words)


def _checkboxes(label: Any, choices: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple)


class RoutingRuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    team = forms.ModelChoiceField(
        label=_("Applies to"),
        queryset=Team.objects.none(),
        required=False,
        empty_label=_("Global (every new ticket)"),
        help_text=_("A team's rules run after the global ones, for tickets headed to that team."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    stop_processing = forms.BooleanField(
        label=_("Stop here"), required=False, help_text=_("When this rule fires, later rules are skipped.")
    )
    # Conditions
    kinds = _checkboxes(_("Kinds"), TicketKind.choices)
    categories = _checkboxes(_("Categories"), Category.choices)
    channels = _checkboxes(_("Channels"), Channel.choices)
    platforms = _checkboxes(_("Platforms"), Platform.choices)
    customer_tiers = _checkboxes(_("Customer tiers"), CustomerTier.choices)
    order_amount_min = forms.DecimalField(
        label=_("Order amount from (¥)"), required=False, max_digits=12, decimal_places=2
    )
    order_amount_max = forms.DecimalField(
        label=_("Order amount to (¥)"), required=False, max_digits=12, decimal_places=2
    )
    keywords = forms.CharField(
        label=_("Keywords"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Any of these in the subject or description; one per line or comma-separated (退款, 发票)."),
    )
    business_hours = forms.ChoiceField(
        label=_("Business hours"), choices=BusinessHoursCondition.choices, initial=BusinessHoursCondition.ANY
    )
    # Actions
    set_team = forms.ModelChoiceField(
        label=_("Send to team"), queryset=Team.objects.all(), required=False, empty_label=_("Don't change")
    )
    set_priority = forms.ChoiceField(
        label=_("Set priority"), choices=[("", _("Don't change")), *Priority.choices], required=False
    )
    required_skill = forms.ModelChoiceField(
        label=_("Require skill"), queryset=Skill.objects.all(), required=False, empty_label=_("None")
    )
    add_tags = forms.CharField(
        label=_("Add tags"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line or comma-separated."),
    )
    owner = forms.ModelChoiceField(
        label=_("Named owner"),
        queryset=assignable_users(),
        required=False,
        empty_label=_("None"),
        help_text=_("Gets these tickets first whenever online with free capacity."),
    )
    restrict = forms.BooleanField(label=_("Restrict to the team"), required=False)

    CONDITION_FIELDS = (
        "kinds",
        "categories",
        "channels",
        "platforms",
        "customer_tiers",
        "order_amount_min",
        "order_amount_max",
        "keywords",
        "business_hours",
    )
    ACTION_FIELDS = ("set_team", "set_priority", "required_skill", "add_tags", "owner", "restrict")

    def __init__(self, *args: Any, teams: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]

    def values(self) -> dict[str, Any]:
        """The cleaned input as the rule services take it."""
        data = dict(self.cleaned_data)
        data["keywords"] = split_words(data.get("keywords", ""))
        data["add_tags"] = split_words(data.get("add_tags", ""))
        return data

    def condition_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.CONDITION_FIELDS]

    def action_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.ACTION_FIELDS]


def rule_initial(rule: Any) -> dict[str, Any]:
    values = rule_values(rule)
    values["keywords"] = join_words(rule.keywords)
    values["add_tags"] = join_words(rule.add_tags)
    return values


class RoutingSampleForm(forms.Form):
    """A sample ticket for "which rule would fire?"."""

    kind = forms.ChoiceField(label=_("Kind"), choices=TicketKind.choices, initial=TicketKind.INQUIRY)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices, initial=Category.OTHER)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.WEB_FORM)
    platform = forms.ChoiceField(label=_("Platform"), choices=Platform.choices, initial=Platform.TAOBAO)
    customer_tier = forms.ChoiceField(label=_("Customer tier"), choices=CustomerTier.choices)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL)
    order_amount = forms.DecimalField(
        label=_("Order amount (¥)"),
        required=False,
        max_digits=12,
        decimal_places=2,
        min_value=0,
        help_text=_("Empty: no order."),
    )
    team = forms.ModelChoiceField(
        label=_("Team chosen by the creator"), queryset=Team.objects.all(), required=False, empty_label=_("None")
    )
    received_at = forms.DateTimeField(
        label=_("Received at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("Empty: now."),
    )
    subject = forms.CharField(label=_("Subject"), required=False, max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        moment: datetime | None = data.get("received_at")
        if moment is not None and timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        data["received_at"] = moment
        return data
