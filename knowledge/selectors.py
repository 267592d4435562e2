"""Every non-trivial read of the knowledge base: who sees which article, the Chinese search (ranked, with
highlighted snippets), the help centre's lists, the version diff, and the suggestions for a ticket."""

from __future__ import annotations

import difflib
import functools
import operator
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.utils.safestring import SafeString

from tickets.models import Ticket
from tickets.selectors import ticket_latest_buyer_messages

from . import permissions
from .enums import ArticleStatus, Audience
from .models import Article, ArticleVersion, Category, KbTag
from .search import highlight, query_tokens, snippet

SEARCH_LIMIT_MAX = 100
# SQLite ranks in Python: at most this many matching titles, and as many other matches, are read.
SQLITE_CANDIDATES = 300
# PostgreSQL: at most this many title matches are ranked (only a question made of very common words has more),
# and this many body matches to fill a page after them.
PG_TITLE_CANDIDATES = 1000
PG_BODY_CANDIDATES = 200


def public_articles_q(prefix: str = "") -> Q:
    """Shown in the help centre: published, public, in no category or a public one."""
    return Q(
        **{
            f"{prefix}status": ArticleStatus.PUBLISHED,
            f"{prefix}audience": Audience.PUBLIC,
        }
    ) & (Q(**{f"{prefix}category__isnull": True}) | Q(**{f"{prefix}category__is_public": True}))


def articles_visible_to(user: Any) -> QuerySet[Article]:
    """Staff see every article (drafts, archived, internal); anyone else only what the help centre shows."""
    if permissions.may_read_kb(user):
        return Article.objects.all()
    return Article.objects.filter(public_articles_q())


@dataclass
class SearchHit:
    article: Article
    rank: float = 0.0
    title_html: SafeString = field(default_factory=lambda: SafeString(""))
    snippet_html: SafeString = field(default_factory=lambda: SafeString(""))


def _ranked_postgresql(base: QuerySet[Article], words: list[str], *, any_token: bool, limit: int) -> list[Article]:
    """Two steps, each on a GIN index: first the articles whose title or tags match (ranked on that small
    vector, so a word found in thousands of bodies costs no more than one found in ten); then, to fill the
    page, the best of at most ``PG_BODY_CANDIDATES`` articles that match anywhere, ranked on the whole
    weighted vector (title A, tags B, body C). Both steps rank a bounded number of rows, so the time does not
    grow with the number of matches (the price: among thousands of matches, the best may be missed)."""
    queries = [SearchQuery(word, config="simple", search_type="plain") for word in words]
    query = functools.reduce(operator.or_ if any_token else operator.and_, queries)
    shown = base.defer("search_vector", "title_vector", "search_document")
    titles = base.filter(title_vector=query).order_by().values("pk")[:PG_TITLE_CANDIDATES]
    found: list[Article] = list(
        shown.filter(pk__in=titles)
        .annotate(rank=SearchRank(F("title_vector"), query) + 1.0)
        .order_by("-rank", "-published_at", "-pk")[:limit]
    )
    if len(found) < limit:
        candidates = (
            base.filter(search_vector=query)
            .exclude(pk__in=[article.pk for article in found])
            .order_by()  # any order: the scan stops at the limit instead of sorting every match
            .values("pk")
        )[:PG_BODY_CANDIDATES]
        found += list(
            shown.filter(pk__in=candidates)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", "-published_at", "-pk")[: limit - len(found)]
        )
    return found


