"""Routing-rule API serializers: parse and shape only; ``workforce.services.routing`` checks the rules."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from rest_framework import serializers

from core.platforms import Platform
from customers.enums import CustomerTier
from tickets.enums import Category, Channel, Priority, TicketKind
from tickets.models import Team

from ..enums import BusinessHoursCondition
from ..models import RoutingRule, Skill


def _choices(choices: Any, help_text: str) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.ChoiceField(choices=choices), required=False, max_length=50, help_text=help_text
    )


def _words(help_text: str) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(allow_blank=True, max_length=200),
        required=False,
        max_length=100,
        help_text=help_text,
    )


class RoutingRuleInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(),
        allow_null=True,
        required=False,
        help_text="The team whose list the rule belongs to; null or absent: a global rule.",
    )
    is_active = serializers.BooleanField(required=False, default=True)
    stop_processing = serializers.BooleanField(
        required=False, default=False, help_text="When the rule fires, later rules are skipped."
    )
    kinds = _choices(TicketKind.choices, "Ticket kinds; empty: any.")
    categories = _choices(Category.choices, "Categories; empty: any.")
    channels = _choices(Channel.choices, "Channels; empty: any.")
    platforms = _choices(Platform.choices, "The buyer's shop platform; empty: any.")
    customer_tiers = _choices(CustomerTier.choices, "The buyer's tier; empty: any.")
    order_amount_min = serializers.DecimalField(
        max_digits=12, decimal_places=2, allow_null=True, required=False, help_text="Order total from (inclusive)."
    )
    order_amount_max = serializers.DecimalField(
        max_digits=12, decimal_places=2, allow_null=True, required=False, help_text="Order total up to (inclusive)."
    )
    keywords = _words(
        "Any of these (case-insensitive) in the subject or description; trimmed, empties and repeats dropped, "
        "at most 20 of at most 30 characters."
    )
    business_hours = serializers.ChoiceField(choices=BusinessHoursCondition.choices, required=False, default="any")
    set_team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(), allow_null=True, required=False, help_text="Send the ticket to this team."
    )
    set_priority = serializers.ChoiceField(
        choices=Priority.choices, required=False, allow_blank=True, default="", help_text="Empty: don't change."
    )
    required_skill = serializers.PrimaryKeyRelatedField(
        queryset=Skill.objects.all(), allow_null=True, required=False, help_text="Only agents with it get the ticket."
    )
    add_tags = _words("Tags to add (at most 20).")
    owner = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.all(),
        allow_null=True,
        required=False,
        help_text="An active agent who gets the ticket first whenever online with free capacity.",
    )
    restrict = serializers.BooleanField(
        required=False, default=False, help_text="Only the ticket's team (and managers) may see it."
    )


class RoutingRuleUpdateInput(RoutingRuleInput):
    """Every field optional: the ones given change."""

    name = serializers.CharField(max_length=100, required=False)
    is_active = serializers.BooleanField(required=False)
    stop_processing = serializers.BooleanField(required=False)
    business_hours = serializers.ChoiceField(choices=BusinessHoursCondition.choices, required=False)
    set_priority = serializers.ChoiceField(choices=Priority.choices, required=False, allow_blank=True)
    restrict = serializers.BooleanField(required=False)


class RoutingRuleOutput(serializers.ModelSerializer):
    team_name = serializers.CharField(source="team.name", read_only=True, default=None, allow_null=True)
    set_team_name = serializers.CharField(source="set_team.name", read_only=True, default=None, allow_null=True)
    required_skill_name = serializers.CharField(
        source="required_skill.name", read_only=True, default=None, allow_null=True
    )
    kinds = serializers.ListField(child=serializers.CharField())
    categories = serializers.ListField(child=serializers.CharField())
    channels = serializers.ListField(child=serializers.CharField())
    platforms = serializers.ListField(child=serializers.CharField())
    customer_tiers = serializers.ListField(child=serializers.CharField())
    keywords = serializers.ListField(child=serializers.CharField())
    add_tags = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = RoutingRule
        fields = [
            "id",
            "name",
            "team",
            "team_name",
            "position",
            "is_active",
            "stop_processing",
            "kinds",
            "categories",
            "channels",
            "platforms",
            "customer_tiers",
            "order_amount_min",
            "order_amount_max",
            "keywords",
            "business_hours",
            "set_team",
            "set_team_name",
            "set_priority",
            "required_skill",
            "required_skill_name",
            "add_tags",
            "owner",
            "restrict",
            "fired_count",
            "last_fired_at",
            "updated_at",
        ]


class RoutingSampleInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=TicketKind.choices, default=TicketKind.INQUIRY)
    category = serializers.ChoiceField(choices=Category.choices, default=Category.OTHER)
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.WEB_FORM)
    platform = serializers.ChoiceField(choices=Platform.choices, required=False, allow_blank=True, default="")
    customer_tier = serializers.ChoiceField(choices=CustomerTier.choices, default=CustomerTier.REGULAR)
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)
    order_amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, allow_null=True, required=False, help_text="Null or absent: no order."
    )
    subject = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    description = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(), allow_null=True, required=False, help_text="The team the creator chose."
    )
    received_at = serializers.DateTimeField(required=False, allow_null=True, help_text="Absent: now.")


class RoutingPreviewInput(serializers.Serializer):
    sample = RoutingSampleInput()
    rule_id = serializers.IntegerField(
        required=False, allow_null=True, help_text="A saved rule that `rule` is an unsaved edit of."
    )
    rule = RoutingRuleUpdateInput(
        required=False,
        allow_null=True,
        help_text="A rule as it would be saved: with `rule_id`, the changes to that rule; without, a new rule.",
    )


class FiredRuleOutput(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True, help_text="Null for the unsaved rule of the request.")
    name = serializers.CharField()
    actions = serializers.ListField(
        child=serializers.DictField(),
        help_text='What the rule did: {"team": name}, {"priority": code}, {"skill": name}, {"owner": name}, '
        '{"tags": [...]}, {"restricted": true}. Actions an earlier rule or the ticket itself decided are left out.',
    )


class RoutingPreviewOutput(serializers.Serializer):
    fired = FiredRuleOutput(many=True)
    team = serializers.IntegerField(allow_null=True)
    team_name = serializers.CharField(allow_null=True)
    priority = serializers.CharField()
    required_skill = serializers.CharField(allow_null=True)
    owner = serializers.CharField(allow_null=True)
    tags = serializers.ListField(child=serializers.CharField())
    restricted = serializers.BooleanField()
    stopped_by = serializers.IntegerField(allow_null=True, help_text="The rule that ended the list (stop here).")
