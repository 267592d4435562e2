"""In Debian's chromium, on a laptop (1366×768) and a phone (390 px): an agent writes a handover, handing a
ticket to a colleague; the page fits the screen; the colleague finds it unread in the book and acknowledges
it. Leaves screenshots in test-artifacts/handover/."""

from __future__ import annotations

import pytest

from accounts.roles import Role
from tests.browser import ARTIFACTS, LAPTOP, chromium, log_in, new_page, staff_user
from tests.factories import TeamFactory, make_ticket
from workforce.models import HandoverAck

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FITS = "() => document.documentElement.scrollWidth <= window.innerWidth + 1"


def test_an_agent_hands_a_ticket_over_and_the_colleague_acknowledges(live_server):  # type: ignore[no-untyped-def]
    author, colleague = staff_user("agent1", Role.AGENT), staff_user("agent2", Role.AGENT)
    team = TeamFactory(name="售中 In-sales")
    team.members.add(author, colleague)
    folder = ARTIFACTS / "handover"
    folder.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        for phone in (False, True):
            ticket = make_ticket(team=team, assignee=author, subject="催发货")
            page = new_page(browser, phone=phone, viewport=None if phone else {**LAPTOP, "height": 768})
            log_in(page, live_server.url, "agent1")
            page.goto(f"{live_server.url}/work/handover/new/")
            assert page.evaluate(FITS), "the write page fits the screen"
            page.check(f"input[name=action_{ticket.pk}][value=to_agent]")
            page.select_option(f"select[name=to_agent_{ticket.pk}]", str(colleague.pk))
            page.fill(f"#note-{ticket.pk}", "买家要求今天发出")
            page.fill("#handover-notes", "王女士询单未下单")
            page.screenshot(path=str(folder / f"write-{'phone' if phone else 'laptop'}.png"), full_page=True)
            page.click("[data-testid=handover-form] button[type=submit]")
            page.wait_for_url(f"{live_server.url}/work/handover/*/")
            ticket.refresh_from_db()
            assert ticket.assignee == colleague
            assert page.problems.unexpected() == []
            page.context.close()

            page = new_page(browser, phone=phone, viewport=None if phone else {**LAPTOP, "height": 768})
            log_in(page, live_server.url, "agent2")
            page.goto(f"{live_server.url}/work/handover/")
            assert page.evaluate(FITS), "the book fits the screen"
            first = page.locator("[data-testid=handover]").first
            assert first.get_attribute("data-unread") == "1"
            first.locator("[data-testid=acknowledge]").click()
            page.wait_for_url(f"{live_server.url}/work/handover/?team=*")
            page.screenshot(path=str(folder / f"book-{'phone' if phone else 'laptop'}.png"), full_page=True)
            assert page.problems.unexpected() == []
            page.context.close()
    assert HandoverAck.objects.filter(user=colleague).count() == 2
