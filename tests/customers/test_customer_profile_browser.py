"""In Debian's chromium: an agent goes from a ticket to the buyer's profile, links their account on another
platform and sees that account's tickets and orders. Leaves a screenshot in test-artifacts/."""

import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from tests.factories import CustomerFactory, OrderFactory, OrderLineFactory, UserFactory, make_ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_agent_links_an_account_from_the_profile_page(live_server):
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    agent = UserFactory(username="agent1", password=None)
    agent.set_password("demo-pass-123")
    agent.save()
    agent.groups.add(Group.objects.get_or_create(name="Agent")[0])
    taobao = CustomerFactory(name="王小明", platform="taobao", platform_account_id="tb_wxm", tier="gold")
    jd = CustomerFactory(name="王小明", platform="jd", platform_account_id="jd_wxm_88", phone="")
    ticket = make_ticket(customer=taobao, subject="T恤尺码偏小，想换大一号")
    make_ticket(customer=jd, subject="京东订单什么时候发货？")
    order = OrderFactory(customer=taobao, order_number="TB2026112300001")
    OrderLineFactory(order=order)
    jd_order = OrderFactory(customer=jd, platform="jd", order_number="JD88001234", status="shipped")
    OrderLineFactory(order=jd_order, sku="PT-KHK-32", title="卡其裤 32", unit_price="120.00")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
        page = context.new_page()
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", "agent1")
        page.fill("#id_password", "demo-pass-123")
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
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
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "customer-profile.png"), full_page=True)
        context.close()
        browser.close()
