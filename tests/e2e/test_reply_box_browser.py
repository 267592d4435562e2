"""The reply box in Debian's chromium (issue 16 points 2 and 6): Ctrl+Enter sends the reply; a draft survives a
reload, stays with its ticket and is gone once sent; typing a forbidden phrase shows the rule's warning and the
"reason for sending anyway" field, and the override lands on the timeline. Every wait is an expectation."""

from __future__ import annotations

import pytest

from accounts.roles import Role
from tests.browser import ARTIFACTS, LAPTOP, PHONE, chromium, log_in, new_page, staff_user
from tests.factories import make_ticket
from tests.replies.conftest import seed_default_wording_rules
from tickets.enums import EventType
from tickets.models import Message, TicketEvent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ctrl_enter_sends_and_a_draft_survives_a_reload_until_it_is_sent(live_server):
    from playwright.sync_api import expect

    staff_user("lilei", Role.AGENT, display_name="李雷", ticket_scope="all")
    ticket, other = make_ticket(subject="快递三天没动了"), make_ticket(subject="发票怎么开")
    url = f"{live_server.url}/tickets/{ticket.pk}/"
    with chromium() as browser:
        page = new_page(browser, viewport=LAPTOP)
        log_in(page, live_server.url, "lilei")
        page.goto(url)
        body = page.locator("[data-testid=reply-body]")
        body.press_sequentially("亲，正在为您核实物流")
        page.reload()
        expect(body).to_have_value("亲，正在为您核实物流")  # restored from the draft
        # Never into another ticket.
        page.goto(f"{live_server.url}/tickets/{other.pk}/")
        expect(page.locator("[data-testid=reply-body]")).to_have_value("")
        page.goto(url)
        expect(body).to_have_value("亲，正在为您核实物流")
        body.press("Control+Enter")
        expect(page.locator("[data-testid=timeline]")).to_contain_text("亲，正在为您核实物流")
        assert Message.objects.filter(ticket=ticket, body="亲，正在为您核实物流").count() == 1
        expect(page.locator("[data-testid=reply-body]")).to_have_value("")  # the sent draft is gone
        page.reload()
        expect(page.locator("[data-testid=reply-body]")).to_have_value("")
        page.screenshot(path=str(ARTIFACTS / "reply-box-sent.png"), full_page=True)
        assert page.problems.unexpected() == []
        page.context.close()


def test_ctrl_enter_sends_a_photo_without_text(live_server, tmp_path):
    """A photo alone is a reply (the Send button takes it); Ctrl+Enter in the empty box sends it too."""
    from PIL import Image
    from playwright.sync_api import expect

    staff_user("lilei", Role.AGENT, ticket_scope="all")
    ticket = make_ticket(subject="看下图片")
    photo = tmp_path / "photo.png"
    Image.new("RGB", (64, 48), (200, 80, 80)).save(photo)
    with chromium() as browser:
        page = new_page(browser, viewport=LAPTOP)
        log_in(page, live_server.url, "lilei")
        page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
        page.locator("[data-testid=reply-attachments]").set_input_files(str(photo))
        page.locator("[data-testid=reply-body]").press("Control+Enter")
        expect(page.locator("[data-testid=timeline] img")).to_have_count(1)
        message = Message.objects.get(ticket=ticket)
        assert message.body == "" and message.attachments.count() == 1
        assert page.problems.unexpected() == []
        page.context.close()


def test_a_forbidden_phrase_shows_the_warning_and_needs_a_reason(live_server):
    from playwright.sync_api import expect

    seed_default_wording_rules()
    staff_user("hanmei", Role.AGENT, display_name="韩梅梅", ticket_scope="all")
    ticket = make_ticket(subject="什么时候能到")
    url = f"{live_server.url}/tickets/{ticket.pk}/"
    with chromium() as browser:
        page = new_page(browser, locale="zh-CN", viewport=PHONE, phone=True)
        log_in(page, live_server.url, "hanmei")
        page.goto(url)
        body = page.locator("[data-testid=reply-body]")
        override = page.locator("[data-testid=override-box]")
        expect(page.locator("[data-testid=canned-chord]")).to_be_hidden()  # no Ctrl+/ hint on a phone
        body.press_sequentially("好")
        expect(page.locator("[data-testid=wording-warning]")).to_be_visible()
        expect(override).to_be_hidden()
        body.fill("")
        body.press_sequentially("亲，明天一定到")
        expect(page.locator("[data-testid=wording-blocking]")).to_contain_text("不能承诺具体到货时间")
        expect(override).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "reply-box-blocked-phone.png"), full_page=True)
        # Without a reason the page holds the send.
        page.click("[data-testid=send-reply]")
        expect(page.locator("[data-testid=override-reason]")).to_be_focused()
        assert not Message.objects.filter(ticket=ticket).exists()
        page.fill("[data-testid=override-reason]", "顺丰次日达，已和快递确认")
        page.click("[data-testid=send-reply]")
        expect(page.locator("[data-testid=override-summary]")).to_contain_text("顺丰次日达，已和快递确认")
        assert TicketEvent.objects.filter(ticket=ticket, type=EventType.REPLY_CHECK_OVERRIDDEN).count() == 1
        assert page.problems.unexpected() == []
        page.context.close()


def test_the_rules_page_cards_on_a_phone_keep_each_label_beside_its_value(live_server):
    """On a 390 px phone each rule is a card of label/value lines. "Words or pattern" wraps to two lines; it
    must push the next line down rather than overlap the explanation below a one-line pattern."""
    from playwright.sync_api import expect

    seed_default_wording_rules()
    staff_user("chen", Role.MANAGER)
    with chromium() as browser:
        page = new_page(browser, phone=True)
        log_in(page, live_server.url, "chen")
        page.goto(f"{live_server.url}/replies/wording/")
        expect(page.locator("[data-testid=wording-rule]").first).to_be_visible()
        for row in page.locator("[data-testid=wording-rule]").all():
            pattern = row.locator("td.wording-pattern")
            label_height = pattern.evaluate("td => parseFloat(getComputedStyle(td, '::before').height) || 0")
            label_bottom = pattern.evaluate(
                "td => { const r = td.getBoundingClientRect(); const s = getComputedStyle(td, '::before');"
                " return s.position === 'absolute' ? r.top + 2 + parseFloat(s.height) : r.bottom; }"
            )
            next_top = pattern.evaluate("td => td.nextElementSibling.getBoundingClientRect().top")
            assert label_height > 0
            assert label_bottom <= next_top + 1
        page.screenshot(path=str(ARTIFACTS / "wording-rules-phone.png"), full_page=True)
        assert page.problems.unexpected() == []


def test_the_rule_forms_save_and_cancel_sit_on_one_line(live_server):
    from playwright.sync_api import expect

    staff_user("chen", Role.MANAGER)
    with chromium() as browser:
        page = new_page(browser, viewport=LAPTOP)
        log_in(page, live_server.url, "chen")
        page.goto(f"{live_server.url}/replies/wording/new/")
        save, cancel = page.locator("[data-testid=wording-save]"), page.locator("[data-testid=wording-cancel]")
        expect(cancel).to_be_visible()
        save_box, cancel_box = save.bounding_box(), cancel.bounding_box()
        assert abs(save_box["y"] - cancel_box["y"]) <= 1 and abs(save_box["height"] - cancel_box["height"]) <= 1
        assert page.problems.unexpected() == []
