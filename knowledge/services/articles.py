"""Articles: create, update (each save writes a version), publish, archive. ``_status_set`` is the one writer of
``Article.status`` (tests/test_architecture.py)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from pypinyin import lazy_pinyin

from core.errors import Conflict, Forbidden, ValidationFailed
from tickets.models import Ticket

from .. import permissions
from ..enums import ALLOWED_TRANSITIONS, ArticleStatus, Audience
from ..models import ARTICLE_BODY_MAX, SLUG_MAX, TITLE_MAX, Article, ArticleVersion, Category, KbTag
from ..search import search_document

TAGS_MAX = 10
TAG_MAX = 40
RELATED_MAX = 10
NOTE_MAX = 200
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _clean_text(*, title: str, body: str) -> tuple[str, str]:
    title = (title or "").strip()
    body = (body or "").replace("\r\n", "\n")
    errors: dict[str, list[str]] = {}
    if not title:
        errors["title"] = [_("This field is required.")]
    elif len(title) > TITLE_MAX:
        errors["title"] = [_("At most %(max)s characters.") % {"max": TITLE_MAX}]
    if len(body) > ARTICLE_BODY_MAX:
        errors["body"] = [_("At most %(max)s characters.") % {"max": ARTICLE_BODY_MAX}]
    if "\x00" in title or "\x00" in body:
        errors.setdefault("body", []).append(_("The text holds a NUL character."))
    if errors:
        raise ValidationFailed(_("The article cannot be saved."), fields=errors)
    return title, body


def _clean_tags(tags: Iterable[str]) -> list[str]:
    names = list(dict.fromkeys(name.strip() for name in tags if name and name.strip()))
    if len(names) > TAGS_MAX:
        raise ValidationFailed(
            _("At most %(max)s tags.") % {"max": TAGS_MAX},
            fields={"tags": [_("At most %(max)s tags.") % {"max": TAGS_MAX}]},
        )
    too_long = [name for name in names if len(name) > TAG_MAX]
    if too_long:
        message = _("A tag is at most %(max)s characters.") % {"max": TAG_MAX}
        raise ValidationFailed(message, fields={"tags": [message]})
    return names


def parse_tags(text: str) -> list[str]:
    """Tags as a person types them: separated by commas (, or ，), 、 or spaces."""
    return [name for name in re.split(r"[,，、\s]+", text or "") if name]


def _slug_from_title(title: str) -> str:
    """An ASCII slug from the title's pinyin (退货运费 → tui-huo-yun-fei), cut to fit."""
    base = slugify(" ".join(lazy_pinyin(title)))[: SLUG_MAX - 8].strip("-") or "article"
    slug = base
    number = 2
    while Article.objects.filter(slug=slug).exists():
        slug = f"{base}-{number}"
        number += 1
    return slug


def _clean_slug(slug: str, *, article: Article | None) -> str:
    slug = (slug or "").strip().lower()
    if not _SLUG.match(slug) or len(slug) > SLUG_MAX:
        message = _("Lower-case letters, digits and single hyphens, at most %(max)s characters.") % {"max": SLUG_MAX}
        raise ValidationFailed(_("The slug is not valid."), fields={"slug": [message]})
    clash = Article.objects.filter(slug=slug)
    if article is not None:
        clash = clash.exclude(pk=article.pk)
    if clash.exists():
        raise _slug_taken(slug)
    return slug


def _slug_taken(slug: str) -> ValidationFailed:
    message = _("Another article already uses the slug “%(slug)s”.") % {"slug": slug}
    return ValidationFailed(message, fields={"slug": [message]}, code="slug_taken")


def _clean_related(related: Sequence[Article | int], *, article: Article | None) -> list[Article]:
    ids = list(dict.fromkeys(item.pk if isinstance(item, Article) else int(item) for item in related))
    if article is not None and article.pk in ids:
        ids.remove(article.pk)
    if len(ids) > RELATED_MAX:
        message = _("At most %(max)s related articles.") % {"max": RELATED_MAX}
        raise ValidationFailed(message, fields={"related": [message]})
    found = {a.pk: a for a in Article.objects.filter(pk__in=ids)}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        message = _("No such article: %(ids)s.") % {"ids": ", ".join(map(str, missing))}
        raise ValidationFailed(message, fields={"related": [message]})
    return [found[pk] for pk in ids]


def _clean_choice(value: str, choices: Any, field: str) -> str:
    if value not in choices.values:
        raise ValidationFailed(_("Not a valid choice."), fields={field: [_("Not a valid choice.")]})
    return value


def article_index(article: Article) -> None:
    """Recompute the article's search document (and on PostgreSQL its weighted vectors) from what it says now.
    Call after saving the title, body or tags."""
    document = search_document(title=article.title, tags=article.tags.values_list("name", flat=True), body=article.body)
    Article.objects.filter(pk=article.pk).update(search_document=document.text)
    article.search_document = document.text
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                SEARCH_VECTOR_SQL,
                {"title": document.title, "tags": document.tags, "body": document.body, "id": article.pk},
            )


# The weighted vectors from the three segmented parts; the benchmark's bulk load uses it too.
SEARCH_VECTOR_SQL = (
    "UPDATE knowledge_article SET "
    "search_vector = setweight(to_tsvector('simple', %(title)s), 'A') || setweight(to_tsvector('simple', %(tags)s), 'B')"
    " || setweight(to_tsvector('simple', %(body)s), 'C'), "
    "title_vector = setweight(to_tsvector('simple', %(title)s), 'A') || setweight(to_tsvector('simple', %(tags)s), 'B') "
    "WHERE id = %(id)s"
)


