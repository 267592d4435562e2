"""In Debian's chromium, on the demo data: every main staff page fits a 390 px phone (the page itself never
scrolls sideways; wide tables scroll inside their own box) with the menu folded behind a button, and a
1366×768 laptop with the menu open in the bar. Leaves screenshots in test-artifacts/phone/."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from aftersales.models import AfterSalesRequest
from tests.browser import ARTIFACTS, LAPTOP, PHONE, chromium, log_in, new_page
from tests.live_server import reload_migration_data
from tickets.models import Ticket
from tickets.services.escalation import sla_sweep

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.VAR_DIR = tmp_path
    reload_migration_data()
    call_command("seed_demo", stdout=io.StringIO())
    sla_sweep()  # the live demo tickets that are overdue are escalated
    live = Ticket.objects.exclude(description="（历史演示数据）")
    request = AfterSalesRequest.objects.filter(ticket__in=live).select_related("ticket").first()
    assert request is not None
    return {"ticket": request.ticket}


def _staff_pages(demo) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """name (for the screenshot) -> path."""
    ticket = demo["ticket"]
    return {
        "inbox": "/",
        "inbox-all-open": "/?view=open",
        "ticket": f"/tickets/{ticket.pk}/",
        "new-ticket": "/tickets/new/",
        "escalations": "/escalations/",
        "escalations-all": "/escalations/?all=1",
        "complaints": "/complaints/",
        "complaint-follow-ups": "/complaints/follow-ups/",
        "aftersales": "/aftersales/",
        "aftersales-approvals": "/aftersales/approvals/",
        # The dashboard itself is left out: its sections load by htmx all at once, and the live server's threads
        # share one in-memory SQLite connection, which they cannot use at the same time. Each section is also a
        # page of its own, with the same markup.
        "report-sla": "/reports/section/sla/",
        "report-complaints": "/reports/section/complaints/",
        "report-agents": "/reports/section/agents/",
        "notifications": "/notifications/",
        "notification-settings": "/notifications/settings/",
        "survey-responses": "/survey/responses/",
        "survey-follow-ups": "/survey/follow-ups/",
        "customer-profile": f"/customers/{ticket.customer_id}/",
        "audit-log": "/audit/",
    }


LAPTOP_768 = {**LAPTOP, "height": 768}


@pytest.fixture
def browser():  # type: ignore[no-untyped-def]
    with chromium() as browser:
        yield browser


def _logged_in_page(browser, live_server, *, locale: str, viewport: dict[str, int]):  # type: ignore[no-untyped-def]
    page = new_page(browser, locale=locale, viewport=viewport)
    log_in(page, live_server.url, "manager1", "helpdesk-demo")
    return page.context, page


def _open(page, url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(url)
    page.wait_for_load_state("load")


def _page_width(page) -> int:  # type: ignore[no-untyped-def]
    return int(page.evaluate("document.documentElement.scrollWidth"))


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_on_a_phone_no_staff_page_scrolls_sideways_and_the_menu_is_folded(live_server, browser, demo, locale):
    context, page = _logged_in_page(browser, live_server, locale=locale, viewport=PHONE)
    folder = ARTIFACTS / "phone"
    folder.mkdir(parents=True, exist_ok=True)
    for name, path in _staff_pages(demo).items():
        _open(page, live_server.url + path)
        assert _page_width(page) <= PHONE["width"], f"{path} is wider than the phone"
        assert page.locator("[data-testid=nav-toggle]").is_visible(), path
        assert page.get_attribute("[data-testid=nav-toggle]", "aria-expanded") == "false", path
        assert not page.locator(".mainnav").is_visible(), f"{path}: the menu is not folded"
        assert page.locator(".bell").is_visible(), path
        page.screenshot(path=str(folder / f"{name}-{locale}.png"))

    # The button unfolds the whole menu (every link, the language, log out) without widening the page.
    page.click("[data-testid=nav-toggle]")
    assert page.get_attribute("[data-testid=nav-toggle]", "aria-expanded") == "true"
    assert page.locator(".mainnav").is_visible()
    for link in page.locator(".mainnav a").all():
        assert link.is_visible()
        box = link.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert page.locator(".topbar select[name=language]").is_visible()
    assert page.locator(".topbar-user button").is_visible()
    assert _page_width(page) <= PHONE["width"]
    page.screenshot(path=str(folder / f"menu-open-{locale}.png"))
    page.keyboard.press("Escape")
    assert not page.locator(".mainnav").is_visible()
    context.close()


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_on_a_laptop_the_menu_is_open_in_the_bar_and_no_page_scrolls_sideways(live_server, browser, demo, locale):
    context, page = _logged_in_page(browser, live_server, locale=locale, viewport=LAPTOP_768)
    for path in _staff_pages(demo).values():
        _open(page, live_server.url + path)
        assert _page_width(page) <= LAPTOP_768["width"], f"{path} is wider than the screen"
        assert not page.locator("[data-testid=nav-toggle]").is_visible(), path
        assert page.locator(".mainnav").is_visible(), path
        bar = page.locator(".topbar").bounding_box()
        assert bar is not None and bar["height"] <= 52, f"{path}: the top bar wraps"
        # Tables span their box, with the table style applied (collapsed borders).
        tables = page.evaluate(
            """() => Array.from(document.querySelectorAll('.table-scroll > table.grid')).map((table) =>
                [table.offsetWidth >= table.parentElement.clientWidth, getComputedStyle(table).borderCollapse])"""
        )
        assert all(full and collapse == "collapse" for full, collapse in tables), path
    context.close()
