"""Who may manage which canned replies. Agents manage their personal replies; managers manage the replies of
the teams they manage or belong to, and the global ones; admins manage every reply."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from accounts import roles
from tickets.access import user_team_ids
from tickets.models import Team

from .models import CannedReply, Folder, ReplyScope


def member_team_ids(user: Any) -> list[int]:
    """The teams whose replies ``user`` sees: those they belong to or manage."""
    return user_team_ids(user)


def managed_teams(user: Any) -> QuerySet[Team]:
    """The teams whose replies and folders ``user`` manages."""
    if roles.is_admin(user):
        return Team.objects.order_by("name")
    if roles.is_manager(user):
        return Team.objects.filter(pk__in=member_team_ids(user)).order_by("name")
    return Team.objects.none()


def may_manage_scope(user: Any, scope: str, team: Team | None) -> bool:
    if scope == ReplyScope.PERSONAL:
        return roles.is_agent(user)
    if scope == ReplyScope.GLOBAL:
        return roles.is_manager(user)
    if team is None:
        return False
    return roles.is_admin(user) or (roles.is_manager(user) and team.pk in member_team_ids(user))


def may_edit_reply(user: Any, reply: CannedReply) -> bool:
    if reply.scope == ReplyScope.PERSONAL:
        return reply.owner_id == getattr(user, "pk", None) and roles.is_agent(user)
    return may_manage_scope(user, reply.scope, reply.team)


def may_manage_folder(user: Any, folder: Folder) -> bool:
    return may_manage_scope(user, ReplyScope.TEAM if folder.team_id else ReplyScope.GLOBAL, folder.team)
