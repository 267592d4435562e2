"""Who has a ticket open right now, and who is typing a reply (collision detection).

A row per (ticket, user), refreshed by the page's heartbeat; a row older than the viewer timeout no longer
counts. The database is the truth, so every web node sees the same viewers; Redis only wakes the pages up.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .tickets import Ticket


class TicketViewer(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="viewers", verbose_name=_("ticket"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    last_seen_at = models.DateTimeField(_("last seen at"))
    typing_until = models.DateTimeField(_("typing until"), null=True, blank=True)

    class Meta:
        verbose_name = _("ticket viewer")
        verbose_name_plural = _("ticket viewers")
        constraints = [models.UniqueConstraint(fields=["ticket", "user"], name="ticket_viewer_once")]
        indexes = [models.Index(fields=["last_seen_at"], name="ticket_viewer_seen_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.ticket_id}"
