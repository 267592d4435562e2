"""Canned replies (快捷回复 / 话术) and their folders. Fields and predicates only: every write goes through
``replies.services.canned``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tickets.models import Team

TITLE_MAX = 100
SHORTCUT_MAX = 30
REPLY_BODY_MAX = 5_000
FOLDER_NAME_MAX = 50


class ReplyScope(models.TextChoices):
    GLOBAL = "global", _("Global")
    TEAM = "team", _("Team")
    PERSONAL = "personal", _("Personal")


class Folder(models.Model):
    """A folder of replies (售前, 售中, 售后, 投诉 …). ``team`` empty: shared by everyone; else the team's own."""

    name = models.CharField(_("name"), max_length=FOLDER_NAME_MAX)
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, null=True, blank=True, related_name="reply_folders", verbose_name=_("team")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("reply folder")
        verbose_name_plural = _("reply folders")
        ordering = ["position", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["team", "name"], name="reply_folder_team_name_uniq"),
            models.UniqueConstraint(fields=["name"], condition=Q(team__isnull=True), name="reply_folder_shared_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.team.name} / {self.name}" if self.team_id and self.team else self.name


class CannedReply(models.Model):
    """A canned reply. ``scope`` says who sees it: everyone (global), one team's members and managers (team),
    or only its owner (personal). ``shortcut`` is stored without the leading ``#``, lower-cased; it is unique
    within one scope (one owner, one team, or the global set). ``search_key`` holds the title's and shortcut's
    pinyin, full and initials ("发货" → "fahuo fh"), for the picker."""

    scope = models.CharField(_("scope"), max_length=10, choices=ReplyScope.choices)
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, null=True, blank=True, related_name="canned_replies", verbose_name=_("team")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="canned_replies",
        verbose_name=_("owner"),
    )
    folder = models.ForeignKey(
        Folder, on_delete=models.SET_NULL, null=True, blank=True, related_name="replies", verbose_name=_("folder")
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    shortcut = models.CharField(_("shortcut"), max_length=SHORTCUT_MAX)
    body = models.TextField(_("body"))
    search_key = models.CharField(_("search key"), max_length=600, blank=True, editable=False)
    usage_count = models.PositiveIntegerField(_("times used"), default=0)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")
        ordering = ["title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(scope="global", team__isnull=True, owner__isnull=True))
                | Q(scope="team", team__isnull=False, owner__isnull=True)
                | Q(scope="personal", team__isnull=True, owner__isnull=False),
                name="canned_reply_scope_owner",
            ),
            models.UniqueConstraint(
                fields=["shortcut"], condition=Q(scope="global"), name="canned_reply_global_shortcut_uniq"
            ),
            models.UniqueConstraint(
                fields=["team", "shortcut"], condition=Q(scope="team"), name="canned_reply_team_shortcut_uniq"
            ),
            models.UniqueConstraint(
                fields=["owner", "shortcut"], condition=Q(scope="personal"), name="canned_reply_owner_shortcut_uniq"
            ),
        ]
        indexes = [models.Index(fields=["scope", "is_active"], name="canned_reply_scope_idx")]

    def __str__(self) -> str:
        return f"#{self.shortcut} {self.title}"
