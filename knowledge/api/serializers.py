"""Input and output of the knowledge API."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from ..enums import ArticleStatus, Audience
from ..links import article_public_url
from ..markdown import render_markdown
from ..models import ARTICLE_BODY_MAX, SLUG_MAX, TITLE_MAX

TAG_MAX = 40


class CategoryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    description = serializers.CharField()
    position = serializers.IntegerField()
    is_public = serializers.BooleanField()


class ArticleRefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()


class ArticleOutput(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()
    category = serializers.SerializerMethodField(help_text="The category's slug, or null.")
    tags = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=ArticleStatus.choices)
    audience = serializers.ChoiceField(choices=Audience.choices)
    public_url = serializers.SerializerMethodField(help_text="The help-centre address, or null when not public.")
    snippet_html = serializers.SerializerMethodField(
        help_text="With ``q``: the text around the first match, HTML-escaped, matches in <mark>. Else null."
    )
    helpful_count = serializers.IntegerField()
    not_helpful_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    published_at = serializers.DateTimeField(allow_null=True)

    def get_category(self, article: Any) -> str | None:
        return article.category.slug if article.category_id else None

    def get_tags(self, article: Any) -> list[str]:
        return [tag.name for tag in article.tags.all()]

    def get_public_url(self, article: Any) -> str | None:
        return article_public_url(article) if article.is_public() else None

    def get_snippet_html(self, article: Any) -> str | None:
        snippets = self.context.get("snippets") or {}
        return str(snippets[article.pk]) if article.pk in snippets else None


class ArticleDetailOutput(ArticleOutput):
    body = serializers.CharField(help_text="Markdown.")
    body_html = serializers.SerializerMethodField(help_text="The body rendered and sanitised (nh3 allowlist).")
    version = serializers.IntegerField(source="version_count")
    related = serializers.SerializerMethodField()

    def get_body_html(self, article: Any) -> str:
        return str(render_markdown(article.body))

    def get_related(self, article: Any) -> list[dict[str, Any]]:
        related = self.context.get("related", [])
        return ArticleRefOutput(related, many=True).data  # type: ignore[return-value]


class ArticleFilterInput(serializers.Serializer):
    q = serializers.CharField(required=False, max_length=200, help_text="Search words (Chinese is segmented).")
    category = serializers.SlugField(required=False, max_length=60, help_text="A category's slug.")
    tag = serializers.CharField(required=False, max_length=TAG_MAX)
    status = serializers.ChoiceField(
        choices=ArticleStatus.choices,
        required=False,
        help_text="Staff only; API keys always read published public articles.",
    )
    audience = serializers.ChoiceField(choices=Audience.choices, required=False)


class ArticleInput(serializers.Serializer):
    title = serializers.CharField(max_length=TITLE_MAX)
    body = serializers.CharField(max_length=ARTICLE_BODY_MAX, required=False, allow_blank=True, default="")
    slug = serializers.CharField(max_length=SLUG_MAX, required=False, allow_blank=True, default="")
    category = serializers.SlugField(max_length=60, required=False, allow_null=True, default=None)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=TAG_MAX), required=False, default=list, max_length=10
    )
    audience = serializers.ChoiceField(choices=Audience.choices, required=False, default=Audience.INTERNAL)
    related = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62), required=False, default=list, max_length=10
    )


class ArticleUpdateInput(ArticleInput):
    title = serializers.CharField(max_length=TITLE_MAX, required=False)
    body = serializers.CharField(max_length=ARTICLE_BODY_MAX, required=False, allow_blank=True)
    slug = serializers.CharField(max_length=SLUG_MAX, required=False, allow_blank=True)
    category = serializers.SlugField(max_length=60, required=False, allow_null=True)
    tags = serializers.ListField(child=serializers.CharField(max_length=TAG_MAX), required=False, max_length=10)
    audience = serializers.ChoiceField(choices=Audience.choices, required=False)
    related = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62), required=False, max_length=10
    )
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    version = serializers.IntegerField(
        required=False, min_value=0, help_text="The version you edited; a later save by someone else is a 409."
    )
