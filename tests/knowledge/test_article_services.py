"""Articles: who writes and publishes, slugs, versions, the one status writer's transitions."""

from __future__ import annotations

import pytest

from core.errors import Conflict, Forbidden, ValidationFailed
from knowledge.enums import ArticleStatus, Audience
from knowledge.models import ArticleVersion
from knowledge.selectors import version_diff
from knowledge.services.articles import article_archive, article_create, article_publish, article_update

from .helpers import make_article

pytestmark = pytest.mark.django_db


def test_an_agent_writes_a_draft_with_version_1_and_a_pinyin_slug(agent):
    article = article_create(author=agent, title="退货运费谁承担", body="正文", tags=["运费", "退货"])
    assert article.status == ArticleStatus.DRAFT and article.audience == Audience.INTERNAL
    assert article.slug == "tui-huo-yun-fei-shui-cheng-dan"
    assert list(article.versions.values_list("number", "title")) == [(1, "退货运费谁承担")]
    assert sorted(article.tags.values_list("name", flat=True)) == ["运费", "退货"]
    assert "运费" in article.search_document


def test_a_second_article_with_the_same_title_gets_a_numbered_slug(agent):
    article_create(author=agent, title="发票怎么开")
    assert article_create(author=agent, title="发票怎么开").slug == "fa-piao-zen-me-kai-2"


def test_a_slug_clash_is_a_400_naming_the_slug(agent):
    article_create(author=agent, title="A", slug="shipping-time")
    with pytest.raises(ValidationFailed) as caught:
        article_create(author=agent, title="B", slug="shipping-time")
    assert caught.value.code == "slug_taken" and "slug" in caught.value.fields


@pytest.mark.parametrize("slug", ["Has Space", "中文", "a--b", "-a", "x" * 81])
def test_a_bad_slug_is_refused(agent, slug):
    with pytest.raises(ValidationFailed) as caught:
        article_create(author=agent, title="A", slug=slug)
    assert "slug" in caught.value.fields


def test_title_and_body_limits_are_400s(agent):
    with pytest.raises(ValidationFailed) as caught:
        article_create(author=agent, title="", body="x" * 50_001)
    assert set(caught.value.fields) == {"title", "body"}


def test_an_account_without_a_staff_role_writes_nothing(db):
    from tests.factories import UserFactory

    with pytest.raises(Forbidden):
        article_create(author=UserFactory(username="nobody"), title="A")


def test_an_integration_imports_drafts_but_publishes_nothing(integration_user):
    article = article_create(author=integration_user, title="导入的文章")
    assert article.status == ArticleStatus.DRAFT
    with pytest.raises(Forbidden):
        article_publish(article=article, actor=integration_user)


def test_every_text_change_writes_a_version_and_the_diff_shows_it(agent):
    article = article_create(author=agent, title="发货时间", body="一般48小时内发货。\n节假日顺延。")
    article = article_update(
        article=article,
        actor=agent,
        title="发货时间",
        body="一般24小时内发货。\n节假日顺延。",
        category=None,
        tags=[],
        audience=Audience.PUBLIC,
    )
    assert article.version_count == 2
    old, new = ArticleVersion.objects.get(article=article, number=1), ArticleVersion.objects.get(number=2)
    lines = [(line.kind, line.text) for line in version_diff(old=old, new=new)]
    assert ("remove", "-一般48小时内发货。") in lines and ("add", "+一般24小时内发货。") in lines


def test_a_stale_editor_gets_a_conflict(agent):
    article = article_create(author=agent, title="发货时间")
    article_update(
        article=article, actor=agent, title="发货时间 2", body="", category=None, tags=[], audience="internal"
    )
    with pytest.raises(Conflict):
        article_update(
            article=article,
            actor=agent,
            title="发货时间 3",
            body="",
            category=None,
            tags=[],
            audience="internal",
            expected_version=1,
        )


def test_agents_draft_managers_publish_and_archive(agent, manager):
    article = article_create(author=agent, title="发票")
    with pytest.raises(Forbidden):
        article_publish(article=article, actor=agent)
    article = article_publish(article=article, actor=manager)
    assert article.status == ArticleStatus.PUBLISHED and article.published_at is not None
    with pytest.raises(Forbidden):  # agents edit drafts only
        article_update(article=article, actor=agent, title="x", body="", category=None, tags=[], audience="public")
    article = article_archive(article=article, actor=manager)
    assert article.status == ArticleStatus.ARCHIVED
    with pytest.raises(Conflict):
        article_archive(article=article, actor=manager)


def test_related_articles_must_exist_and_never_include_itself(manager):
    first = make_article(manager, title="运费")
    second = article_create(author=manager, title="发货", related=[first.pk])
    assert list(second.related.all()) == [first]
    with pytest.raises(ValidationFailed):
        article_create(author=manager, title="x", related=[999999])
    article_update(
        article=second, actor=manager, title="发货", body="", category=None, tags=[], audience="public",
        related=[first.pk, second.pk],
    )  # fmt: skip
    assert list(second.related.all()) == [first]
