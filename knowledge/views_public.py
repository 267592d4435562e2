"""The public help centre (帮助中心) under /help/: no login, phone first. Only published public articles in public
(or no) categories are ever read here — drafts, archived and internal articles answer 404 and never appear in a
list, a search result or an article's related links.

"Was this helpful?" is a CSRF-protected POST; one vote per browser per article (a signed cookie lists the
articles this browser voted on) and at most ``KB_FEEDBACK_PER_HOUR`` votes per address an hour."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.client_ip import client_ip
from core.errors import ApplicationError
from integrations import ratelimit

from . import selectors
from .markdown import render_markdown
from .models import Category
from .services.feedback import article_feedback_record

VOTES_COOKIE = "kb_votes"
VOTES_SALT = "knowledge.votes"
VOTES_KEPT = 200
VOTES_MAX_AGE = 365 * 24 * 3600
RESULTS_MAX = 20


def _voted(request: HttpRequest) -> list[int]:
    try:
        value = signing.loads(request.COOKIES.get(VOTES_COOKIE, ""), salt=VOTES_SALT, max_age=VOTES_MAX_AGE)
    except signing.BadSignature:
        return []
    return [item for item in value if isinstance(item, int)] if isinstance(value, list) else []


def _language() -> str:
    return get_language() or "zh-hans"


def home_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "knowledge/help/home.html",
        {
            "categories": selectors.categories_public(),
            "popular": selectors.popular_public(),
            "language": _language(),
        },
    )


def search_view(request: HttpRequest) -> HttpResponse:
    query = (request.GET.get("q") or "").strip()[:200]
    hits = selectors.article_search(query=query, public_only=True, limit=RESULTS_MAX) if query else []
    return render(request, "knowledge/help/search.html", {"query": query, "hits": hits})


def category_view(request: HttpRequest, slug: str) -> HttpResponse:
    category = Category.objects.filter(slug=slug, is_public=True).first()
    if category is None:
        return _not_found(request)
    return render(
        request,
        "knowledge/help/category.html",
        {
            "category": category,
            "label": category.label(_language()),
            "articles": selectors.category_articles_public(category=category),
        },
    )


def article_view(request: HttpRequest, slug: str) -> HttpResponse:
    article = selectors.article_get_public(slug=slug)
    if article is None:
        return _not_found(request)
    return render(
        request,
        "knowledge/help/article.html",
        {
            "article": article,
            "body_html": render_markdown(article.body),
            "related": selectors.related_public(article),
            "category_label": article.category.label(_language()) if article.category else "",
            "voted": article.pk in _voted(request),
            "thanks": request.GET.get("voted") in ("yes", "no"),
            "voted_no": request.GET.get("voted") == "no",
        },
    )


@require_POST
def feedback_view(request: HttpRequest, slug: str) -> HttpResponse:
    article = selectors.article_get_public(slug=slug)
    if article is None:
        return _not_found(request)
    vote = request.POST.get("helpful", "")
    url = reverse("helpcentre:article", args=[article.slug])
    if vote not in ("yes", "no"):
        return _refused(request, _("Choose yes or no."), status=400)
    voted = _voted(request)
    if article.pk in voted:
        return redirect(f"{url}?voted={vote}#feedback")  # counted once already: thank them again, count nothing
    limit = int(getattr(settings, "KB_FEEDBACK_PER_HOUR", 30))
    if ratelimit.hit(f"kb-vote:{client_ip(request) or '-'}", 3600).count > limit:
        return _refused(request, _("Too many votes from this network. Please try again later."), status=429)
    try:
        article_feedback_record(article=article, helpful=vote == "yes")
    except ApplicationError as exc:
        return _refused(request, exc.message, status=exc.status_code)
    response = redirect(f"{url}?voted={vote}#feedback")
    response.set_cookie(
        VOTES_COOKIE,
        signing.dumps([*voted, article.pk][-VOTES_KEPT:], salt=VOTES_SALT),
        max_age=VOTES_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response


def _not_found(request: HttpRequest) -> HttpResponse:
    """A 404 in the help centre's own page (search box, way back), not the staff "back to the inbox" page: the
    same answer for an address that never existed and for a draft or internal article."""
    return _refused(request, _("This page is not in the help centre. Try searching for it."), status=404)


def _refused(request: HttpRequest, message: str, *, status: int) -> HttpResponse:
    return render(request, "knowledge/help/message.html", {"message": message}, status=status)
