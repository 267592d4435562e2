"""Auth events into the audit log: log-ins and failed log-ins (Django's own signals: they are how Django says
it, wherever the log-in happened — our page, the admin site, the token endpoint's failures) and role changes
in the admin (the accounts hook). No business logic here: each receiver records one entry."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_login_failed

from accounts import hooks
from accounts.roles import UserAccess
from core.client_ip import client_ip

from .enums import REFUSED_LOCKED, AuditAction
from .services import audit_record, source_for_path

USERNAME_FIELDS = ("username", "email")


def _request_source(request: Any) -> dict[str, Any]:
    # The signals carry the request: use its own path and address (the test client and the token endpoint's
    # DRF request run outside the middleware that keeps them).
    if request is None:
        return {}
    return {"source": source_for_path(getattr(request, "path", None)), "ip_address": client_ip(request)}


def record_logged_in(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    audit_record(action=AuditAction.LOGGED_IN, actor=user, **_request_source(request))


def _refused_during_lockout(request: Any) -> bool:
    """Whether django-axes refused this log-in because a lockout already holds it (the password was not even
    tried), rather than counting it as a failure — the failure that starts a lockout is counted.

    django-axes (8.x) marks a refusing request ``axes_locked_out`` in its authentication backend, before Django
    reports the failed log-in, and leaves ``axes_failures_since_start`` at the ``None`` it starts every request
    with: it sets it only when it counts a failure. (tests/audit/test_lockout_audit.py pins this.)"""
    return bool(getattr(request, "axes_locked_out", False)) and getattr(request, "axes_failures_since_start", 0) is None


def record_login_failed(sender: Any, credentials: Any = None, request: Any = None, **kwargs: Any) -> None:
    # Django has already replaced the password with stars; only the name that was typed is kept.
    typed = next((str(credentials[name]) for name in USERNAME_FIELDS if (credentials or {}).get(name)), "")
    details = {"refused": REFUSED_LOCKED} if _refused_during_lockout(request) else None
    audit_record(
        action=AuditAction.LOGIN_FAILED, actor=None, actor_label=typed, details=details, **_request_source(request)
    )


def record_roles_changed(*, user: Any, actor: Any, before: UserAccess, after: UserAccess) -> None:
    audit_record(
        action=AuditAction.ROLES_CHANGED,
        actor=actor,
        target=user,
        target_label=user.get_username(),
        details=before.changes_to(after),
    )


def record_locked_out(sender: Any, request: Any = None, username: str = "", **kwargs: Any) -> None:
    # django-axes: this name (and the address) may not log in for a while. Axes says so again at every attempt
    # it refuses during the lockout; the log says it once, when the lockout starts, and shows each refused
    # attempt as a failed log-in ("refused: locked").
    if _refused_during_lockout(request):
        return
    audit_record(action=AuditAction.LOCKED_OUT, actor=None, actor_label=username or "", **_request_source(request))


def record_login_unlocked(*, user: Any, actor: Any) -> None:
    audit_record(action=AuditAction.UNLOCKED, actor=actor, target=user, target_label=user.get_username())


def connect() -> None:
    user_logged_in.connect(record_logged_in, dispatch_uid="audit.logged_in")
    user_login_failed.connect(record_login_failed, dispatch_uid="audit.login_failed")
    user_locked_out.connect(record_locked_out, dispatch_uid="audit.locked_out")
    hooks.on_roles_changed(record_roles_changed)
    hooks.on_login_unlocked(record_login_unlocked)
