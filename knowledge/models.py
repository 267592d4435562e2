"""The knowledge base (知识库): categories, articles with their version history, tags and the buyers' "was this
helpful?" votes. Fields and predicates only: every write goes through ``knowledge.services``."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from tickets.models import Ticket

from .enums import ArticleStatus, Audience

TITLE_MAX = 200
SLUG_MAX = 80
ARTICLE_BODY_MAX = 50_000


class Category(models.Model):
    """A shelf of the knowledge base (退换货, 物流, 发票 …). A category that is not public keeps its articles out
    of the help centre whatever their audience."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    name_en = models.CharField(_("English name"), max_length=60, blank=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_public = models.BooleanField(_("shown in the help centre"), default=True)

    class Meta:
        verbose_name = _("knowledge category")
        verbose_name_plural = _("knowledge categories")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def label(self, language: str) -> str:
        return self.name_en if language.startswith("en") and self.name_en else self.name


class KbTag(models.Model):
    """A free label on articles (运费, 七天无理由 …), shared by every article."""

    name = models.CharField(_("name"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("knowledge tag")
        verbose_name_plural = _("knowledge tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    slug = models.SlugField(_("slug"), max_length=SLUG_MAX, unique=True, allow_unicode=False)
    category = models.ForeignKey(
        Category,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name=_("category"),
    )
    tags = models.ManyToManyField(KbTag, blank=True, related_name="articles", verbose_name=_("tags"))
    status = models.CharField(_("status"), max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT)
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices, default=Audience.INTERNAL)
    body = models.TextField(_("body (Markdown)"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    related = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="related_from", verbose_name=_("related articles")
    )
    source_ticket = models.ForeignKey(
        Ticket,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from ticket"),
    )
    helpful_count = models.PositiveIntegerField(_("helpful votes"), default=0)
    not_helpful_count = models.PositiveIntegerField(_("not helpful votes"), default=0)
    # The title, tags and body segmented by rjieba (cut_for_search), space-joined: what SQLite searches, and what
    # the PostgreSQL vector below is built from. Kept by the services, never by hand.
    search_document = models.TextField(_("search document"), blank=True, editable=False)
    # PostgreSQL only (plain NULL columns on SQLite), each with a GIN index made by migration 0002: the whole
    # article (title tokens weight A, tags B, body C), and the title and tags alone — small, so the titles that
    # match are found and ranked first even when a common word is in thousands of bodies.
    search_vector = SearchVectorField(null=True, editable=False)
    title_vector = SearchVectorField(null=True, editable=False)
    version_count = models.PositiveIntegerField(_("versions"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-updated_at", "-pk"]
        indexes = [models.Index(fields=["status", "audience"], name="kb_article_status_idx")]

    def __str__(self) -> str:
        return self.title

    def is_published(self) -> bool:
        return self.status == ArticleStatus.PUBLISHED

    def is_public(self) -> bool:
        """Shown in the help centre: published, public, and not in a hidden category."""
        return (
            self.status == ArticleStatus.PUBLISHED
            and self.audience == Audience.PUBLIC
            and (self.category is None or self.category.is_public)
        )


class ArticleVersion(models.Model):
    """What an article said after each save: number 1 is the first draft."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions", verbose_name=_("article"))
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    body = models.TextField(_("body (Markdown)"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("article version")
        verbose_name_plural = _("article versions")
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="kb_version_number_unique")]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.number}"
