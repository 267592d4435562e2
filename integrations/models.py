from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.platforms import Platform

from .enums import KeyState
from .scopes import Scope


class Integration(models.Model):
    """A shop platform or middleware that talks to the helpdesk over the API, with its own keys and scopes.

    It acts through its own service account (``user``, in the Integration role), so tickets and events it
    creates name it as their author.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    platform = models.CharField(
        _("platform"), max_length=20, choices=Platform.choices, blank=True, help_text=_("Blank: several platforms.")
    )
    scopes = models.JSONField(_("scopes"), default=list, blank=True)
    rate_limit_per_minute = models.PositiveIntegerField(
        _("requests per minute per key"), default=600, help_text=_("Beyond this a key gets 429 with Retry-After.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="integration",
        verbose_name=_("service account"),
        editable=False,
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("integration")
        verbose_name_plural = _("integrations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])

    @property
    def scope_labels(self) -> list[str]:
        labels = dict(Scope.choices)
        return [str(labels.get(scope, scope)) for scope in self.scopes or []]


class ApiKey(models.Model):
    """One secret of an integration. Only a SHA-256 hash is stored; the key itself is shown once.

    Keys look like ``hdk_<prefix>_<secret>``; the prefix finds the row, the hash proves the secret.
    A rotated key stays valid until ``expires_at`` (the overlap), a revoked key stops at once.
    """

    integration = models.ForeignKey(
        Integration, on_delete=models.CASCADE, related_name="keys", verbose_name=_("integration")
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(_("hash"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
        editable=False,
    )
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    replaced_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("replaced by")
    )

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"hdk_{self.prefix}_… ({self.integration})"

    def is_valid_at(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    @property
    def state(self) -> KeyState:
        if self.revoked_at is not None:
            return KeyState.REVOKED
        if self.expires_at is not None and self.expires_at <= timezone.now():
            return KeyState.EXPIRED
        if self.expires_at is not None:
            return KeyState.EXPIRING
        return KeyState.ACTIVE


class IdempotencyRecord(models.Model):
    """The first successful response to a create sent with an ``Idempotency-Key``; replayed to retries."""

    owner = models.CharField(max_length=40, help_text="integration:<id> or user:<id>")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path and body.")
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    status_code = models.PositiveSmallIntegerField(null=True)
    response_body = models.TextField(null=True, help_text="The JSON exactly as first sent (replayed byte for byte).")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "key"], name="idempotency_unique_owner_key")]

    def __str__(self) -> str:
        return f"{self.owner} {self.key}"
