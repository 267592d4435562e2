"""In Debian's chromium: a wrong password on /login/ shows the error inside the red box, its words starting at
the box's padding like every other box's (not indented like a list), on a laptop and on a phone."""

from __future__ import annotations

import pytest

from tests.browser import ARTIFACTS, chromium, new_page
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Where the error's first line starts, from the box's left edge, and the box's own left padding.
INDENT = """() => {
  const box = document.querySelector("[data-testid=login-error]");
  const line = document.createRange();
  line.selectNodeContents(box.querySelector("li") || box);
  return [line.getClientRects()[0].left - box.getBoundingClientRect().left, parseFloat(getComputedStyle(box).paddingLeft)];
}"""


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_the_login_error_is_aligned_with_its_box(live_server, locale):
    UserFactory(username="agent1")
    folder = ARTIFACTS / "login"
    folder.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        for phone in (False, True):
            page = new_page(browser, locale=locale, phone=phone)
            page.goto(f"{live_server.url}/login/")
            page.fill("#id_username", "agent1")
            page.fill("#id_password", "not-the-password")
            page.click(".login-card button[type=submit]")
            page.wait_for_selector("[data-testid=login-error]")
            indent, padding = page.evaluate(INDENT)
            assert abs(indent - padding) <= 1, f"the message starts {indent:.0f} px in, the box's padding is {padding}"
            page.screenshot(path=str(folder / f"error-{'phone' if phone else 'laptop'}-{locale}.png"))
            assert page.problems.unexpected() == []
            page.context.close()
