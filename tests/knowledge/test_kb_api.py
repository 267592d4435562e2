"""The knowledge API: staff read by role, keys read published public articles only; search; writes."""

from __future__ import annotations

import pytest

from knowledge.enums import ArticleStatus, Audience
from knowledge.models import Article
from knowledge.services.articles import article_create

from .helpers import make_article, make_category

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelf(manager):
    shelf = make_category(manager, name="退换货")
    public = make_article(manager, title="退货运费谁承担", category=shelf, tags=["运费"])
    internal = make_article(manager, title="运费内部口径", audience=Audience.INTERNAL, category=shelf)
    draft = article_create(author=manager, title="运费草稿", audience=Audience.PUBLIC)
    public.related.set([internal, draft])
    return {"category": shelf, "public": public, "internal": internal, "draft": draft}


def _titles(response):
    assert response.status_code == 200, response.content
    return [row["title"] for row in response.json()["results"]]


def test_a_key_reads_published_public_articles_only(make_key, key_client, shelf):
    _integration, _key, secret = make_key(scopes=["kb:read"])
    api = key_client(secret)
    assert _titles(api.get("/api/v1/kb/articles/")) == ["退货运费谁承担"]
    assert _titles(api.get("/api/v1/kb/articles/", {"q": "运费"})) == ["退货运费谁承担"]
    assert _titles(api.get("/api/v1/kb/articles/", {"status": "draft"})) == []
    assert api.get(f"/api/v1/kb/articles/{shelf['internal'].pk}/").status_code == 404
    assert api.get(f"/api/v1/kb/articles/{shelf['draft'].pk}/").status_code == 404
    one = api.get(f"/api/v1/kb/articles/{shelf['public'].pk}/").json()
    assert one["related"] == [] and one["public_url"].endswith(f"/help/a/{shelf['public'].slug}/")
    assert "<p>" in one["body_html"]


def test_a_key_without_the_scope_is_refused(make_key, key_client, shelf):
    _integration, _key, secret = make_key(scopes=["tickets:read"])
    response = key_client(secret).get("/api/v1/kb/articles/")
    assert response.status_code == 403 and "kb:read" in response.content.decode()


def test_staff_search_with_snippets_and_filters(agent_api, shelf):
    response = agent_api.get("/api/v1/kb/articles/", {"q": "运费"})
    rows = response.json()["results"]
    assert {row["title"] for row in rows} == {"退货运费谁承担", "运费内部口径"}
    assert all("<mark>" in (row["snippet_html"] or "") or row["title"] for row in rows)
    assert _titles(agent_api.get("/api/v1/kb/articles/", {"status": "draft"})) == ["运费草稿"]
    assert _titles(agent_api.get("/api/v1/kb/articles/", {"tag": "运费"})) == ["退货运费谁承担"]
    assert _titles(agent_api.get("/api/v1/kb/articles/", {"audience": "internal"})) == ["运费内部口径"]
    assert _titles(agent_api.get("/api/v1/kb/articles/", {"category": "nope"})) == []
    assert agent_api.get("/api/v1/kb/articles/", {"status": "bogus"}).status_code == 400


def test_categories(make_key, key_client, agent_api, shelf, manager):
    make_category(manager, name="内部", is_public=False)
    _integration, _key, secret = make_key(scopes=["kb:read"])
    assert [c["name"] for c in key_client(secret).get("/api/v1/kb/categories/").json()] == ["退换货"]
    assert {c["name"] for c in agent_api.get("/api/v1/kb/categories/").json()} == {"退换货", "内部"}


def test_an_agent_creates_a_draft_and_a_slug_clash_is_a_400(agent_api, shelf):
    response = agent_api.post("/api/v1/kb/articles/", {"title": "发票怎么开", "tags": ["发票"]}, format="json")
    assert response.status_code == 201 and response.json()["status"] == "draft"
    clash = agent_api.post("/api/v1/kb/articles/", {"title": "x", "slug": shelf["public"].slug}, format="json")
    assert clash.status_code == 400 and clash.json()["error"]["code"] == "slug_taken"
    assert agent_api.post("/api/v1/kb/articles/", {"title": "x", "category": "nope"}, format="json").status_code == 400


def test_markdown_with_script_is_neutralised_in_body_html(agent_api):
    body = "<script>alert(1)</script>\n\n[click](javascript:alert(1))"
    response = agent_api.post("/api/v1/kb/articles/", {"title": "x", "body": body}, format="json")
    html = response.json()["body_html"]
    assert "<script>" not in html and 'href="javascript' not in html


def test_agents_cannot_publish_managers_can(agent_api, manager_api, shelf):
    url = f"/api/v1/kb/articles/{shelf['draft'].pk}/publish/"
    assert agent_api.post(url).status_code == 403
    response = manager_api.post(url)
    assert response.status_code == 200 and response.json()["status"] == "published"
    assert manager_api.post(url).status_code == 409


def test_patch_writes_a_version_and_a_stale_version_is_a_409(agent_api, shelf):
    url = f"/api/v1/kb/articles/{shelf['draft'].pk}/"
    response = agent_api.patch(url, {"body": "新的正文", "version": 1}, format="json")
    assert response.status_code == 200 and response.json()["version"] == 2
    assert agent_api.patch(url, {"body": "又一次", "version": 1}, format="json").status_code == 409
    assert (
        agent_api.patch(f"/api/v1/kb/articles/{shelf['public'].pk}/", {"body": "x"}, format="json").status_code == 403
    )


def test_a_key_with_kb_write_imports_a_draft(make_key, key_client):
    _integration, _key, secret = make_key(scopes=["kb:read", "kb:write"])
    response = key_client(secret).post("/api/v1/kb/articles/", {"title": "导入", "audience": "public"}, format="json")
    assert response.status_code == 201
    assert Article.objects.get(title="导入").status == ArticleStatus.DRAFT
    _integration, _key, secret = make_key(scopes=["kb:read"])
    assert key_client(secret).post("/api/v1/kb/articles/", {"title": "x"}, format="json").status_code == 403


def test_the_list_asks_the_same_queries_for_3_or_13_articles(agent_api, manager, shelf, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(**params) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert agent_api.get("/api/v1/kb/articles/", params).status_code == 200
        return len(queries)

    few, few_search = count(), count(q="运费")
    for n in range(10):
        make_article(manager, title=f"运费规则{n}", tags=["运费", f"t{n}"], category=shelf["category"])
    assert count() == few and count(q="运费") == few_search