def _ranked_sqlite(base: QuerySet[Article], words: list[str], *, any_token: bool, limit: int) -> list[Article]:
    """Every word (or, with ``any_token``, one word) a substring of the search document, ranked here like the
    PostgreSQL way in two steps: the titles that match first (a word in the title counts 3), then, to fill the
    page, at most ``SQLITE_CANDIDATES`` other matches by how often the words occur (at most 5 each)."""
    combine = operator.or_ if any_token else operator.and_
    in_title = functools.reduce(combine, [Q(title__icontains=word) for word in words])
    in_document = functools.reduce(combine, [Q(search_document__contains=word) for word in words])
    titles = list(base.filter(in_title).order_by("-published_at", "-pk").values_list("pk", "title")[:SQLITE_CANDIDATES])
    scored = sorted(
        (
            (10 + sum(3 for word in words if word in title.lower()), index, pk)
            for index, (pk, title) in enumerate(titles)
        ),
        key=lambda item: (-item[0], item[1]),
    )[:limit]
    if len(scored) < limit:
        seen = [pk for _score, _index, pk in scored]
        others = list(
            base.filter(in_document)
            .exclude(pk__in=seen)
            .order_by()
            .values_list("pk", "search_document")[:SQLITE_CANDIDATES]
        )
        scored += sorted(
            (
                (sum(min(document.count(word), 5) for word in words), index, pk)
                for index, (pk, document) in enumerate(others)
            ),
            key=lambda item: (-item[0], item[1]),
        )[: limit - len(scored)]
    articles = base.defer("search_vector", "title_vector", "search_document").in_bulk([pk for _s, _i, pk in scored])
    ranked = []
    for value, _index, pk in scored:
        article = articles[pk]
        article.rank = value  # type: ignore[attr-defined]
        ranked.append(article)
    return ranked


def _ranked(base: QuerySet[Article], words: list[str], *, any_token: bool, limit: int) -> list[Article]:
    rank = _ranked_postgresql if connection.vendor == "postgresql" else _ranked_sqlite
    found = rank(base, words, any_token=any_token, limit=limit)
    if not found and not any_token and len(words) > 1:
        # Nothing has every word: a long question still finds the articles that share most of its words.
        found = rank(base, words, any_token=True, limit=limit)
    return found


def hits_for(articles: Sequence[Article], words: list[str]) -> list[SearchHit]:
    # Single characters (退, 无 from a segmented 退货运费) would light up half the text: mark whole words only.
    words = [word for word in words if len(word) > 1] or words
    return [
        SearchHit(
            article=article,
            rank=float(getattr(article, "rank", 0.0) or 0.0),
            title_html=highlight(article.title, words),
            snippet_html=snippet(article.body, words),
        )
        for article in articles
    ]


def _visible_base(*, user: Any, public_only: bool) -> QuerySet[Article]:
    if public_only or not permissions.may_read_kb(user):
        return Article.objects.filter(public_articles_q())
    return Article.objects.all()


def article_search(
    *,
    query: str,
    user: Any = None,
    public_only: bool = False,
    limit: int = 20,
    any_token: bool = False,
    base: QuerySet[Article] | None = None,
) -> list[SearchHit]:
    """The articles that best match the query, best first, each with its title and a snippet highlighted.

    Who sees what: ``public_only`` (or a user who is not staff, or no user) searches only what the help centre
    shows; staff see published articles, internal and public (pass ``base`` to search drafts and archived ones,
    as the staff list does). Every word of the query must match (``any_token``: one is enough); when nothing has
    every word, the articles with some of them come back, ranked.
    """
    words = query_tokens(query)
    if any_token:
        # Any word may match: a single character would match nearly everything.
        words = [word for word in words if len(word) > 1] or words
    if not words:
        return []
    limit = max(1, min(int(limit), SEARCH_LIMIT_MAX))
    visible = _visible_base(user=user, public_only=public_only)
    if base is None:
        base = visible.filter(status=ArticleStatus.PUBLISHED)
    else:
        base = base & visible
    return hits_for(_ranked(base.select_related("category"), words, any_token=any_token, limit=limit), words)


@dataclass(frozen=True)
class ArticleFilters:
    query: str = ""
    category: Category | None = None
    status: str = ""
    audience: str = ""
    tag: str = ""


