"""In Debian's chromium: the top bar names who is logged in and their role in full. A manager with admin-site
access has the most links in the bar; on a 1366 px laptop (and down to 1200 px, where the menu folds) their
name and role fit beside them in English and Chinese, and on a 390 px phone they are in the unfolded menu.
Leaves screenshots in test-artifacts/topbar/."""

from __future__ import annotations

import pytest

from accounts.roles import Role
from tests.browser import ARTIFACTS, PHONE, chromium, log_in, new_page, staff_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Each piece of the user block that is shown: its text, and whether it is cut (wider than its box, or past the
# screen's edge).
USER_BLOCK = """() => Array.from(document.querySelectorAll(".whoami-name, .whoami-role, .topbar-user button"))
  .map((element) => {
    const box = element.getBoundingClientRect();
    return [element.textContent.trim(), element.scrollWidth > element.clientWidth || box.right > window.innerWidth];
  })"""


@pytest.mark.parametrize(
    ("locale", "role", "log_out"), [("en-US", "Manager", "Log out"), ("zh-CN", "主管", "退出登录")]
)
def test_a_managers_name_and_role_fit_in_the_bar(live_server, locale, role, log_out):
    staff_user("manager1", Role.MANAGER, display_name="陈经理 (manager1)", is_staff=True)  # as seed_demo names them
    folder = ARTIFACTS / "topbar"
    folder.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        for width in (1366, 1200):
            page = new_page(browser, locale=locale, viewport={"width": width, "height": 768})
            log_in(page, live_server.url, "manager1")
            assert page.locator(".mainnav").is_visible()
            assert page.evaluate(USER_BLOCK) == [["陈经理 (manager1)", False], [role, False], [log_out, False]]
            bar = page.locator(".topbar").bounding_box()
            assert bar is not None and bar["height"] <= 52, "the top bar wraps"
            page.screenshot(
                path=str(folder / f"bar-{width}-{locale}.png"), clip={"x": 0, "y": 0, "width": width, "height": 56}
            )
            assert page.problems.unexpected() == []
            page.context.close()

        phone = new_page(browser, locale=locale, phone=True)
        log_in(phone, live_server.url, "manager1")
        assert not phone.locator(".whoami").is_visible()  # folded with the menu
        phone.click("[data-testid=nav-toggle]")
        assert phone.evaluate(USER_BLOCK) == [["陈经理 (manager1)", False], [role, False], [log_out, False]]
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        phone.screenshot(path=str(folder / f"menu-{locale}.png"))
        assert phone.problems.unexpected() == []
        phone.context.close()
