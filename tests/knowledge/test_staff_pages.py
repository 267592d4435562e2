"""The staff pages under /kb/: list, search and filters, the editor, versions and diff, categories, statuses."""

from __future__ import annotations

import pytest
from django.urls import reverse

from knowledge.enums import ArticleStatus, Audience
from knowledge.models import Article
from knowledge.services.articles import article_create, article_update

from .helpers import make_article, make_category

pytestmark = pytest.mark.django_db


def test_the_list_searches_in_chinese_and_highlights(client, agent, manager):
    make_article(manager, title="退货运费谁承担")
    make_article(manager, title="发票怎么开", body="电子发票")
    client.force_login(agent)
    page = client.get(reverse("knowledge:list"), {"q": "运费"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "退货<mark>运费</mark>谁承担" in html and "发票怎么开" not in html


def test_the_list_filters_by_status_audience_category_and_tag(client, agent, manager):
    shelf = make_category(manager, name="物流")
    make_article(manager, title="发货时间", category=shelf, tags=["发货"])
    make_article(manager, title="内部口径", audience=Audience.INTERNAL)
    article_create(author=agent, title="草稿一篇")
    client.force_login(agent)
    url = reverse("knowledge:list")

    def titles(**params):
        return {a.title for a in Article.objects.all() if a.title in client.get(url, params).content.decode()}

    assert titles() == {"发货时间", "内部口径", "草稿一篇"}
    assert titles(status="draft") == {"草稿一篇"}
    assert titles(audience="internal") == {"内部口径", "草稿一篇"}
    assert titles(category=shelf.pk) == {"发货时间"}
    assert titles(tag="发货") == {"发货时间"}
    assert client.get(url, {"status": "nonsense"}).status_code == 200  # ignored, said so


def test_buyers_and_logged_out_visitors_never_see_staff_pages(client, manager):
    article = make_article(manager, audience=Audience.INTERNAL)
    response = client.get(reverse("knowledge:detail", args=[article.pk]))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_an_agent_writes_a_draft_in_the_browser_and_a_slug_clash_is_a_400(client, agent, manager):
    make_article(manager, title="x", slug="taken")
    client.force_login(agent)
    response = client.post(
        reverse("knowledge:create"),
        {"title": "新文章", "slug": "taken", "audience": "public", "body": "正文", "tags": "", "related": ""},
    )
    assert response.status_code == 400
    assert "已有其他文章使用网址标识“taken”" in response.content.decode()
    response = client.post(
        reverse("knowledge:create"),
        {"title": "新文章", "slug": "", "audience": "public", "body": "正文", "tags": "运费, 退货", "related": ""},
    )
    article = Article.objects.get(title="新文章")
    assert response.status_code == 302 and article.status == ArticleStatus.DRAFT
    assert sorted(article.tags.values_list("name", flat=True)) == ["运费", "退货"]


def test_a_bad_related_field_is_a_400_not_a_500(client, agent):
    client.force_login(agent)
    response = client.post(reverse("knowledge:create"), {"title": "A", "audience": "public", "related": "abc"})
    assert response.status_code == 400


def test_the_preview_renders_markdown_and_neutralises_html(client, agent):
    client.force_login(agent)
    response = client.post(
        reverse("knowledge:preview"), {"body": "**粗体** <script>alert(1)</script> [x](javascript:alert(1))"}
    )
    html = response.content.decode()
    assert "<strong>粗体</strong>" in html and "<script>" not in html and 'href="javascript' not in html


def test_an_agent_cannot_publish_and_a_manager_can(client, agent, manager):
    article = article_create(author=agent, title="发票")
    client.force_login(agent)
    client.post(reverse("knowledge:status", args=[article.pk]), {"action": "publish"})
    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT
    client.force_login(manager)
    client.post(reverse("knowledge:status", args=[article.pk]), {"action": "publish"})
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED


def test_the_history_shows_a_diff_escaped(client, agent):
    article = article_create(author=agent, title="发货", body="旧的 <b>说明</b>")
    article_update(
        article=article, actor=agent, title="发货", body="新的 <b>说明</b>", category=None, tags=[], audience="internal"
    )
    client.force_login(agent)
    html = client.get(reverse("knowledge:versions", args=[article.pk])).content.decode()
    assert "kb-diff-remove" in html and "-旧的 &lt;b&gt;说明&lt;/b&gt;" in html and "+新的" in html
    assert client.get(reverse("knowledge:versions", args=[article.pk]), {"from": "x"}).status_code == 200


def test_managers_see_helpful_counts_agents_do_not(client, agent, manager):
    article = make_article(manager)
    Article.objects.filter(pk=article.pk).update(helpful_count=7, not_helpful_count=2)
    client.force_login(manager)
    # In words, not 👍/👎: a machine without an emoji font showed two empty boxes.
    assert "有用 7 · 没用 2" in client.get(reverse("knowledge:list")).content.decode()
    assert "有用 7 · 没用 2" in client.get(reverse("knowledge:detail", args=[article.pk])).content.decode()
    client.force_login(agent)
    assert "有用 7" not in client.get(reverse("knowledge:list")).content.decode()


def test_categories_are_for_managers(client, agent, manager):
    client.force_login(agent)
    assert client.get(reverse("knowledge:categories")).status_code == 403
    client.force_login(manager)
    assert (
        client.post(reverse("knowledge:categories"), {"name": "发票", "position": 1, "is_public": "on"}).status_code
        == 302
    )
    assert client.post(reverse("knowledge:categories"), {"name": "发票", "position": 1}).status_code == 400


def test_the_related_picker_lists_matches(client, agent, manager):
    make_article(manager, title="退货运费谁承担")
    client.force_login(agent)
    html = client.get(reverse("knowledge:picker"), {"q": "运费"}).content.decode()
    assert "data-kb-add" in html and "<mark>运费</mark>" in html


def test_a_version_page_shows_that_versions_text_rendered_safely(client, agent):
    article = article_create(author=agent, title="发货", body="旧的 <script>alert(1)</script>")
    article_update(article=article, actor=agent, title="发货", body="新的", category=None, tags=[], audience="internal")
    version = article.versions.get(number=1)
    client.force_login(agent)
    html = client.get(reverse("knowledge:version", args=[version.pk])).content.decode()
    assert "旧的" in html and "<script>alert" not in html and "&lt;script&gt;" in html


def test_a_stale_edit_in_the_browser_is_a_409_and_keeps_the_text(client, agent):
    article = article_create(author=agent, title="发货", body="v1")
    article_update(article=article, actor=agent, title="发货", body="v2", category=None, tags=[], audience="internal")
    client.force_login(agent)
    response = client.post(
        reverse("knowledge:edit", args=[article.pk]),
        {"title": "发货", "audience": "internal", "body": "我写的新内容", "version": 1, "related": "", "tags": ""},
    )
    assert response.status_code == 409
    assert "我写的新内容" in response.content.decode()  # nothing typed is lost
    article.refresh_from_db()
    assert article.body == "v2"


def test_deleting_a_category_keeps_its_articles(client, manager):
    shelf = make_category(manager, name="物流")
    article = make_article(manager, title="发货时间", category=shelf)
    client.force_login(manager)
    assert client.post(reverse("knowledge:category-delete", args=[shelf.pk])).status_code == 302
    article.refresh_from_db()
    assert article.category is None


def test_an_agent_is_sent_back_from_editing_a_published_article(client, agent, manager):
    article = make_article(manager)
    client.force_login(agent)
    response = client.get(reverse("knowledge:edit", args=[article.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("knowledge:detail", args=[article.pk])
    html = client.get(reverse("knowledge:detail", args=[article.pk])).content.decode()
    assert 'data-testid="kb-edit"' not in html and 'data-testid="kb-publish"' not in html


def test_the_new_article_page_marks_only_the_knowledge_base_tab_active(client, agent):
    """The top bar's "New ticket" was active on /kb/new/ too: it matched any URL named 'create'."""
    client.force_login(agent)
    page = client.get(reverse("knowledge:create")).content.decode()
    assert f'href="{reverse("tickets:create")}" class="active"' not in page
    assert f'href="{reverse("knowledge:list")}" class="active"' in page
    ticket_page = client.get(reverse("tickets:create")).content.decode()
    assert f'href="{reverse("tickets:create")}" class="active"' in ticket_page


def test_a_category_has_a_name_not_a_persons_name_in_chinese(client, manager):
    """ "Name" alone is translated 姓名 (a person's name) for users; a category's is 名称, its description 说明."""
    client.force_login(manager)
    page = client.get(reverse("knowledge:categories")).content.decode()
    assert "名称" in page and "说明" in page
    assert "姓名" not in page and "问题描述" not in page
