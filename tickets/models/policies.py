"""SLA policies: which tickets they match, their targets and warning point, and the escalation chain."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from customers.enums import CustomerTier

from ..enums import (
    Channel,
    Priority,
    TicketKind,
)
from .calendars import BusinessCalendar
from .teams import Team


class SlaPolicy(models.Model):
    """Targets for a class of tickets. Policies are tried in ``position`` order; the first match applies."""

    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveIntegerField(_("position"), default=100)
    kind = models.CharField(
        _("kind"), max_length=20, choices=TicketKind.choices, blank=True, help_text=_("Blank: any kind.")
    )
    priority = models.CharField(
        _("priority"), max_length=20, choices=Priority.choices, blank=True, help_text=_("Blank: any priority.")
    )
    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, blank=True, help_text=_("Blank: any channel.")
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sla_policies",
        verbose_name=_("team"),
        help_text=_("Blank: any team."),
    )
    customer_tier = models.CharField(
        _("customer tier"),
        max_length=20,
        choices=CustomerTier.choices,
        blank=True,
        help_text=_("Blank: any tier."),
    )
    first_response_minutes = models.PositiveIntegerField(
        _("first response target (minutes)"), default=10, validators=[MinValueValidator(1)]
    )
    next_reply_minutes = models.PositiveIntegerField(
        _("next reply target (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Each customer message after the first answer starts this clock; empty: no next-reply target."),
    )
    resolution_minutes = models.PositiveIntegerField(
        _("resolution target (minutes)"), default=24 * 60, validators=[MinValueValidator(1)]
    )
    warning_percent = models.PositiveSmallIntegerField(
        _("warning point (percent of target)"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
        help_text=_("At this share of a target the assignee (or the team) is warned once; badges turn amber."),
    )
    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sla_policies",
        verbose_name=_("business calendar"),
        help_text=_("When the clocks of matching tickets run. Empty: the team's calendar, else 24×7."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    def matches(self, *, kind: str, priority: str, channel: str, team_id: int | None, customer_tier: str) -> bool:
        return (
            self.is_active
            and self.kind in ("", kind)
            and self.priority in ("", priority)
            and self.channel in ("", channel)
            and self.team_id in (None, team_id)
            and self.customer_tier in ("", customer_tier)
        )


class EscalationStep(models.Model):
    """A further level of an SLA policy's escalation chain. Level 1 (the team's managers at the breach) is
    built in; level N fires this many working minutes after level N-1 if the breached target is still unmet."""

    policy = models.ForeignKey(
        SlaPolicy, on_delete=models.CASCADE, related_name="escalation_steps", verbose_name=_("SLA policy")
    )
    level = models.PositiveSmallIntegerField(_("level"), validators=[MinValueValidator(2), MaxValueValidator(9)])
    after_minutes = models.PositiveIntegerField(
        _("minutes after the previous level"), default=30, validators=[MinValueValidator(1)]
    )
    notify_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("notify these people")
    )
    notify_group = models.ForeignKey(
        Group,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("and everyone in this role"),
    )

    class Meta:
        verbose_name = _("escalation level")
        verbose_name_plural = _("escalation chain (levels after the first)")
        ordering = ["policy", "level"]
        constraints = [models.UniqueConstraint(fields=["policy", "level"], name="escalation_step_level_once")]

    def __str__(self) -> str:
        return f"{self.policy} L{self.level}"
