from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import AuditAction, AuditSource


class AppendOnlyError(RuntimeError):
    """Somebody tried to change or delete an audit entry. The log is only ever added to."""


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit entries are never changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit entries are never deleted")


class AuditEntry(models.Model):
    """One thing somebody did that must be watched: a buyer's contact details revealed or profile viewed, an
    export, a role change, an API key made, rotated or revoked, a log-in or a failed one. Seed 003:
    "对于任何涉及客户信息的行为,都应进行严格的管理和监控".

    Append-only: written by ``audit.services.audit_record`` alone, never changed or deleted (``save`` on a
    stored entry, ``delete`` and the queryset's ``update`` / ``delete`` raise ``AppendOnlyError``; the admin
    is read-only). What the entry is about is kept as a type, an id and a label taken at the time, not as a
    foreign key: the entry outlives the row, and the audit app needs to know no app above it. A buyer's label
    is their name and account, never their phone number or e-mail.
    """

    created_at = models.DateTimeField(_("time"), default=timezone.now, editable=False, db_index=True)
    action = models.CharField(_("what"), max_length=32, choices=AuditAction.choices)
    # PROTECT: a user with a history is deactivated, never deleted, so every entry keeps naming them.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_label = models.CharField(
        _("user name"),
        max_length=150,
        blank=True,
        help_text=_("The user's login name at the time; for a failed log-in, the name that was typed."),
    )
    source = models.CharField(_("source"), max_length=10, choices=AuditSource.choices, blank=True)
    target_type = models.CharField(_("object type"), max_length=64, blank=True)
    target_id = models.PositiveBigIntegerField(_("object id"), null=True, blank=True)
    target_label = models.CharField(_("object"), max_length=200, blank=True)
    context = models.CharField(
        _("context"), max_length=100, blank=True, help_text=_("Where it happened, e.g. a ticket reference.")
    )
    details = models.JSONField(_("details"), default=dict, blank=True)
    request_id = models.CharField(_("request id"), max_length=128, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_target_idx"),
            models.Index(fields=["action", "created_at"], name="audit_action_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.actor_label or '—'} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit entries are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit entries are never deleted")
