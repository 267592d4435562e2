"""In Debian's chromium: an agent opens "Ask a manager for help" on the ticket page, writes a reason and sends
it, on a laptop and on a phone; the card then says the request waits for a manager, inside the page's width.
Leaves screenshots in test-artifacts/help-request/."""

from __future__ import annotations

import pytest

from accounts.roles import Role
from tests.browser import ARTIFACTS, LAPTOP, chromium, log_in, new_page, staff_user
from tests.factories import TeamFactory, make_ticket
from tickets.models import Escalation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_agent_asks_a_manager_for_help_from_the_ticket_page(live_server):
    agent = staff_user("agent1", Role.AGENT)
    team = TeamFactory(name="售后 After-sales")
    team.members.add(agent)
    team.managers.add(staff_user("manager1", Role.MANAGER))
    folder = ARTIFACTS / "help-request"
    folder.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        for phone in (False, True):
            ticket = make_ticket(team=team)
            page = new_page(browser, locale="en-US", phone=phone, viewport=None if phone else {**LAPTOP, "height": 768})
            log_in(page, live_server.url, "agent1")
            page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
            reason = page.locator("[data-testid=help-request] textarea")
            assert not reason.is_visible(), "the form stays folded until asked for"
            page.click("[data-testid=help-request-open-form]")
            reason.fill("买家要求赔偿 200 元，超出我的权限")
            page.click("[data-testid=help-request-send]")
            page.wait_for_url(f"{live_server.url}/tickets/{ticket.pk}/")
            waiting = page.locator("[data-testid=help-request-open]")
            assert "waiting for a manager" in waiting.inner_text()
            card = page.locator("[data-testid=help-request]").bounding_box()
            width = page.evaluate("() => document.documentElement.clientWidth")
            assert card is not None and card["x"] >= 0 and card["x"] + card["width"] <= width + 1
            assert "Help requested by agent1" in page.locator("[data-testid=timeline]").inner_text()
            page.screenshot(path=str(folder / f"ticket-{'phone' if phone else 'laptop'}.png"), full_page=True)
            assert page.problems.unexpected() == []
            page.context.close()
    assert Escalation.objects.filter(target="requested").count() == 2
