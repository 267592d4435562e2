"""End to end in Debian's chromium: an agent logs in, opens a ticket, replies, and sees the first-response
clock stop."""

import pytest

from accounts.roles import Role
from tests.browser import ARTIFACTS, log_in, staff_user
from tests.factories import make_ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agent_logs_in_opens_a_ticket_replies_and_the_first_response_clock_stops(live_server, browser_page):
    agent = staff_user("agent1", Role.AGENT)
    ticket = make_ticket(subject="什么时候发货？", assignee=agent)
    page = browser_page

    log_in(page, live_server.url, "agent1")
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
    assert page.problems.unexpected() == []
