"""In Debian's chromium: a manager makes a routing rule with the checkboxes, tries a sample ticket on the edit
page, and the pages fit a laptop (1366×768) and a phone (390 px) without sideways scrolling or console errors.
Leaves screenshots in test-artifacts/routing/."""

from __future__ import annotations

import pytest

from accounts.roles import Role
from tests.browser import ARTIFACTS, LAPTOP, chromium, log_in, new_page, staff_user
from tests.factories import TeamFactory
from workforce.models import RoutingRule

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"


def test_a_manager_makes_a_rule_and_tries_a_sample_on_laptop_and_phone(live_server):
    manager = staff_user("manager1", Role.MANAGER)
    TeamFactory(name="售后 After-sales").managers.add(manager)
    folder = ARTIFACTS / "routing"
    folder.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        for phone in (False, True):
            page = new_page(browser, phone=phone, viewport=None if phone else {**LAPTOP, "height": 768})
            log_in(page, live_server.url, "manager1")
            page.goto(f"{live_server.url}/work/routing/")
            if not phone:
                page.click("[data-testid=routing-new]")
                page.fill("#id_name", "安全问题")
                page.fill("#id_keywords", "起火，冒烟\n爆炸")
                page.check("input[name=channels][value=chat]")
                page.select_option("#id_set_priority", "urgent")
                page.fill("#id_add_tags", "安全")
                page.check("#id_restrict")
                page.click("[data-testid=routing-save]")
                page.wait_for_url(f"{live_server.url}/work/routing/")
                saved = RoutingRule.objects.get()
                assert saved.keywords == ["起火", "冒烟", "爆炸"] and saved.channels == ["chat"]
            page.goto(f"{live_server.url}/work/routing/")
            assert page.locator("[data-testid=routing-rule]").count() == 1
            assert page.evaluate(OVERFLOW) <= 0, "the list fits the width"
            page.screenshot(path=str(folder / f"list-{'phone' if phone else 'laptop'}.png"), full_page=True)
            page.click("[data-testid=edit-rule]")
            page.fill("#id_sample-subject", "充电宝冒烟了")
            page.select_option("#id_sample-channel", "chat")
            page.click("[data-testid=routing-preview-button]")
            preview = page.locator("[data-testid=routing-preview]")
            assert "安全问题" in preview.inner_text()
            assert page.locator("[data-testid=preview-priority]").inner_text() == "Urgent"
            assert page.evaluate(OVERFLOW) <= 0, "the edit page fits the width"
            page.screenshot(path=str(folder / f"edit-{'phone' if phone else 'laptop'}.png"), full_page=True)
            assert RoutingRule.objects.get().fired_count == 0  # the preview wrote nothing
            assert page.problems.unexpected() == []
            page.context.close()
