"""Teams (技能组): their members and managers, and the calendar their clocks run on."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..enums import (
    TicketKind,
)
from .calendars import BusinessCalendar


class Team(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    default_for_kind = models.CharField(
        _("default team for kind"),
        max_length=20,
        choices=TicketKind.choices,
        blank=True,
        help_text=_("New tickets of this kind without a team go to this team."),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="teams", blank=True, verbose_name=_("members")
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="managed_teams", blank=True, verbose_name=_("managers")
    )
    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="teams",
        verbose_name=_("business calendar"),
        help_text=_("When this team's SLA clocks run. Empty: 24×7 (unless the SLA policy has a calendar)."),
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
