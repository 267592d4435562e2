"""Input and output of the skills, work-profile, team work-settings and board API."""

from __future__ import annotations

from typing import Any

from django.utils.functional import lazy
from django.utils.translation import gettext
from rest_framework import serializers

from core.converters import MAX_ID

from ..enums import AssignmentMode, PresenceStatus
from ..models import CAPACITY_MAX


def _capacity_message() -> str:
    # The service's words (workforce.services.settings), in the caller's language.
    return gettext("capacity must be between 1 and %(max)d") % {"max": CAPACITY_MAX}


CAPACITY_MESSAGE = lazy(_capacity_message, str)()
CAPACITY_ERRORS: dict[str, Any] = {
    "min_value": CAPACITY_MESSAGE,
    "max_value": CAPACITY_MESSAGE,
    "max_string_length": CAPACITY_MESSAGE,
}


class SkillOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()


class SkillCreateInput(serializers.Serializer):
    name = serializers.CharField(max_length=50, help_text="1–50 characters, unique whatever the letter case.")
    description = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class SkillUpdateInput(serializers.Serializer):
    name = serializers.CharField(max_length=50, required=False)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)


class TeamRefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class WorkProfileOutput(serializers.Serializer):
    user_id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField(help_text="The agent's display name.")
    capacity = serializers.IntegerField(help_text="The most open tickets auto-assignment gives the agent at once.")
    skills = SkillOutput(many=True)
    teams = TeamRefOutput(many=True)
    presence = serializers.ChoiceField(choices=PresenceStatus.choices, help_text="Read-only here.")
    presence_since = serializers.DateTimeField(allow_null=True, help_text="Null: the agent never signed in.")
    load = serializers.IntegerField(help_text="Open (unresolved) tickets assigned to the agent, in every team.")


class WorkProfileUpdateInput(serializers.Serializer):
    capacity = serializers.IntegerField(
        required=False, min_value=1, max_value=CAPACITY_MAX, error_messages=CAPACITY_ERRORS
    )
    skills = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        max_length=500,
        help_text="Skill ids; the list replaces the agent's skills.",
    )


class TeamWorkSettingsOutput(serializers.Serializer):
    team = TeamRefOutput()
    assignment_mode = serializers.ChoiceField(choices=AssignmentMode.choices)
    assignment_paused = serializers.BooleanField()
    capacity_override = serializers.IntegerField(allow_null=True, help_text="Null: each agent's own capacity.")
    hand_back_on_offline = serializers.BooleanField()
    members_count = serializers.IntegerField()


class TeamWorkSettingsUpdateInput(serializers.Serializer):
    assignment_mode = serializers.ChoiceField(choices=AssignmentMode.choices, required=False)
    assignment_paused = serializers.BooleanField(required=False)
    capacity_override = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=CAPACITY_MAX, error_messages=CAPACITY_ERRORS
    )
    hand_back_on_offline = serializers.BooleanField(required=False)


class BoardAgentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()
    presence = serializers.ChoiceField(choices=PresenceStatus.choices)
    presence_since = serializers.DateTimeField(allow_null=True)
    load = serializers.IntegerField()
    capacity = serializers.IntegerField(help_text="Effective: the team's override, else the agent's own.")


class BoardTicketOutput(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    subject = serializers.CharField()
    assignee_id = serializers.IntegerField(allow_null=True)
    due_at = serializers.DateTimeField(help_text="The next SLA deadline.")
    seconds = serializers.IntegerField(help_text="Until the deadline (at risk) or since it passed (overdue).")


class BoardTeamOutput(serializers.Serializer):
    team = TeamRefOutput()
    assignment_mode = serializers.ChoiceField(choices=AssignmentMode.choices)
    assignment_paused = serializers.BooleanField()
    capacity_override = serializers.IntegerField(allow_null=True)
    agents = BoardAgentOutput(many=True)
    waiting_count = serializers.IntegerField(help_text="Unassigned new or open tickets.")
    oldest_waiting_since = serializers.DateTimeField(allow_null=True)
    oldest_wait_seconds = serializers.IntegerField(allow_null=True)
    at_risk_count = serializers.IntegerField()
    at_risk = BoardTicketOutput(many=True)
    overdue_count = serializers.IntegerField()
    overdue = BoardTicketOutput(many=True)


class BoardOutput(serializers.Serializer):
    generated_at = serializers.DateTimeField()
    at_risk_window_seconds = serializers.IntegerField()
    teams = BoardTeamOutput(many=True)