def _version_write(article: Article, *, author: Any, note: str = "") -> ArticleVersion:
    number = article.version_count + 1
    Article.objects.filter(pk=article.pk).update(version_count=number)
    article.version_count = number
    return ArticleVersion.objects.create(
        article=article, number=number, title=article.title, body=article.body, author=author, note=note[:NOTE_MAX]
    )


def _tags_set(article: Article, names: list[str]) -> None:
    existing = {tag.name: tag for tag in KbTag.objects.filter(name__in=names)}
    for name in names:
        if name not in existing:
            existing[name] = KbTag.objects.get_or_create(name=name)[0]
    article.tags.set([existing[name] for name in names])


@transaction.atomic
def article_create(
    *,
    author: Any,
    title: str,
    body: str = "",
    category: Category | None = None,
    tags: Iterable[str] = (),
    audience: str = Audience.INTERNAL,
    slug: str = "",
    related: Sequence[Article | int] = (),
    source_ticket: Ticket | None = None,
) -> Article:
    """Write a new draft and its version 1.

    Preconditions (each refusal a ``ValidationFailed`` naming the field, nothing written): the author is an
    agent; a title of 1 to 200 characters; a body of at most 50,000; at most 10 tags of 40 characters; a slug,
    when given, of lower-case letters, digits and hyphens that no other article uses (else made from the title's
    pinyin); related articles that exist. Side effects: none beyond the rows (the article is a draft)."""
    if not permissions.may_write(author):
        raise Forbidden(_("Only agents and managers write articles."))
    title, body = _clean_text(title=title, body=body)
    names = _clean_tags(tags)
    audience = _clean_choice(audience, Audience, "audience")
    slug = _clean_slug(slug, article=None) if slug else _slug_from_title(title)
    related_articles = _clean_related(related, article=None)
    try:
        with transaction.atomic():
            article = Article.objects.create(
                title=title,
                slug=slug,
                body=body,
                category=category,
                audience=audience,
                author=author,
                source_ticket=source_ticket,
            )
    except IntegrityError as exc:  # two writers took the same slug at once
        raise _slug_taken(slug) from exc
    _tags_set(article, names)
    article.related.set(related_articles)
    _version_write(article, author=author, note=_("Created"))
    article_index(article)
    return article


@transaction.atomic
def article_update(
    *,
    article: Article,
    actor: Any,
    title: str,
    body: str,
    category: Category | None,
    tags: Iterable[str],
    audience: str,
    slug: str = "",
    related: Sequence[Article | int] = (),
    note: str = "",
    expected_version: int | None = None,
) -> Article:
    """Save the article's new text and settings and write the next version (when title or body changed).

    Preconditions: as ``article_create``; the actor may edit it (agents: drafts only; managers: any).
    ``expected_version``, when given, is the version the editor started from: a later save by someone else is a
    ``Conflict`` (409), so no one overwrites another's work unseen."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    if not permissions.may_edit(actor, article):
        raise Forbidden(_("Only managers edit an article that is published or archived."))
    if expected_version is not None and expected_version != article.version_count:
        raise Conflict(
            _("Someone saved this article after you opened it (now version %(number)s). Reload and edit again.")
            % {"number": article.version_count}
        )
    title, body = _clean_text(title=title, body=body)
    names = _clean_tags(tags)
    audience = _clean_choice(audience, Audience, "audience")
    slug = _clean_slug(slug, article=article) if slug else article.slug
    related_articles = _clean_related(related, article=article)
    text_changed = (title, body) != (article.title, article.body)
    article.title, article.body, article.category, article.audience, article.slug = (
        title,
        body,
        category,
        audience,
        slug,
    )
    try:
        with transaction.atomic():
            article.save(update_fields=["title", "body", "category", "audience", "slug", "updated_at"])
    except IntegrityError as exc:
        raise _slug_taken(slug) from exc
    _tags_set(article, names)
    article.related.set(related_articles)
    if text_changed:
        _version_write(article, author=actor, note=note)
    article_index(article)
    return article


def _status_set(article: Article, *, to_status: str, actor: Any) -> Article:
    """The one writer of ``Article.status``: locks the row, checks the transition table, stamps
    ``published_at`` on first publication."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    if to_status not in ALLOWED_TRANSITIONS[article.status]:
        raise Conflict(
            _("A %(from)s article cannot become %(to)s.")
            % {"from": article.get_status_display(), "to": ArticleStatus(to_status).label}
        )
    article.status = to_status
    fields = ["status", "updated_at"]
    if to_status == ArticleStatus.PUBLISHED and article.published_at is None:
        article.published_at = timezone.now()
        fields.append("published_at")
    article.save(update_fields=fields)
    return article


@transaction.atomic
def article_publish(*, article: Article, actor: Any) -> Article:
    """Publish (managers): internal articles show to staff everywhere, public ones also in the help centre."""
    if not permissions.may_publish(actor):
        raise Forbidden(_("Only managers publish articles."))
    return _status_set(article, to_status=ArticleStatus.PUBLISHED, actor=actor)


@transaction.atomic
def article_archive(*, article: Article, actor: Any) -> Article:
    """Archive (managers): gone from the help centre, from suggestions and from default searches; kept."""
    if not permissions.may_publish(actor):
        raise Forbidden(_("Only managers archive articles."))
    return _status_set(article, to_status=ArticleStatus.ARCHIVED, actor=actor)


@transaction.atomic
def article_unpublish(*, article: Article, actor: Any) -> Article:
    """Back to a draft (managers), to rework it out of sight of buyers."""
    if not permissions.may_publish(actor):
        raise Forbidden(_("Only managers take articles back to drafts."))
    return _status_set(article, to_status=ArticleStatus.DRAFT, actor=actor)
