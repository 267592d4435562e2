"""In Debian's chromium: a buyer on a 390 px phone searches the help centre in Chinese, opens an article and says
it helped; the help centre and the staff knowledge pages fit a phone and a laptop in zh and en; an agent inserts a
suggested article's public link into the reply box. Leaves screenshots in test-artifacts/kb/."""

from __future__ import annotations

import pytest

from accounts.roles import Role
from helpdesk.management.commands._demo_knowledge import seed_knowledge
from knowledge.models import Article
from tests.browser import ARTIFACTS, LAPTOP, PHONE, chromium, log_in, new_page, staff_user
from tests.factories import TeamFactory, make_ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOLDER = ARTIFACTS / "kb"


@pytest.fixture
def kb():  # type: ignore[no-untyped-def]
    manager = staff_user("manager1", Role.MANAGER)
    agent = staff_user("agent1", Role.AGENT, ticket_scope="all")
    seed_knowledge(manager=manager, agent=agent)
    FOLDER.mkdir(parents=True, exist_ok=True)
    return {"manager": manager, "agent": agent}


def _width(page) -> int:  # type: ignore[no-untyped-def]
    return int(page.evaluate("document.documentElement.scrollWidth"))


def test_a_buyer_on_a_phone_searches_in_chinese_and_opens_an_article(live_server, kb):
    with chromium() as browser:
        page = new_page(browser, locale="zh-CN", phone=True)
        page.goto(f"{live_server.url}/help/")
        assert page.locator("[data-testid=hc-categories]").is_visible()
        assert _width(page) <= PHONE["width"]
        page.screenshot(path=str(FOLDER / "help-home-zh.png"), full_page=True)

        page.fill("[data-testid=hc-q]", "运费")
        page.click("[data-testid=hc-search]")
        page.wait_for_selector("[data-testid=hc-result]")
        first = page.locator("[data-testid=hc-result]").first
        assert first.locator("a").inner_text() == "退货运费谁承担？"
        assert first.locator("mark").first.inner_text() == "运费"
        assert "买家承担" in first.locator(".hc-snippet").inner_text() or first.locator(".hc-snippet mark").count()
        assert "内部" not in page.content()  # no internal article in the results
        assert _width(page) <= PHONE["width"]
        page.screenshot(path=str(FOLDER / "help-search-zh.png"), full_page=True)

        first.locator("a").click()
        page.wait_for_selector("[data-testid=hc-article-title]")
        assert page.locator("[data-testid=hc-article-title]").inner_text() == "退货运费谁承担？"
        assert page.locator("[data-testid=hc-article-body] strong").first.is_visible()
        assert page.locator("[data-testid=hc-related]").is_visible()
        assert _width(page) <= PHONE["width"]
        page.screenshot(path=str(FOLDER / "help-article-zh.png"), full_page=True)

        page.click("[data-testid=hc-yes]")
        page.wait_for_selector("[data-testid=hc-thanks]")
        assert Article.objects.get(slug="return-shipping-fee").helpful_count == 1
        assert page.locator("[data-testid=hc-ask] a").is_visible()
        assert page.problems.unexpected() == []
        page.context.close()


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_the_help_centre_fits_a_phone_and_a_laptop(live_server, kb, locale):
    with chromium() as browser:
        for viewport, phone in ((PHONE, True), ({**LAPTOP, "height": 768}, False)):
            page = new_page(browser, locale=locale, viewport=viewport, phone=phone)
            for path in ("/help/", "/help/search/?q=发票", "/help/a/shipping-time/", "/help/c/returns/"):
                page.goto(live_server.url + path)
                page.wait_for_load_state("load")
                assert _width(page) <= viewport["width"], (path, viewport)
            page.goto(f"{live_server.url}/help/")
            assert ("Returns and exchanges" in page.content()) == (locale == "en-US")
            page.screenshot(path=str(FOLDER / f"help-home-{locale}-{viewport['width']}.png"), full_page=True)
            assert page.problems.unexpected() == []
            page.context.close()


def test_an_agent_inserts_a_suggested_articles_link_into_the_reply(live_server, kb):
    team = TeamFactory()
    team.members.add(kb["agent"])
    ticket = make_ticket(team=team, subject="退货运费谁出？", description="七天无理由退货，运费怎么算")
    with chromium() as browser:
        page = new_page(browser, locale="zh-CN")
        log_in(page, live_server.url, "agent1")
        page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
        panel = page.locator("[data-testid=kb-suggestions]")
        assert panel.is_visible()
        page.fill("[data-testid=reply-body]", "您好，")
        assert panel.locator("[data-testid=kb-suggestion]").count() >= 2
        panel.locator("[data-testid=kb-insert-link][data-kb-title='退货运费谁承担？']").click()
        value = page.input_value("[data-testid=reply-body]")
        assert value.startswith("您好，") and "/help/a/return-shipping-fee/" in value
        # What is typed next is set apart from the address (it ran into it: one long broken link).
        page.keyboard.type("祝您购物愉快")
        assert page.input_value("[data-testid=reply-body]").endswith("/help/a/return-shipping-fee/ 祝您购物愉快")
        page.screenshot(path=str(FOLDER / "ticket-suggestions.png"))
        # The knowledge base pages fit the laptop and the phone.
        for path in ("/kb/", "/kb/?q=运费", f"/kb/articles/{Article.objects.get(slug='shipping-time').pk}/"):
            page.goto(live_server.url + path)
            assert _width(page) <= LAPTOP["width"], path
            page.screenshot(path=str(FOLDER / f"kb-{path.strip('/').replace('/', '-').replace('?q=', '-')}.png"))
        # The editor: Markdown preview and the related-articles picker.
        page.goto(f"{live_server.url}/kb/new/")
        page.fill("[data-testid=kb-body]", "**加粗** <script>alert(1)</script>")
        page.click("[data-testid=kb-preview-button]")
        page.wait_for_selector("[data-testid=kb-preview] strong")
        assert "<script>alert(1)</script>" in page.inner_text("[data-testid=kb-preview]")  # shown as text
        page.fill("[data-testid=kb-picker-q]", "发票")
        page.wait_for_selector("[data-testid=kb-picker] [data-kb-add]")
        page.click("[data-testid=kb-picker] [data-kb-add]")
        assert page.input_value("[data-testid=kb-related]") == str(Article.objects.get(slug="invoice").pk)
        page.fill("#id_title", "发票抬头填错了怎么办")
        page.click("[data-testid=kb-save]")
        page.wait_for_selector("[data-testid=kb-title]")
        created = Article.objects.get(title="发票抬头填错了怎么办")
        assert [a.slug for a in created.related.all()] == ["invoice"] and created.status == "draft"
        assert page.problems.unexpected() == []
        page.context.close()
        phone = new_page(browser, locale="zh-CN", phone=True)
        log_in(phone, live_server.url, "agent1")
        for path in ("/kb/", "/kb/?q=运费", "/kb/new/"):
            phone.goto(live_server.url + path)
            assert _width(phone) <= PHONE["width"], path
        phone.screenshot(path=str(FOLDER / "kb-list-phone.png"), full_page=True)
        assert phone.problems.unexpected() == []
        phone.context.close()
