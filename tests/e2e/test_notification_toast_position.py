"""In Debian's chromium: a live notification's toast sits at the bottom right, so it never covers the top bar
(bell, menu, log out) nor the page's own buttons, such as the inbox's "+ New ticket". Leaves screenshots in
test-artifacts/."""

from __future__ import annotations

import pytest

from accounts.roles import Role
from tests.browser import ARTIFACTS, log_in, open_page, staff_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A toast as static/js/notifications.js builds it, in the region base.html gives it.
ADD_TOAST = """() => {
    const toast = document.createElement("div");
    toast.className = "toast toast-escalated";
    toast.setAttribute("data-testid", "notification-toast");
    const link = document.createElement("a");
    link.href = "/";
    link.textContent = "工单 HD-000014 已升级（第 1 级）：首次响应超时，请尽快处理买家的问题";
    const close = document.createElement("button");
    close.className = "toast-close";
    close.textContent = "×";
    toast.append(link, close);
    document.querySelector("[data-testid=notification-toasts]").appendChild(toast);
}"""


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


@pytest.mark.parametrize(
    "viewport", [{"width": 1366, "height": 768}, {"width": 390, "height": 844}], ids=["laptop", "phone"]
)
def test_a_toast_never_covers_the_top_bar_or_the_new_ticket_button(live_server, viewport):
    staff_user("agent1", Role.AGENT)
    with open_page(locale="zh-CN", viewport=viewport) as page:
        log_in(page, live_server.url, "agent1")
        for _ in range(3):  # the most the script shows at once
            page.evaluate(ADD_TOAST)
        covered = {
            "top bar": page.locator(".topbar").bounding_box(),
            "new ticket": page.locator(".page-head a.button.primary").bounding_box(),
        }
        for toast in page.locator("[data-testid=notification-toast]").all():
            box = toast.bounding_box()
            assert box is not None
            assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
            for name, other in covered.items():
                assert other is not None and not _overlap(box, other), name
        page.screenshot(path=str(ARTIFACTS / f"toasts-{viewport['width']}.png"))
        assert page.problems.unexpected() == []
