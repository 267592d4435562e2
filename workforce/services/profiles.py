"""Rows every agent and team has, made on first need."""

from __future__ import annotations

from typing import Any

from tickets.models import Team

from ..models import AgentProfile, TeamWorkSettings


def agent_profile_ensure(*, user: Any) -> AgentProfile:
    """The agent's profile, created with the defaults (capacity 8, offline, no skills) if missing."""
    profile, _created = AgentProfile.objects.get_or_create(user=user)
    return profile


def team_settings_ensure(*, team: Team) -> TeamWorkSettings:
    """The team's work settings, created with the defaults (auto-assignment off) if missing."""
    settings, _created = TeamWorkSettings.objects.get_or_create(team=team)
    return settings
