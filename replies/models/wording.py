"""Wording rules (话术规范, issue 16 point 6): words and patterns a reply should avoid (a warning) or must not
contain (a block the agent can only pass with a reason). Checked by ``replies.services.wording``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import TextChoices
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PATTERN_MAX = 200
EXPLANATION_MAX = 500
SUGGESTION_MAX = 500


class WordingRuleKind(TextChoices):
    DISCOURAGED = "discouraged", _("Discouraged (warns)")
    FORBIDDEN = "forbidden", _("Forbidden (blocks)")


class WordingMatch(TextChoices):
    # The whole reply, trimmed, without punctuation, spaces or symbols, is one of the phrases: a bare "好".
    EXACT = "exact", _("The whole reply is")
    # One of the phrases appears anywhere in the reply (letters compared without case).
    CONTAINS = "contains", _("The reply contains")
    # A regular expression (Python syntax) found anywhere in the reply; checked when saved.
    REGEX = "regex", _("The reply matches the pattern")


class WordingRule(models.Model):
    """One rule. ``pattern`` holds phrases separated by "|" (exact and contains) or a regular expression.
    A rule without a team applies to every ticket; with one, to that team's tickets."""

    kind = models.CharField(_("kind"), max_length=20, choices=WordingRuleKind.choices)
    match = models.CharField(_("match"), max_length=20, choices=WordingMatch.choices)
    pattern = models.CharField(_("words or pattern"), max_length=PATTERN_MAX)
    explanation = models.CharField(_("explanation"), max_length=EXPLANATION_MAX)
    suggestion = models.CharField(_("suggestion"), max_length=SUGGESTION_MAX, blank=True)
    active = models.BooleanField(_("active"), default=True)
    team = models.ForeignKey(
        "tickets.Team",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="wording_rules",
        verbose_name=_("team"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # How often the rule mattered on replies that went out (a refused reply writes nothing, so is not counted):
    # a discouraged rule in a sent reply, a forbidden one sent with an override reason.
    warned_count = models.PositiveIntegerField(_("sent with a warning"), default=0)
    overridden_count = models.PositiveIntegerField(_("overridden"), default=0)

    class Meta:
        verbose_name = _("wording rule")
        verbose_name_plural = _("wording rules")
        ordering = ["-kind", "id"]

    def __str__(self) -> str:
        return self.pattern

    @property
    def blocks(self) -> bool:
        return self.kind == WordingRuleKind.FORBIDDEN
