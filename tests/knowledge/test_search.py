"""Chinese search on SQLite and PostgreSQL: segmentation, ranking, snippets, and who sees what."""

from __future__ import annotations

import pytest

from knowledge.enums import Audience
from knowledge.search import query_tokens, snippet
from knowledge.selectors import article_search
from knowledge.services.articles import article_create

from .helpers import make_article, make_category


def _search_works(manager):
    target = make_article(manager, title="退货运费谁承担", body="七天无理由退货的运费由买家承担。")
    make_article(manager, title="发货时间", body="一般48小时内发货，节假日顺延，运费见商品页。")
    make_article(manager, title="发票怎么开", body="下单时选择开具电子发票。")
    hits = article_search(query="运费", public_only=True)
    assert [hit.article.pk for hit in hits][0] == target.pk  # the title match ranks first
    assert len(hits) == 2
    assert "<mark>运费</mark>" in hits[0].title_html
    assert "<mark>运费</mark>" in hits[0].snippet_html
    assert [hit.article.title for hit in article_search(query="退货", public_only=True)][0] == "退货运费谁承担"
    assert [hit.article.title for hit in article_search(query="电子发票怎么开？", public_only=True)] == ["发票怎么开"]
    assert article_search(query="不存在的词语", public_only=True) == []


@pytest.mark.django_db
def test_yunfei_finds_the_return_shipping_article_on_sqlite(manager):
    _search_works(manager)


@pytest.mark.postgres
@pytest.mark.django_db
def test_yunfei_finds_the_return_shipping_article_on_postgresql(manager):
    from django.db import connection

    assert connection.vendor == "postgresql"
    _search_works(manager)


def _visibility(manager, agent):
    hidden_category = make_category(manager, name="内部流程", is_public=False)
    make_article(manager, title="运费险理赔（公开）")
    make_article(manager, title="运费内部口径", audience=Audience.INTERNAL)
    make_article(manager, title="运费草稿", publish=False)
    make_article(manager, title="运费隐藏分类", category=hidden_category)
    public = {hit.article.title for hit in article_search(query="运费", public_only=True)}
    assert public == {"运费险理赔（公开）"}
    assert {hit.article.title for hit in article_search(query="运费", user=None)} == public
    staff = {hit.article.title for hit in article_search(query="运费", user=agent)}
    assert staff == {"运费险理赔（公开）", "运费内部口径", "运费隐藏分类"}  # published only, internal too


@pytest.mark.django_db
def test_drafts_internal_and_hidden_categories_never_reach_the_public_search(manager, agent):
    _visibility(manager, agent)


@pytest.mark.postgres
@pytest.mark.django_db
def test_drafts_internal_and_hidden_categories_never_reach_the_public_search_on_postgresql(manager, agent):
    _visibility(manager, agent)


@pytest.mark.django_db
def test_a_long_question_falls_back_to_the_articles_sharing_most_words(manager):
    make_article(manager, title="退货运费谁承担")
    hits = article_search(query="我想问一下七天无理由退货的运费谁出啊", public_only=True)
    assert [hit.article.title for hit in hits] == ["退货运费谁承担"]


def test_query_tokens_drop_stop_words_and_punctuation():
    assert query_tokens("运费怎么算？") == ["运费", "算"]
    assert query_tokens("的") == ["的"]
    assert query_tokens("   ") == []


def test_the_snippet_escapes_html_and_marks_the_words():
    html = snippet("前文<script>alert(1)</script>退货运费由买家承担", ["运费"])
    assert "<script>" not in html and "alert(1)" in html and "<mark>运费</mark>" in html
    assert "<b>" not in snippet("**运费** <b>x</b> & [链接](javascript:alert(1))", ["运费"])
    assert "&amp;" in snippet("运费 & 税", ["运费"])


@pytest.mark.django_db
def test_markdown_with_script_is_stored_but_never_rendered_as_html(manager):
    from knowledge.markdown import render_markdown

    article = article_create(author=manager, title="x", body="<script>alert(1)</script> [a](javascript:alert(1))")
    html = render_markdown(article.body)
    assert "<script" not in html and "javascript:" not in html.replace("(javascript:", "")
    assert 'href="javascript' not in html


def test_an_outside_image_becomes_a_link_and_one_from_this_site_stays_an_image():
    """The pages' CSP allows images from this site only: an outside image was a broken icon and a console error
    (and told another server who reads the help centre)."""
    from knowledge.markdown import render_markdown

    html = str(
        render_markdown(
            "![退货单 *示例*](https://img.example.com/a.png) ![](//cdn.example.com/b.gif) ![本站](/media/c.png)"
        )
    )
    assert '<a href="https://img.example.com/a.png" rel="noopener nofollow">退货单 示例</a>' in html
    assert '<a href="//cdn.example.com/b.gif" rel="noopener nofollow">//cdn.example.com/b.gif</a>' in html
    assert '<img src="/media/c.png" alt="本站">' in html
    assert html.count("<img") == 1
