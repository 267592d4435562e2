"""The one writer of the audit log. Every app records through ``audit_record``; nothing else creates,
changes or deletes an ``AuditEntry``."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.urls import reverse

from core.actors import Actor, actor_or_none
from core.request_id import current_request_id, current_request_origin

from .enums import AuditAction, AuditSource
from .models import AuditEntry

API_PREFIX = "/api/"


def source_for_path(path: str | None) -> AuditSource:
    """Page, API or admin site by the request's path; no request at all is the system (a task, a command)."""
    if path is None:
        return AuditSource.SYSTEM
    if path.startswith(API_PREFIX):
        return AuditSource.API
    if path.startswith(reverse("admin:index")):
        return AuditSource.ADMIN
    return AuditSource.PAGE


def audit_record(
    *,
    action: AuditAction,
    actor: Actor,
    target: models.Model | None = None,
    target_label: str = "",
    context: str = "",
    details: dict[str, Any] | None = None,
    actor_label: str = "",
    source: AuditSource | None = None,
    ip_address: str | None = None,
) -> AuditEntry:
    """Append one entry to the audit log and return it.

    ``actor`` is who did it (``None`` or an anonymous user: the system, or nobody we can name — then
    ``actor_label`` says who they claimed to be, e.g. the name typed at a failed log-in). ``target`` is what it
    was done to; its type and id are kept, with ``target_label`` (default ``str(target)``) as it read then.
    ``details`` must be JSON and must not hold what the entry protects (no phone number, no key).

    The request id, the source (page, API, admin site; system outside a request) and the client's address come
    from the request being served (``core.request_id``) unless given. Call it inside the transaction of the
    change it records, after saving the change, so a change rolled back leaves no entry; for a read (a profile,
    an export), call it before the data goes out.
    """
    user = actor_or_none(actor)
    origin = current_request_origin()
    request_id = current_request_id()
    return AuditEntry.objects.create(
        action=action,
        actor=user,
        actor_label=(actor_label or (user.get_username() if user is not None else ""))[:150],
        source=source or source_for_path(origin.path if origin else None),
        target_type=target._meta.label_lower if target is not None else "",
        target_id=target.pk if target is not None else None,
        target_label=(target_label or (str(target) if target is not None else ""))[:200],
        context=context[:100],
        details=details or {},
        request_id="" if request_id == "-" else request_id,
        ip_address=ip_address or (origin.address if origin else None),
    )
