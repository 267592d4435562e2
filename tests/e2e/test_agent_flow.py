"""End to end in Debian's chromium: an agent logs in, opens a ticket, replies, and sees the first-response
clock stop."""

import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from tests.factories import UserFactory, make_ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def browser_page():
    # Playwright's sync API runs an event loop in this thread; the ORM calls below happen before and after it.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(
            locale="en-US", viewport={"width": 1366, "height": 900}, timezone_id="Asia/Shanghai"
        )
        page = context.new_page()
        yield page
        context.close()
        browser.close()


def test_agent_logs_in_opens_a_ticket_replies_and_the_first_response_clock_stops(live_server, browser_page):
    agent = UserFactory(username="agent1", password=None)
    agent.set_password("demo-pass-123")
    agent.save()
    agent.groups.add(Group.objects.get_or_create(name="Agent")[0])
    ticket = make_ticket(subject="什么时候发货？", assignee=agent)
    page = browser_page

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "agent1")
    page.fill("#id_password", "demo-pass-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("table.grid").inner_text().count(ticket.reference) == 1

    page.click(f"text={ticket.subject}")
    page.wait_for_url(f"**/tickets/{ticket.pk}/")
    first_response = page.locator("[data-testid=clock-first_response] .sla-badge")
    assert "sla-on_time" in first_response.get_attribute("class")
    assert "left" in first_response.inner_text()

    page.fill("[data-testid=reply-body]", "您好，仓库今天发货，请留意物流信息。")
    page.click("[data-testid=send-reply]")
    page.wait_for_selector("[data-testid=clock-first_response] .sla-met")
    assert page.locator("[data-testid=ticket-status]").inner_text() == "Open"
    assert "您好，仓库今天发货" in page.locator("[data-testid=timeline]").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "ticket-after-reply.png"), full_page=True)

    ticket.refresh_from_db()
    assert ticket.first_responded_at is not None
