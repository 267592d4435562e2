"""In Debian's chromium: a manager opens the audit log from the top bar, filters it and finds who revealed a
buyer's contact details; on a 1366×768 laptop and a 390 px phone, in Chinese and English, the page never
scrolls sideways. Leaves screenshots in test-artifacts/audit/."""

from datetime import UTC, datetime

import pytest
import time_machine

from accounts.roles import Role
from audit.enums import AuditAction
from audit.services import audit_record
from tests.browser import ARTIFACTS, LAPTOP, PHONE, chromium, log_in, new_page, staff_user
from tests.factories import CustomerFactory


def customer_audit_label(customer) -> str:  # type: ignore[no-untyped-def]
    """A buyer as the customers app names them in the log (customers.services.buyers)."""
    return f"{customer.name} · {customer.platform} {customer.platform_account_id}"


pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP_768 = {**LAPTOP, "height": 768}


def _history() -> None:
    manager = staff_user("manager1", Role.MANAGER)
    manager.display_name = "陈经理"
    manager.save()
    agent = staff_user("agent1", Role.AGENT)
    wang = CustomerFactory(name="王小明", platform_account_id="tb_wxm_20261101")
    li = CustomerFactory(name="李雷", platform="jd", platform_account_id="jd_lilei")
    moments = iter(datetime(2026, 11, 20, hour, minute, tzinfo=UTC) for hour in range(1, 12) for minute in (0, 30))

    def at(**fields):  # type: ignore[no-untyped-def]
        with time_machine.travel(next(moments), tick=False):
            audit_record(**fields)

    at(action=AuditAction.LOGIN_FAILED, actor=None, actor_label="admin")
    at(action=AuditAction.LOGGED_IN, actor=agent, source="page", ip_address="203.0.113.7")
    at(action=AuditAction.CUSTOMER_VIEWED, actor=agent, target=wang, target_label=customer_audit_label(wang))
    at(
        action=AuditAction.CONTACT_REVEALED,
        actor=manager,
        target=wang,
        target_label=customer_audit_label(wang),
        context="HD-000123",
    )
    at(action=AuditAction.CUSTOMER_VIEWED, actor=manager, target=li, target_label=customer_audit_label(li))
    at(
        action=AuditAction.EXPORTED,
        actor=manager,
        target_label="tickets",
        details={"format": "xlsx", "filters": {"start": "2026-11-01", "end": "2026-11-30", "team": 2}},
    )
    at(
        action=AuditAction.ROLES_CHANGED,
        actor=manager,
        target=agent,
        target_label="agent1",
        details={"groups_added": ["Manager"], "groups_removed": ["Agent"], "is_staff": [False, True]},
    )
    at(
        action=AuditAction.API_KEY_ROTATED,
        actor=manager,
        target_label="演示淘宝店 Demo Taobao shop · 3f9a0c1d2e4b",
        details={"integration": "演示淘宝店 Demo Taobao shop", "key": "3f9a0c1d2e4b", "new_key": "77aa12bc90de"},
    )


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_a_manager_finds_who_revealed_a_buyers_contact(live_server, locale):
    _history()
    folder = ARTIFACTS / "audit"
    folder.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        page = new_page(browser, locale=locale, viewport=LAPTOP_768)
        log_in(page, live_server.url, "manager1")
        page.click(".mainnav a[href='/audit/']")
        page.wait_for_url(f"{live_server.url}/audit/")
        bar = page.locator(".topbar").bounding_box()
        assert bar is not None and bar["height"] <= 52, "the top bar wraps"
        assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP_768["width"]
        page.screenshot(path=str(folder / f"log-{locale}.png"), full_page=True)

        page.select_option("[data-testid=audit-filters] select[name=action]", "contact_revealed")
        page.fill("[data-testid=audit-filters] input[name=buyer]", "tb_wxm")
        page.click("[data-testid=audit-filters] button[type=submit]")
        page.wait_for_url("**/audit/?*")
        rows = page.locator("[data-testid=audit-log] tbody tr")
        assert rows.count() == 1
        assert "HD-000123" in rows.inner_text() and "陈经理" in rows.inner_text()
        page.screenshot(path=str(folder / f"log-filtered-{locale}.png"), full_page=True)
        assert page.problems.unexpected() == []
        page.context.close()

        phone = new_page(browser, locale=locale, phone=True)
        log_in(phone, live_server.url, "manager1")
        phone.goto(f"{live_server.url}/audit/")
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        phone.screenshot(path=str(folder / f"log-phone-{locale}.png"), full_page=True)
        assert phone.problems.unexpected() == []
        phone.context.close()


# Whether an input shows its placeholder whole: the same words as its value must not scroll inside it (the search
# field keeps room for its clear button either way; the placeholder itself cannot be measured).
PLACEHOLDER_FITS = """(input) => {
  input.value = input.placeholder;
  const fits = input.scrollWidth <= input.clientWidth;
  input.value = "";
  return fits;
}"""

# Every badge and every cell shown on the page: is any of it cut (wider than its box, or past the screen)?
CUT_OFF = """() => {
  const cut = [];
  for (const element of document.querySelectorAll("[data-testid=audit-log] tbody td, [data-testid=audit-log] .tag")) {
    if (element.getClientRects().length === 0) continue;  // left out (an empty cell on a phone)
    const box = element.getBoundingClientRect();
    if (element.scrollWidth > element.clientWidth + 1 || box.right > window.innerWidth + 1 || box.left < -1)
      cut.push(element.className + ": " + element.innerText);
  }
  return cut;
}"""


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_the_filters_show_their_hints_whole_and_a_phone_shows_each_entry_as_a_card(live_server, locale):
    _history()
    folder = ARTIFACTS / "audit"
    folder.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        page = new_page(browser, locale=locale, viewport=LAPTOP_768)
        log_in(page, live_server.url, "manager1")
        page.goto(f"{live_server.url}/audit/")
        for name in ("who", "buyer"):
            assert page.eval_on_selector(f"[data-testid=audit-filters] input[name={name}]", PLACEHOLDER_FITS), name
        assert page.evaluate(CUT_OFF) == []
        page.context.close()

        phone = new_page(browser, locale=locale, phone=True)
        log_in(phone, live_server.url, "manager1")
        phone.goto(f"{live_server.url}/audit/")
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        table = phone.locator("[data-testid=audit-log]")
        assert table.evaluate("table => table.parentElement.scrollWidth <= table.parentElement.clientWidth")
        assert phone.evaluate(CUT_OFF) == []
        # The reveal: its object, its details and who did it are all on the card, each under its column's name.
        reveal = phone.locator("[data-testid=audit-log] tr[data-action=contact_revealed]")
        card = reveal.inner_text()
        assert "王小明" in card and "HD-000123" in card and "陈经理" in card
        object_cell = reveal.locator("td.audit-object")
        label = object_cell.evaluate("cell => getComputedStyle(cell, '::before').content")
        assert label.strip('"') in ("Object", "对象")
        phone.screenshot(path=str(folder / f"log-cards-{locale}.png"), full_page=True)
        assert phone.problems.unexpected() == []
        phone.context.close()
