"""The public address of a help-centre article, as buyers reach the helpdesk (``HELPDESK_PUBLIC_URL``)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from .models import Article


def article_public_url(article: Article) -> str:
    return f"{settings.HELPDESK_PUBLIC_URL.rstrip('/')}{reverse('helpcentre:article', args=[article.slug])}"
