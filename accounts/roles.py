"""Roles are Django groups. One place answers "what may this user do"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class Role(TextChoices):
    AGENT = "Agent", _("Agent")
    MANAGER = "Manager", _("Manager")
    ADMIN = "Admin", _("Admin")
    INTEGRATION = "Integration", _("Integration")


def _groups(user: Any) -> set[str]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._role_names = cached
    return cached


def roles_prefetch(users: list[Any]) -> None:
    """Load the roles of many users in one query (each user's ``_groups`` then asks nothing)."""
    todo = [user for user in users if getattr(user, "_role_names", None) is None and user.pk is not None]
    if not todo:
        return
    names: dict[int, set[str]] = {user.pk: set() for user in todo}
    through = type(todo[0]).groups.through  # the user ↔ group table
    for user_id, name in through.objects.filter(user_id__in=list(names)).values_list("user_id", "group__name"):
        names[user_id].add(name)
    for user in todo:
        user._role_names = names[user.pk]


def is_admin(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False) and user.is_active) or Role.ADMIN in _groups(user)


def is_manager(user: Any) -> bool:
    return is_admin(user) or Role.MANAGER in _groups(user)


def is_agent(user: Any) -> bool:
    """May work tickets in the browser (agents, managers, admins)."""
    return is_manager(user) or Role.AGENT in _groups(user)


def is_integration(user: Any) -> bool:
    """An integration's service account (or the legacy integration account), not a person."""
    return Role.INTEGRATION in _groups(user) and not is_agent(user)


def can_use_ticket_api(user: Any) -> bool:
    """May read and write tickets over the API: staff roles and integration accounts."""
    return is_agent(user) or Role.INTEGRATION in _groups(user)


def can_see_customer_contact(user: Any) -> bool:
    """Customer phone numbers and e-mails are masked unless the role allows them (DESIGN rule 8)."""
    return is_manager(user)


def role_label(user: Any) -> str:
    if is_admin(user):
        return str(Role.ADMIN.label)
    if is_manager(user):
        return str(Role.MANAGER.label)
    if is_agent(user):
        return str(Role.AGENT.label)
    if Role.INTEGRATION in _groups(user):
        return str(Role.INTEGRATION.label)
    return ""


@dataclass(frozen=True)
class UserAccess:
    """What decides a user's role, what they see and whether they may sign in: their groups, the three flags
    and their ticket scope."""

    groups: frozenset[str] = frozenset()
    is_superuser: bool = False
    is_staff: bool = False
    is_active: bool = True
    ticket_scope: str = ""

    def changes_to(self, after: UserAccess) -> dict[str, Any]:
        """``{"groups_added": [...], "groups_removed": [...], "is_staff": [old, new], ...}``, only what changed."""
        changes: dict[str, Any] = {}
        if after.groups - self.groups:
            changes["groups_added"] = sorted(after.groups - self.groups)
        if self.groups - after.groups:
            changes["groups_removed"] = sorted(self.groups - after.groups)
        for flag in ("is_superuser", "is_staff", "is_active", "ticket_scope"):
            if getattr(self, flag) != getattr(after, flag):
                changes[flag] = [getattr(self, flag), getattr(after, flag)]
        return changes


def user_access(user: Any) -> UserAccess:
    """The user's access as stored now (read afresh: not the per-request role cache)."""
    return UserAccess(
        groups=frozenset(user.groups.values_list("name", flat=True)),
        is_superuser=user.is_superuser,
        is_staff=user.is_staff,
        is_active=user.is_active,
        ticket_scope=getattr(user, "ticket_scope", ""),
    )
