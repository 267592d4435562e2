"""In Debian's chromium: the manager's "Only its team sees it" control sits in the Work-on-it card like the other
fields (its label above, its Save button on the checkbox's line), on a laptop and on a phone, and after saving
the restricted badge is beside the ticket's title. Leaves screenshots in test-artifacts/restricted/."""

from __future__ import annotations

import pytest

from accounts.roles import Role
from tests.browser import ARTIFACTS, LAPTOP, chromium, log_in, new_page, staff_user
from tests.factories import TeamFactory, make_ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The checkbox's box, its Save button and the Team row's select and button, as boxes.
BOXES = """() => {
  const box = (element) => { const r = element.getBoundingClientRect(); return {top: r.top, bottom: r.bottom, left: r.left, right: r.right}; };
  const form = document.querySelector("[data-testid=restricted-form]");
  return {
    label: box(form.querySelector("label[for=id_restricted]")),
    check: box(form.querySelector("label.check-box")),
    save: box(form.querySelector("button[type=submit]")),
    card: box(form.closest(".card")),
  };
}"""


@pytest.mark.parametrize(("locale", "badge"), [("en-US", "Restricted: team only"), ("zh-CN", "仅本团队可见")])
def test_the_manager_restricts_a_ticket_from_a_labelled_control_and_the_title_says_so(live_server, locale, badge):
    manager = staff_user("manager1", Role.MANAGER)
    team = TeamFactory(name="售前 Pre-sales")
    team.managers.add(manager)
    ticket = make_ticket(team=team)
    folder = ARTIFACTS / "restricted"
    folder.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        for phone in (False, True):
            page = new_page(browser, locale=locale, phone=phone, viewport=None if phone else {**LAPTOP, "height": 768})
            log_in(page, live_server.url, "manager1")
            page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
            boxes = page.evaluate(BOXES)
            label, check, save, card = boxes["label"], boxes["check"], boxes["save"], boxes["card"]
            assert label["bottom"] <= check["top"] + 1, "the field's label is above the checkbox"
            assert abs((save["top"] + save["bottom"]) / 2 - (check["top"] + check["bottom"]) / 2) <= 2, boxes
            assert check["right"] <= save["left"] and save["right"] <= card["right"], boxes
            if not phone:
                assert not page.locator("[data-testid=restricted-badge]").is_visible()
                page.check("#id_restricted")
                page.click("[data-testid=restricted-form] button[type=submit]")
                page.wait_for_url(f"{live_server.url}/tickets/{ticket.pk}/")
            title = page.locator("h1").bounding_box()
            shown = page.locator("[data-testid=restricted-badge]")
            assert shown.inner_text() == badge
            near = shown.bounding_box()
            assert title is not None and near is not None and 0 <= near["y"] - title["y"] <= 60
            page.screenshot(path=str(folder / f"ticket-{'phone' if phone else 'laptop'}-{locale}.png"), full_page=True)
            assert page.problems.unexpected() == []
            page.context.close()
