"""What accounts lets the apps above it add, without importing them (STYLE.md: a small registry, filled in
``AppConfig.ready()``): being told that a user's roles changed in the admin, or that an admin unlocked a
locked-out login — both of which the audit log records."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .roles import UserAccess

RolesChangedListener = Callable[..., None]
_roles_changed_listeners: list[RolesChangedListener] = []


def on_roles_changed(listener: RolesChangedListener) -> RolesChangedListener:
    """Register ``listener(*, user, actor, before, after)``; ``before`` and ``after`` are ``UserAccess``."""
    if listener not in _roles_changed_listeners:
        _roles_changed_listeners.append(listener)
    return listener


LoginUnlockedListener = Callable[..., None]
_login_unlocked_listeners: list[LoginUnlockedListener] = []


def on_login_unlocked(listener: LoginUnlockedListener) -> LoginUnlockedListener:
    """Register ``listener(*, user, actor)``: ``actor`` unlocked ``user``'s login."""
    if listener not in _login_unlocked_listeners:
        _login_unlocked_listeners.append(listener)
    return listener


def login_unlocked(*, user: Any, actor: Any) -> None:
    for listener in _login_unlocked_listeners:
        listener(user=user, actor=actor)


def roles_changed(*, user: Any, actor: Any, before: UserAccess, after: UserAccess) -> None:
    """Tell every listener, in the transaction that changed the roles (a listener that fails rolls it back)."""
    for listener in _roles_changed_listeners:
        listener(user=user, actor=actor, before=before, after=after)
