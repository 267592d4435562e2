"""Article states and audiences."""

from __future__ import annotations

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class ArticleStatus(TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class Audience(TextChoices):
    INTERNAL = "internal", _("Internal (staff only)")
    PUBLIC = "public", _("Public (help centre)")


# Which status may follow which: a draft is published; a published article is archived (or taken back to a
# draft to rework it); an archived one comes back as a draft or straight to published.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    ArticleStatus.DRAFT: frozenset({ArticleStatus.PUBLISHED, ArticleStatus.ARCHIVED}),
    ArticleStatus.PUBLISHED: frozenset({ArticleStatus.ARCHIVED, ArticleStatus.DRAFT}),
    ArticleStatus.ARCHIVED: frozenset({ArticleStatus.PUBLISHED, ArticleStatus.DRAFT}),
}
