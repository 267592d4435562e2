"""The public help centre: only published public articles, no leaks, feedback once per browser, rate-limited."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from knowledge.enums import Audience
from knowledge.models import Article
from knowledge.services.articles import article_archive

from .helpers import make_article, make_category

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()


@pytest.fixture
def articles(manager):
    shelf = make_category(manager, name="退换货", name_en="Returns")
    hidden = make_category(manager, name="内部", is_public=False)
    public = make_article(manager, title="退货运费谁承担", category=shelf, tags=["运费"])
    internal = make_article(manager, title="运费内部口径", audience=Audience.INTERNAL, category=shelf)
    draft = make_article(manager, title="运费草稿", publish=False, audience=Audience.PUBLIC)
    archived = article_archive(article=make_article(manager, title="运费旧规则"), actor=manager)
    in_hidden = make_article(manager, title="运费隐藏", category=hidden)
    public.related.set([internal, draft, archived, in_hidden])
    return {"public": public, "internal": internal, "draft": draft, "archived": archived, "hidden": in_hidden}


def test_home_lists_public_categories_and_popular_articles(client, articles):
    html = client.get(reverse("helpcentre:home")).content.decode()
    assert "退换货" in html and "退货运费谁承担" in html
    assert "内部" not in html.replace("内部口径", "") or "运费内部口径" not in html
    assert "运费草稿" not in html and "运费隐藏" not in html and "运费内部口径" not in html
    assert "/help/request/" in html  # "didn't find an answer? submit a question"


def test_english_shows_the_english_category_name(articles):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    html = client.get(reverse("helpcentre:home")).content.decode()
    assert "Returns" in html and "How can we help?" in html


def test_search_finds_only_public_articles_with_snippets(client, articles):
    response = client.get(reverse("helpcentre:search"), {"q": "运费"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "退货<mark>运费</mark>谁承担" in html
    for leak in ("内部口径", "运费草稿", "运费旧规则", "运费隐藏"):
        assert leak not in html


@pytest.mark.parametrize("which", ["internal", "draft", "archived", "hidden"])
def test_hidden_articles_are_404_by_slug(client, articles, which):
    assert client.get(reverse("helpcentre:article", args=[articles[which].slug])).status_code == 404
    response = client.post(reverse("helpcentre:feedback", args=[articles[which].slug]), {"helpful": "yes"})
    assert response.status_code == 404


@pytest.mark.parametrize("path", ["/help/a/no-such-article/", "/help/c/no-such-category/", "draft", "hidden-category"])
def test_a_missing_page_is_the_help_centres_own_404_not_the_staff_one(client, articles, manager, path):
    """A buyer got the staff 404 ("back to the inbox", "the ticket may have a different number")."""
    if path == "draft":
        path = reverse("helpcentre:article", args=[articles["draft"].slug])
    elif path == "hidden-category":
        path = reverse("helpcentre:category", args=[articles["hidden"].category.slug])
    response = client.get(path)
    html = response.content.decode()
    assert response.status_code == 404
    assert 'data-testid="hc-message"' in html and reverse("helpcentre:search") in html
    assert "返回工作台" not in html and "运费草稿" not in html and "内部" not in html


def test_an_article_page_shows_only_public_related_articles(client, articles):
    html = client.get(reverse("helpcentre:article", args=[articles["public"].slug])).content.decode()
    assert "退货运费谁承担" in html and "Was this helpful?" in html or "这篇文章有帮助吗" in html
    for leak in ("内部口径", "运费草稿", "运费旧规则", "运费隐藏"):
        assert leak not in html


def test_a_browser_votes_once_per_article(client, articles):
    article = articles["public"]
    url = reverse("helpcentre:feedback", args=[article.slug])
    first = client.post(url, {"helpful": "yes"})
    assert first.status_code == 302
    client.post(url, {"helpful": "no"})
    client.post(url, {"helpful": "yes"})
    article.refresh_from_db()
    assert (article.helpful_count, article.not_helpful_count) == (1, 0)
    page = client.get(reverse("helpcentre:article", args=[article.slug])).content.decode()
    assert 'data-testid="hc-thanks"' in page and 'data-testid="hc-yes"' not in page


def test_a_forged_vote_cookie_is_ignored_and_bad_input_is_a_400(client, articles):
    article = articles["public"]
    client.cookies["kb_votes"] = "[1,2,3]"
    url = reverse("helpcentre:feedback", args=[article.slug])
    assert client.post(url, {"helpful": "maybe"}).status_code == 400
    assert client.post(url, {"helpful": "no"}).status_code == 302
    article.refresh_from_db()
    assert article.not_helpful_count == 1


def test_feedback_needs_the_csrf_token(articles):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("helpcentre:feedback", args=[articles["public"].slug]), {"helpful": "yes"})
    assert response.status_code == 403
    assert Article.objects.get(pk=articles["public"].pk).helpful_count == 0


def test_votes_are_rate_limited_per_address(settings, articles, manager):
    cache.clear()
    settings.KB_FEEDBACK_PER_HOUR = 2
    slugs = [make_article(manager, title=f"文章{n}").slug for n in range(3)]
    statuses = [
        Client().post(reverse("helpcentre:feedback", args=[slug]), {"helpful": "yes"}).status_code for slug in slugs
    ]
    assert statuses == [302, 302, 429]


def test_a_category_page_lists_its_public_articles(client, articles, manager):
    shelf = articles["public"].category
    html = client.get(reverse("helpcentre:category", args=[shelf.slug])).content.decode()
    assert "退货运费谁承担" in html and "运费内部口径" not in html
    hidden = articles["hidden"].category
    assert client.get(reverse("helpcentre:category", args=[hidden.slug])).status_code == 404


def test_a_long_or_empty_query_is_fine(client, articles):
    assert client.get(reverse("helpcentre:search"), {"q": "运" * 5000}).status_code == 200
    assert client.get(reverse("helpcentre:search")).status_code == 200
    assert client.get(reverse("helpcentre:search"), {"q": "<script>alert(1)</script>"}).status_code == 200
    assert (
        "<script>alert"
        not in client.get(reverse("helpcentre:search"), {"q": "<script>alert(1)</script>"}).content.decode()
    )


def test_an_article_with_html_and_javascript_links_is_shown_harmless(client, manager):
    article = make_article(
        manager,
        title="安全测试",
        body="<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[点我](javascript:alert(3)) [官网](https://example.com)",
    )
    html = client.get(reverse("helpcentre:article", args=[article.slug])).content.decode()
    body = html.split('data-testid="hc-article-body"', 1)[1].split("</div>", 1)[0]
    assert "<script" not in body and "<img" not in body and 'href="javascript' not in body
    assert '<a href="https://example.com" rel="noopener nofollow">官网</a>' in body


def test_the_tracking_page_links_to_the_help_centre(client, team):
    from tests.factories import make_ticket
    from tickets.tracking import tracking_url

    ticket = make_ticket(team=team)
    html = client.get(tracking_url(ticket)).content.decode()
    assert 'data-testid="track-help"' in html and 'href="/help/"' in html
