"""Attachments end to end in Debian's chromium: a buyer on a 390 px phone sends a photo from the tracking page
and the agent sees its thumbnail on the ticket page; the agent answers with a photo the buyer then sees; a buyer
opens a request with a photo from the help centre and gets their tracking link. Screenshots in
test-artifacts/attachments/."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from accounts.roles import Role
from tests.browser import ARTIFACTS, chromium, log_in, new_page, staff_user
from tests.factories import CustomerFactory, OrderFactory, make_ticket
from tickets.models import MessageAttachment, Ticket
from tickets.tracking import tracking_token

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    from django.core.cache import cache

    cache.clear()


def _photo(name: str, color: str) -> dict[str, object]:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), color).save(buffer, format="JPEG")
    return {"name": name, "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def _loaded(page, selector: str) -> None:  # type: ignore[no-untyped-def]
    """Wait until the image has really been decoded (its URL answered with an image)."""
    page.wait_for_function(
        "s => { const i = document.querySelector(s); return i && i.complete && i.naturalWidth > 0; }", arg=selector
    )


def _fits_the_phone(page) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_buyer_uploads_a_photo_on_the_tracking_page_and_the_agent_sees_its_thumbnail(live_server):
    from playwright.sync_api import expect

    staff_user("lilei", Role.AGENT, display_name="李雷", ticket_scope="all")
    ticket = make_ticket(subject="收到的杯子碎了")
    track = f"{live_server.url}/track/{tracking_token(ticket)}/"
    folder = ARTIFACTS / "attachments"
    folder.mkdir(parents=True, exist_ok=True)

    with chromium() as browser:
        buyer = new_page(browser, phone=True, locale="zh-CN")
        buyer.goto(track)
        buyer.fill("textarea[name=body]", "杯子碎了，见照片")
        buyer.set_input_files("[data-testid=tracking-photos]", [_photo("破损.jpg", "red")])
        buyer.click("[data-testid=tracking-send]")
        buyer.wait_for_url(track)
        expect(buyer.locator("[data-testid=attachment-thumbnail]")).to_have_count(1)
        _loaded(buyer, "[data-testid=attachment-thumbnail]")
        _fits_the_phone(buyer)
        buyer.screenshot(path=str(folder / "tracking-phone.png"), full_page=True)

        agent = new_page(browser)
        log_in(agent, live_server.url, "lilei")
        agent.goto(f"{live_server.url}/tickets/{ticket.pk}/")
        thumbnail = agent.locator("[data-testid=timeline] [data-testid=attachment-thumbnail]")
        expect(thumbnail).to_have_count(1)
        expect(thumbnail).to_have_attribute("alt", "破损.jpg")
        _loaded(agent, "[data-testid=timeline] [data-testid=attachment-thumbnail]")
        agent.screenshot(path=str(folder / "ticket-laptop.png"), full_page=True)

        # The agent answers with a photo of their own; the buyer sees it under their link.
        agent.fill("[data-testid=reply-body]", "亲，给您补发，这是新杯子")
        agent.set_input_files("[data-testid=reply-attachments]", [_photo("新杯子.jpg", "blue")])
        agent.click("[data-testid=send-reply]")
        agent.wait_for_url(f"{live_server.url}/tickets/{ticket.pk}/")
        expect(agent.locator("[data-testid=timeline] [data-testid=attachment-thumbnail]")).to_have_count(2)

        buyer.goto(track)
        expect(buyer.locator("[data-testid=attachment-thumbnail]")).to_have_count(2)
        expect(buyer.locator("img[alt='新杯子.jpg']")).to_be_visible()
        assert buyer.problems.unexpected() == [] and agent.problems.unexpected() == []
    assert MessageAttachment.objects.count() == 2


def test_a_buyer_opens_a_request_with_a_photo_from_the_help_centre_on_a_phone(live_server, settings):
    from playwright.sync_api import expect

    settings.HELPDESK_PUBLIC_URL = live_server.url  # the tracking link the page shows

    customer = CustomerFactory(platform="taobao", phone="13800001234")
    OrderFactory(customer=customer, platform="taobao", order_number="TB778899")
    folder = ARTIFACTS / "attachments"
    folder.mkdir(parents=True, exist_ok=True)

    with chromium() as browser:
        page = new_page(browser, phone=True, locale="zh-CN")
        page.goto(f"{live_server.url}/help/request/")
        expect(page.locator("h1")).to_have_text("联系客服")
        _fits_the_phone(page)
        page.screenshot(path=str(folder / "help-request-phone.png"), full_page=True)
        page.check("input[name=kind][value=aftersales]")
        page.select_option("select[name=platform]", "taobao")
        page.fill("input[name=order_number]", "TB778899")
        page.fill("input[name=proof]", "1111")
        page.fill("textarea[name=description]", "收到的衣服有破洞")
        page.click("[data-testid=help-request-send]")
        expect(page.locator("[data-testid=help-request-error]")).to_contain_text("无法匹配该订单")
        assert Ticket.objects.count() == 0

        page.fill("input[name=proof]", "1234")
        page.set_input_files("[data-testid=help-request-photos]", [_photo("破洞.jpg", "green")])
        page.click("[data-testid=help-request-send]")
        link = page.locator("[data-testid=help-request-link] a")
        expect(link).to_be_visible()
        _fits_the_phone(page)
        page.screenshot(path=str(folder / "help-request-done-phone.png"), full_page=True)
        link.click()
        expect(page.locator("[data-testid=attachment-thumbnail]")).to_have_count(1)
        _loaded(page, "[data-testid=attachment-thumbnail]")
        assert page.problems.unexpected("400") == []
    ticket = Ticket.objects.get()
    assert ticket.kind == "aftersales" and ticket.order.order_number == "TB778899"
