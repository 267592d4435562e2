"""Reads of the work-distribution app that several topics share: agents' open load and effective capacity."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count

from tickets.enums import UNRESOLVED_STATUSES
from tickets.models import Ticket

from .models import AgentProfile, TeamWorkSettings


def agent_loads(user_ids: Iterable[int]) -> dict[int, int]:
    """Each agent's open load: tickets assigned to them that are not resolved or closed, in every team.
    One query (served by ``ticket_assignee_inbox_idx``); agents with no open ticket get 0."""
    ids = list(user_ids)
    loads = dict.fromkeys(ids, 0)
    rows = (
        Ticket.objects.filter(assignee_id__in=ids, status__in=UNRESOLVED_STATUSES)
        .values("assignee_id")
        .annotate(n=Count("id"))
        .values_list("assignee_id", "n")
    )
    for user_id, count in rows:
        loads[user_id] = count
    return loads


def effective_capacity(profile: AgentProfile, team_settings: TeamWorkSettings | None) -> int:
    """The most open tickets auto-assignment gives this agent for this team: the team's override if set."""
    if team_settings is not None and team_settings.capacity_override:
        return team_settings.capacity_override
    return profile.capacity
