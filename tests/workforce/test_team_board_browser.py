"""In Debian's chromium: the team board updates itself — an agent's status change and a new waiting ticket show
up without a reload — and it fits a laptop (1366×768) and a phone (390 px) without sideways scrolling.
Leaves screenshots in test-artifacts/team-board/."""

from __future__ import annotations

import pytest

from accounts.roles import Role
from tests.browser import ARTIFACTS, LAPTOP, log_in, open_page, staff_user
from tests.factories import TeamFactory, make_ticket
from workforce.enums import PresenceStatus
from workforce.models import AgentProfile

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("phone", [False, True])
def test_the_board_shows_an_agent_s_status_change_without_a_reload(live_server, phone):
    manager = staff_user("manager1", Role.MANAGER)
    agent = staff_user("xiaomei", Role.AGENT)
    team = TeamFactory(name="售后 After-sales")
    team.managers.add(manager)
    team.members.add(agent)
    AgentProfile.objects.create(user=agent, status=PresenceStatus.ONLINE)
    make_ticket(team=team, assignee=agent)
    folder = ARTIFACTS / "team-board"
    folder.mkdir(parents=True, exist_ok=True)
    viewport = None if phone else {**LAPTOP, "height": 768}
    with open_page(locale="zh-CN", phone=phone, viewport=viewport) as page:
        log_in(page, live_server.url, "manager1")
        page.goto(f"{live_server.url}/work/board/")
        row = page.locator("[data-testid=board-agent][data-agent=xiaomei]")
        assert row.locator("[data-testid=board-presence]").inner_text() == "在线"
        assert row.locator("[data-testid=board-load]").inner_text() == "1/8"
        page.evaluate("document.body.dataset.loadedOnce = 'yes'")  # gone if the page reloads

        AgentProfile.objects.filter(user=agent).update(status=PresenceStatus.BUSY)
        make_ticket(team=team)
        # htmx polls every 5 s: wait (up to 15 s) for the change, with no reload in between.
        page.wait_for_function(
            "() => document.querySelector('[data-agent=xiaomei] [data-testid=board-presence]').textContent === '忙碌'",
            timeout=15_000,
        )
        assert page.evaluate("document.body.dataset.loadedOnce") == "yes"
        assert "1 个工单排队中" in page.locator("[data-testid=board-waiting]").inner_text()
        widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], widths
        page.screenshot(path=str(folder / f"board-{'phone' if phone else 'laptop'}.png"), full_page=True)
        assert page.problems.unexpected() == []
