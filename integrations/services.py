"""Every write to integrations and their API keys. Making, rotating and revoking a key goes into the audit log
(who, the integration, the key's prefix — never the key)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role
from audit.enums import AuditAction
from audit.services import audit_record
from core.actors import Actor, actor_or_none
from core.errors import Conflict, ValidationFailed

from .keys import key_generate
from .models import ApiKey, Integration
from .scopes import ALL_SCOPES

MAX_ROTATION_OVERLAP = timedelta(days=30)
DEFAULT_ROTATION_OVERLAP = timedelta(hours=24)


@dataclass(frozen=True)
class NewKey:
    """A key just made: ``secret`` is the only time the key is ever shown."""

    api_key: ApiKey
    secret: str


def _check_scopes(scopes: list[str]) -> list[str]:
    unknown = [scope for scope in scopes if scope not in ALL_SCOPES]
    if unknown:
        raise ValidationFailed(
            _("Unknown scope: %(scopes)s.") % {"scopes": ", ".join(unknown)},
            fields={"scopes": [_("Choose from: %(values)s.") % {"values": ", ".join(ALL_SCOPES)}]},
        )
    return sorted(set(scopes), key=ALL_SCOPES.index)


def integration_create(
    *, name: str, platform: str = "", scopes: list[str], rate_limit_per_minute: int = 600, notes: str = ""
) -> Integration:
    """An integration with its own service account (Integration role), so what it does is attributed to it."""
    name = name.strip()
    if not name:
        raise ValidationFailed(_("A name is required."), fields={"name": [_("This field is required.")]})
    if Integration.objects.filter(name__iexact=name).exists():
        raise ValidationFailed(
            _("An integration named “%(name)s” exists already.") % {"name": name},
            fields={"name": [_("Choose another name.")]},
        )
    with transaction.atomic():
        user = get_user_model().objects.create(
            username=f"integration-{uuid.uuid4().hex[:12]}", display_name=name[:100], is_active=True
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.groups.add(Group.objects.get_or_create(name=Role.INTEGRATION)[0])
        return Integration.objects.create(
            name=name,
            platform=platform,
            scopes=_check_scopes(scopes),
            rate_limit_per_minute=rate_limit_per_minute,
            notes=notes,
            user=user,
        )


@dataclass(frozen=True)
class NewIntegration:
    """An integration just made with its first key: ``key.secret`` is the only time that key is ever shown."""

    integration: Integration
    key: NewKey


FIRST_KEY_NAME = "default"


@transaction.atomic
def integration_create_with_key(
    *,
    name: str,
    platform: str = "",
    scopes: list[str],
    rate_limit_per_minute: int = 600,
    notes: str = "",
    created_by: Actor = None,
) -> NewIntegration:
    """``integration_create`` and its first API key (named "default", in the audit log), in one transaction:
    an integration is made to be used, so whoever makes it gets a working key at once, shown this once."""
    integration = integration_create(
        name=name, platform=platform, scopes=scopes, rate_limit_per_minute=rate_limit_per_minute, notes=notes
    )
    return NewIntegration(
        integration=integration,
        key=api_key_create(integration=integration, name=FIRST_KEY_NAME, created_by=created_by),
    )


def integration_update(*, integration: Integration, **changes: Any) -> Integration:
    """Change name, platform, scopes, rate limit, notes or active flag. Deactivating stops every key at once."""
    if "scopes" in changes:
        changes["scopes"] = _check_scopes(changes["scopes"])
    if "name" in changes:
        name = changes["name"].strip()
        if Integration.objects.filter(name__iexact=name).exclude(pk=integration.pk).exists():
            raise ValidationFailed(
                _("An integration named “%(name)s” exists already.") % {"name": name},
                fields={"name": [_("Choose another name.")]},
            )
        changes["name"] = name
    for field, value in changes.items():
        setattr(integration, field, value)
    with transaction.atomic():
        integration.save(update_fields=list(changes) or None)
        if "name" in changes:
            integration.user.display_name = integration.name[:100]
            integration.user.save(update_fields=["display_name"])
        if "is_active" in changes:
            integration.user.is_active = integration.is_active
            integration.user.save(update_fields=["is_active"])
    return integration


def _key_label(api_key: ApiKey) -> str:
    return f"{api_key.integration.name} · {api_key.prefix}"


def _key_new(*, integration: Integration, name: str, created_by: Actor) -> NewKey:
    key, prefix, hashed = key_generate()
    api_key = ApiKey.objects.create(
        integration=integration,
        name=name.strip()[:100],
        prefix=prefix,
        key_hash=hashed,
        created_by=actor_or_none(created_by),
    )
    return NewKey(api_key=api_key, secret=key)


@transaction.atomic
def api_key_create(*, integration: Integration, name: str = "", created_by: Actor = None) -> NewKey:
    """A new key for the integration; its secret is in the result, once. Recorded in the audit log."""
    new = _key_new(integration=integration, name=name, created_by=created_by)
    audit_record(
        action=AuditAction.API_KEY_CREATED,
        actor=created_by,
        target=new.api_key,
        target_label=_key_label(new.api_key),
        details={"integration": integration.name, "key": new.api_key.prefix},
    )
    return new


def api_key_rotate(*, api_key: ApiKey, overlap: timedelta = DEFAULT_ROTATION_OVERLAP, actor: Actor = None) -> NewKey:
    """A new key for the same integration; the old one keeps working for ``overlap`` (0: stops now), so the
    platform can switch its configuration without a moment of failed calls. Recorded in the audit log as one
    rotation of the old key, naming the new one."""
    if overlap < timedelta(0) or overlap > MAX_ROTATION_OVERLAP:
        raise ValidationFailed(
            _("The overlap must be between 0 and %(days)s days.") % {"days": MAX_ROTATION_OVERLAP.days},
            fields={"overlap_hours": [_("Out of range.")]},
        )
    with transaction.atomic():
        old = ApiKey.objects.select_for_update().get(pk=api_key.pk)
        if not old.is_valid_at():
            raise Conflict(_("This key is revoked or expired; create a new key instead."), code="key_not_active")
        if old.replaced_by_id is not None:
            raise Conflict(_("This key was rotated already; rotate its replacement instead."), code="key_rotated")
        new = _key_new(integration=old.integration, name=old.name, created_by=actor)
        expires_at = timezone.now() + overlap
        old.expires_at = min(old.expires_at, expires_at) if old.expires_at else expires_at
        old.replaced_by = new.api_key
        old.save(update_fields=["expires_at", "replaced_by"])
        audit_record(
            action=AuditAction.API_KEY_ROTATED,
            actor=actor,
            target=old,
            target_label=_key_label(old),
            details={
                "integration": old.integration.name,
                "key": old.prefix,
                "new_key": new.api_key.prefix,
                "old_key_expires_at": old.expires_at.isoformat(),
            },
        )
    api_key.refresh_from_db()
    return new


def api_key_revoke(*, api_key: ApiKey, actor: Actor = None) -> ApiKey:
    """Stop a key at once. Revoking twice is harmless (and recorded in the audit log once)."""
    with transaction.atomic():
        revoked = ApiKey.objects.filter(pk=api_key.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        api_key.refresh_from_db()
        if revoked:
            audit_record(
                action=AuditAction.API_KEY_REVOKED,
                actor=actor,
                target=api_key,
                target_label=_key_label(api_key),
                details={"integration": api_key.integration.name, "key": api_key.prefix},
            )
    return api_key
