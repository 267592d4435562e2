"""The help centre's "was this helpful?" votes. One vote per browser per article is kept by the page (a signed
cookie); the count itself is an atomic ``F()`` increment, so votes at the same moment are all counted."""

from __future__ import annotations

from django.db.models import F
from django.utils.translation import gettext as _

from core.errors import NotFound

from ..models import Article


def article_feedback_record(*, article: Article, helpful: bool) -> None:
    """Count one vote. Precondition: the article is shown in the help centre (else 404: no vote on a draft or
    an internal article, whoever guesses its id)."""
    if not article.is_public():
        raise NotFound(_("No such article."))
    field = "helpful_count" if helpful else "not_helpful_count"
    Article.objects.filter(pk=article.pk).update(**{field: F(field) + 1})
