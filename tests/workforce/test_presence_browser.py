"""In Debian's chromium: an agent with a ticket waiting in their auto-assigned team sets themselves online in the
top bar and, without a reload, is told the nearest-deadline ticket was assigned to them.

Served by the real ASGI application (the live notification stream needs it), as tests/e2e/test_live_notifications.py.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from tests.browser import ARTIFACTS, log_in, staff_user
from tests.e2e.test_live_notifications import DELIVERY_TIMEOUT_MS
from tests.e2e.test_live_notifications import asgi_server as asgi_server  # noqa: F401 - the fixture
from tests.factories import CustomerFactory, TeamFactory
from tests.live_server import reload_migration_data
from tickets.services.intake import ticket_create
from workforce.enums import PresenceStatus
from workforce.models import AgentProfile, TeamWorkSettings

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_going_online_in_the_top_bar_brings_the_oldest_waiting_ticket_live(asgi_server, browser_page):  # type: ignore[no-untyped-def]  # noqa: F811
    reload_migration_data()
    agent = staff_user("agent1", Role.AGENT)
    AgentProfile.objects.create(user=agent, capacity=1)
    team = TeamFactory(name="售前 Pre-sales")
    team.members.add(agent)
    TeamWorkSettings.objects.create(team=team, assignment_mode="least_loaded")
    now = timezone.now()
    oldest = ticket_create(
        kind="inquiry",
        subject="什么时候发货？",
        customer=CustomerFactory(),
        team=team,
        received_at=now - timedelta(minutes=5),
    )
    newer = ticket_create(
        kind="inquiry", subject="能开发票吗？", customer=CustomerFactory(), team=team, received_at=now
    )
    page = browser_page

    log_in(page, asgi_server, "agent1")
    page.wait_for_selector(".bell[data-live]", timeout=DELIVERY_TIMEOUT_MS)
    control = page.locator("[data-testid=presence-control]")
    assert control.get_attribute("data-status") == "offline"
    page.evaluate("window.__pageLoadedOnce = true")  # gone if the page reloads

    page.click("[data-testid=presence-current]")
    page.click("[data-testid=presence-online]")

    page.wait_for_selector("[data-testid=presence-control][data-status=online]", timeout=DELIVERY_TIMEOUT_MS)
    toast = page.locator("[data-testid=notification-toast]")
    toast.wait_for(timeout=DELIVERY_TIMEOUT_MS)
    assert toast.inner_text().startswith(f"Ticket {oldest.reference} was assigned to you")
    assert page.evaluate("window.__pageLoadedOnce") is True
    assert AgentProfile.objects.get(user=agent).status == PresenceStatus.ONLINE
    oldest.refresh_from_db()
    newer.refresh_from_db()
    assert (oldest.assignee, newer.assignee) == (agent, None)  # capacity 1: the newer one waits
    page.screenshot(path=str(ARTIFACTS / "presence-online-assigned.png"))
    assert page.problems.unexpected() == []


def test_the_status_menu_works_on_a_phone_without_overflowing(asgi_server, browser_page):  # type: ignore[no-untyped-def]  # noqa: F811
    from tests.browser import PHONE

    staff_user("agent1", Role.AGENT)
    page = browser_page
    page.set_viewport_size(PHONE)
    log_in(page, asgi_server, "agent1")
    page.click("[data-testid=nav-toggle]")
    page.click("[data-testid=presence-current]")
    page.click("[data-testid=presence-busy]")
    page.wait_for_selector("[data-testid=presence-control][data-status=busy]", timeout=DELIVERY_TIMEOUT_MS)
    page.click("[data-testid=presence-current]")
    away = page.wait_for_selector("[data-testid=presence-away]")
    box = away.bounding_box()
    # Not clipped by the folded menu: the option itself is what a tap on it hits.
    hit = "(b) => document.elementFromPoint(b.x + b.width / 2, b.y + b.height / 2)?.closest('[data-testid]')?.dataset.testid"
    assert page.evaluate(hit, box) == "presence-away"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(ARTIFACTS / "presence-menu-phone.png"))
    assert page.problems.unexpected() == []
