"""In Debian's chromium: an agent goes from a ticket to the buyer's profile, links their account on another
platform and sees that account's tickets and orders. Leaves a screenshot in test-artifacts/."""

import pytest

from accounts.roles import Role
from tests.browser import ARTIFACTS, log_in, open_page, staff_user
from tests.factories import CustomerFactory, OrderFactory, OrderLineFactory, make_ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agent_links_an_account_from_the_profile_page(live_server):
    staff_user("agent1", Role.AGENT, ticket_scope="all")
    taobao = CustomerFactory(name="王小明", platform="taobao", platform_account_id="tb_wxm", tier="gold")
    jd = CustomerFactory(name="王小明", platform="jd", platform_account_id="jd_wxm_88", phone="")
    ticket = make_ticket(customer=taobao, subject="T恤尺码偏小，想换大一号")
    make_ticket(customer=jd, subject="京东订单什么时候发货？")
    order = OrderFactory(customer=taobao, order_number="TB2026112300001")
    OrderLineFactory(order=order)
    jd_order = OrderFactory(customer=jd, platform="jd", order_number="JD88001234", status="shipped")
    OrderLineFactory(order=jd_order, sku="PT-KHK-32", title="卡其裤 32", unit_price="120.00")

    with open_page(locale="zh-CN") as page:
        log_in(page, live_server.url, "agent1")
        page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
        page.click("[data-testid=customer-profile-link]")
        page.wait_for_url(f"{live_server.url}/customers/{taobao.pk}/")
        assert "京东订单什么时候发货" not in page.inner_text("[data-testid=profile-tickets]")

        page.select_option("[data-testid=link-form] select[name=platform]", "jd")
        page.fill("[data-testid=link-form] input[name=platform_account_id]", "jd_wxm_88")
        page.click("[data-testid=link-form] button[type=submit]")
        page.wait_for_url(f"{live_server.url}/customers/{taobao.pk}/")
        assert "京东订单什么时候发货" in page.inner_text("[data-testid=profile-tickets]")
        assert "JD88001234" in page.inner_text("[data-testid=profile-orders]")
        assert "jd_wxm_88" in page.inner_text("[data-testid=linked-accounts]")
        page.screenshot(path=str(ARTIFACTS / "customer-profile.png"), full_page=True)
        assert page.problems.unexpected() == []


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_on_a_phone_the_account_comes_first_and_the_profile_stays_short(live_server, locale):
    from tests.browser import PHONE

    staff_user("manager1", Role.MANAGER)
    buyer = CustomerFactory(name="王小明", platform="taobao", platform_account_id="tb_wxm")
    for n in range(30):
        make_ticket(customer=buyer, subject=f"第 {n} 个问题")
    for n in range(30):
        OrderLineFactory(order=OrderFactory(customer=buyer, order_number=f"TB-LONG-{n:03d}"))

    with open_page(locale=locale, phone=True) as page:
        log_in(page, live_server.url, "manager1")
        page.goto(f"{live_server.url}/customers/{buyer.pk}/")
        account = page.locator("[data-testid=profile-account]").bounding_box()
        tickets = page.locator("[data-testid=profile-tickets]").bounding_box()
        linked = page.locator("[data-testid=linked-accounts]").bounding_box()
        assert account is not None and tickets is not None and linked is not None
        assert account["y"] < tickets["y"] < linked["y"]
        reveal = page.locator("[data-testid=profile-account] [data-testid=reveal-contact]")
        shown = reveal.bounding_box()
        assert shown is not None and shown["y"] + shown["height"] <= PHONE["height"], "reveal is below the first screen"
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert page.evaluate("document.documentElement.scrollHeight") < 4000
        page.screenshot(path=str(ARTIFACTS / f"customer-profile-phone-{locale}.png"), full_page=True)

        page.click("[data-testid=all-tickets]")
        page.wait_for_url(f"{live_server.url}/customers/{buyer.pk}/tickets/")
        assert page.locator("[data-testid=customer-tickets] tbody tr").count() == 30
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert page.problems.unexpected() == []
