"""Reads of presence: the top bar's control, and who is online for the API."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from accounts import roles
from integrations.access import integration_platform

from .enums import PresenceStatus
from .models import AgentProfile

# The top bar's menu, in this order.
MENU = [PresenceStatus.ONLINE, PresenceStatus.BUSY, PresenceStatus.AWAY, PresenceStatus.OFFLINE]


def presence_of(user: Any) -> tuple[str, Any]:
    """(status, since) of an agent; an agent who never chose one is offline."""
    row = AgentProfile.objects.filter(user=user).values_list("status", "status_since").first()
    return row if row else (PresenceStatus.OFFLINE, None)


def presence_control_context(user: Any) -> dict[str, Any]:
    status, since = presence_of(user)
    return {
        "presence_status": status,
        "presence_label": PresenceStatus(status).label,
        "presence_since": since,
        "presence_choices": [(choice.value, choice.label) for choice in MENU],
    }


def presence_list(*, user: Any) -> QuerySet[Any]:
    """The agents whose status the reader may see, with their profiles: admins and a platform-free integration every
    agent, a shop platform's integration none, managers the members of the teams they manage (and themselves),
    agents themselves only."""
    users = get_user_model().objects.filter(is_active=True, groups__name__in=[r.value for r in _staff_roles()])
    if roles.is_admin(user) or (roles.is_integration(user) and integration_platform(user) == ""):
        scoped = users
    elif roles.is_integration(user):
        scoped = users.none()  # a shop platform's key learns nothing about the staff
    elif roles.is_manager(user):
        scoped = users.filter(teams__managers=user) | users.filter(pk=user.pk)
    else:
        scoped = users.filter(pk=user.pk)
    return (
        get_user_model().objects.filter(pk__in=scoped.values("pk")).select_related("agent_profile").order_by("username")
    )


def _staff_roles() -> list[Any]:
    return [roles.Role.AGENT, roles.Role.MANAGER, roles.Role.ADMIN]
