"""The canned-reply picker end to end in Debian's chromium: an agent types "#" and a few pinyin initials in the
reply box, picks a reply with the keyboard, sees the ticket's values filled in and the one variable without a
value marked; the marker stops the send until the agent types over it; then Ctrl+Enter sends it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from accounts.roles import Role
from replies.models import CannedReply
from replies.services.canned import canned_reply_create
from tests.browser import ARTIFACTS, chromium, log_in, new_page, staff_user
from tests.factories import CustomerFactory, OrderFactory, TeamFactory, make_ticket
from tickets.models import Message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MARKER = "【Fill in: tracking number】"


def test_an_agent_types_hash_picks_a_reply_sees_the_variables_filled_and_sends(live_server):
    from playwright.sync_api import expect

    agent = staff_user("lilei", Role.AGENT, display_name="李雷", ticket_scope="all")
    manager = staff_user("boss", Role.MANAGER)
    team = TeamFactory(name="售中 In-sales")
    team.members.add(agent)
    canned_reply_create(
        actor=manager,
        scope="global",
        title="发货通知",
        shortcut="发货",
        body="{{买家称呼}}您好，订单{{订单号}}已于{{发货日期}}发出，快递单号{{快递单号}}。我是{{客服名}}。",
    )
    canned_reply_create(actor=manager, scope="global", title="退款时效", shortcut="退款", body="退款三个工作日内到账")
    buyer = CustomerFactory(name="小王")
    order = OrderFactory(customer=buyer, order_number="TB-1001", shipped_at=datetime(2026, 3, 2, 4, tzinfo=UTC))
    ticket = make_ticket(customer=buyer, order=order, team=team, subject="什么时候发货")
    url = f"{live_server.url}/tickets/{ticket.pk}/"
    folder = ARTIFACTS / "canned"
    folder.mkdir(parents=True, exist_ok=True)

    with chromium() as browser:
        page = new_page(browser)
        log_in(page, live_server.url, "lilei")
        page.goto(url)
        body = page.locator("[data-testid=reply-body]")
        expect(page.locator("[data-testid=canned-chord]")).to_be_visible()  # the Ctrl+/ hint on a laptop
        body.press_sequentially("#fh")
        dropdown = page.locator("[data-testid=canned-dropdown]")
        expect(dropdown).to_be_visible()
        options = page.locator("[data-testid=canned-option]")
        expect(options).to_have_count(1)
        expect(options.first).to_contain_text("#发货")
        page.screenshot(path=str(folder / "picker.png"), full_page=True)
        # While an input method composes, Enter and the arrows are its own (commit, candidates): the picker
        # leaves them alone.
        handled = body.evaluate(
            "t => ['Enter', 'ArrowDown'].map(key => !t.dispatchEvent(new KeyboardEvent('keydown',"
            " {key, keyCode: 229, isComposing: true, bubbles: true, cancelable: true})))"
        )
        assert handled == [False, False]
        expect(body).to_have_value("#fh")
        expect(dropdown).to_be_visible()
        body.press("Enter")

        expect(body).to_have_value(f"小王您好，订单TB-1001已于2026-03-02发出，快递单号{MARKER}。我是李雷。")
        expect(dropdown).to_be_hidden()
        missing = page.locator("[data-testid=canned-missing]")
        expect(missing).to_be_visible()
        expect(missing).to_contain_text(MARKER)
        # The check while typing says to change it; no "reason for sending anyway": no reason would pass it.
        expect(page.locator("[data-testid=reply-must-change]")).to_contain_text(MARKER)
        expect(page.locator("[data-testid=wording-blocking]")).to_have_count(0)
        expect(page.locator("[data-testid=override-box]")).to_be_hidden()
        page.screenshot(path=str(folder / "filled.png"), full_page=True)

        # The marker stops the send; typing over it lets the reply go.
        page.click("[data-testid=send-reply]")
        expect(body).to_have_class("canned-blocked")
        assert not Message.objects.filter(ticket=ticket).exists()
        body.fill(body.input_value().replace(MARKER, "SF1234567"))
        body.press("Control+Enter")  # the reply box sends with Ctrl+Enter (⌘+Enter on a Mac)
        page.wait_for_url(url)
        expect(page.locator("[data-testid=timeline]")).to_contain_text("快递单号SF1234567。我是李雷。")
        assert CannedReply.objects.get(shortcut="发货").usage_count == 1

        # Ctrl+/ opens the searchable list anywhere in the reply; Esc closes it.
        body.fill("亲，")
        body.press("Control+/")
        expect(dropdown).to_be_visible()
        page.locator("[data-testid=canned-query]").press_sequentially("tksx")
        expect(options).to_have_count(1)
        expect(options.first).to_contain_text("#退款")
        page.locator("[data-testid=canned-query]").press("Escape")
        expect(dropdown).to_be_hidden()
        expect(body).to_have_value("亲，")
        assert page.problems.unexpected() == []


@pytest.mark.parametrize(("locale", "phone"), [("zh-CN", True), ("en-US", False)])
def test_the_management_page_fits_a_phone_and_a_laptop(live_server, locale, phone):
    from playwright.sync_api import expect

    manager = staff_user("chen", Role.MANAGER, display_name="陈经理")
    team = TeamFactory(name="售中 In-sales")
    team.managers.add(manager)
    canned_reply_create(
        actor=manager,
        scope="global",
        title="发货时间",
        shortcut="发货",
        body="{{买家称呼}}您好，因为每天发货量很大，所以都是付款后48小时之内发出的，我们一定会尽快。" * 2,
    )
    canned_reply_create(
        actor=manager, scope="team", team=team, title="物流查询", shortcut="物流", body="订单{{订单号}}"
    )
    folder = ARTIFACTS / "canned"
    folder.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        page = new_page(browser, locale=locale, phone=phone)
        log_in(page, live_server.url, "chen")
        page.goto(f"{live_server.url}/replies/?sort=usage")
        expect(page.locator("[data-testid=reply-row]")).to_have_count(2)
        width = page.evaluate("window.innerWidth")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(folder / f"list-{locale}.png"), full_page=True)
        page.goto(f"{live_server.url}/replies/new/")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(folder / f"new-{locale}.png"), full_page=True)
        assert page.problems.unexpected() == []


def test_the_suggestions_card_offers_matching_canned_replies_and_inserts_one_filled(live_server):
    """Issue 16 point 4: the ticket page suggests the canned replies that match the buyer's question; one click
    puts the reply, filled from this ticket, into the reply box."""
    from playwright.sync_api import expect

    agent = staff_user("hanmei", Role.AGENT, display_name="韩梅", ticket_scope="all")
    manager = staff_user("boss2", Role.MANAGER)
    canned_reply_create(
        actor=manager,
        scope="global",
        title="退款时效",
        shortcut="退款",
        body="{{买家称呼}}您好，退款三个工作日内到账。",
    )
    canned_reply_create(actor=manager, scope="global", title="发票开具", shortcut="发票", body="发票会随包裹寄出。")
    ticket = make_ticket(customer=CustomerFactory(name="小李"), subject="退款什么时候到账")

    with chromium() as browser:
        page = new_page(browser)
        log_in(page, live_server.url, "hanmei")
        page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
        suggestions = page.locator("[data-testid=canned-suggestion]")
        expect(suggestions).to_have_count(1)
        expect(suggestions.first).to_contain_text("退款时效")
        suggestions.first.locator("[data-testid=canned-insert]").click()
        expect(page.locator("[data-testid=reply-body]")).to_have_value("小李您好，退款三个工作日内到账。")
    assert CannedReply.objects.get(shortcut="退款").usage_count == 1
    assert agent.pk
