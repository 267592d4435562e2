"""Reports are computed from the other apps' tables; the one thing they own is what managers decided to do."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImprovementAction(models.Model):
    """An improvement action (改进措施) a manager records against a satisfaction period, as in the CSAT table."""

    period = models.CharField(_("period"), max_length=7, help_text=_("A month (2026-11) or a quarter (2026-Q4)."))
    text = models.CharField(_("action"), max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("improvement action")
        verbose_name_plural = _("improvement actions")
        ordering = ["period", "created_at", "id"]
        indexes = [models.Index(fields=["period"], name="improvement_action_period_idx")]

    def __str__(self) -> str:
        return f"{self.period}: {self.text[:40]}"
