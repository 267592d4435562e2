"""Articles made the way the product makes them: through the services."""

from __future__ import annotations

from typing import Any

from knowledge.enums import Audience
from knowledge.models import Article, Category
from knowledge.services.articles import article_create, article_publish
from knowledge.services.categories import category_create


def make_category(manager: Any, name: str = "退换货", **kwargs: Any) -> Category:
    return category_create(actor=manager, name=name, **kwargs)


def make_article(
    manager: Any,
    title: str = "退货运费谁承担",
    body: str = "七天无理由退货的运费由买家承担；质量问题的退货运费由商家承担。",
    *,
    publish: bool = True,
    audience: str = Audience.PUBLIC,
    **kwargs: Any,
) -> Article:
    article = article_create(author=manager, title=title, body=body, audience=audience, **kwargs)
    if publish:
        article = article_publish(article=article, actor=manager)
    return article