def article_list(*, user: Any, filters: ArticleFilters) -> QuerySet[Article]:
    """The staff list's articles (no search words): every status unless one is asked for; newest change first."""
    articles = articles_visible_to(user).select_related("category", "author").defer("search_vector")
    if filters.category is not None:
        articles = articles.filter(category=filters.category)
    if filters.status:
        articles = articles.filter(status=filters.status)
    if filters.audience:
        articles = articles.filter(audience=filters.audience)
    if filters.tag:
        articles = articles.filter(tags__name=filters.tag)
    return articles.order_by("-updated_at", "-pk")


def article_search_staff(*, user: Any, filters: ArticleFilters, limit: int = SEARCH_LIMIT_MAX) -> list[SearchHit]:
    """The staff list's search: the same filters, every status unless one is asked for."""
    base = article_list(user=user, filters=ArticleFilters(**{**filters.__dict__, "query": ""}))
    return article_search(query=filters.query, user=user, limit=limit, base=base.order_by())


def article_get_for_staff(*, pk: int, user: Any) -> Article | None:
    if not permissions.may_read_kb(user):
        return None
    return (
        Article.objects.select_related("category", "author", "source_ticket")
        .prefetch_related("tags", "related")
        .filter(pk=pk)
        .first()
    )


def article_get_public(*, slug: str) -> Article | None:
    return Article.objects.select_related("category").filter(public_articles_q(), slug=slug).first()


def related_public(article: Article) -> list[Article]:
    """The related articles a buyer may open (never a draft or an internal one)."""
    return list(article.related.filter(public_articles_q()).order_by("title"))


def categories_public() -> list[Category]:
    """The help centre's categories with how many articles each shows; empty ones left out."""
    return list(
        Category.objects.filter(is_public=True)
        .annotate(
            shown=Count(
                "articles",
                filter=Q(articles__status=ArticleStatus.PUBLISHED, articles__audience=Audience.PUBLIC),
            )
        )
        .filter(shown__gt=0)
        .order_by("position", "name")
    )


def category_articles_public(*, category: Category) -> QuerySet[Article]:
    return (
        Article.objects.filter(public_articles_q(), category=category)
        .defer("search_vector", "search_document")
        .order_by("title")
    )


def popular_public(*, limit: int = 8) -> list[Article]:
    return list(
        Article.objects.filter(public_articles_q())
        .defer("search_vector", "search_document", "body")
        .order_by("-helpful_count", "-published_at", "-pk")[:limit]
    )


def tags_in_use() -> list[str]:
    return list(KbTag.objects.filter(articles__isnull=False).distinct().order_by("name").values_list("name", flat=True))


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "add", "remove", "context", "hunk"
    text: str


def version_diff(*, old: ArticleVersion, new: ArticleVersion) -> list[DiffLine]:
    """A unified diff of two versions (title and body, line by line). Plain text lines: the template escapes."""
    before = [f"# {old.title}", "", *old.body.splitlines()]
    after = [f"# {new.title}", "", *new.body.splitlines()]
    lines: list[DiffLine] = []
    for line in difflib.unified_diff(before, after, lineterm="", n=3):
        if line.startswith(("---", "+++")):
            continue
        kind = {"@": "hunk", "+": "add", "-": "remove"}.get(line[:1], "context")
        lines.append(DiffLine(kind=kind, text=line))
    return lines


def ticket_suggestion_text(ticket: Ticket, *, messages: int = 3) -> str:
    """What a ticket is about: its subject and the buyer's latest messages (or its description)."""
    latest = ticket_latest_buyer_messages(ticket=ticket, limit=messages)
    return " ".join([ticket.subject, *(latest or [ticket.description])])[:2000]


def article_suggestions(*, ticket: Ticket, user: Any, limit: int = 5) -> list[SearchHit]:
    """The published articles (internal and public) that best match the ticket, for the agent working it."""
    if not permissions.may_read_kb(user):
        return []
    return article_search(query=ticket_suggestion_text(ticket), user=user, limit=limit, any_token=True)
