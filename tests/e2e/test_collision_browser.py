"""Collision detection end to end in Debian's chromium: two agents open one ticket in two browser contexts and
see each other ("Also viewing"), one sees the other typing; a colleague's reply reaches the other page as a
banner and a fresh timeline without touching the reply being written; and a reply written on a page that had
not heard of a newer reply is stopped, shows what changed, and goes out with "Send anyway".

The live server is WSGI, so the ticket's live URL answers one event and the browser asks again every
TICKET_LIVE_POLL_SECONDS (2 s): every wait below is a Playwright expectation with a timeout, never a sleep.
To make "B's page had not heard of it yet" deterministic, B's live requests are cut (``page.route``) before A
sends the second reply, as a slow network would."""

from __future__ import annotations

import pytest

from accounts.roles import Role
from tests.browser import ARTIFACTS, chromium, log_in, new_page, staff_user
from tests.factories import make_ticket
from tickets.models import Message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIVE_MS = 15000  # a few of the page's 2-second polls, with room for a slow machine


def test_two_agents_see_each_other_and_a_reply_written_on_a_stale_page_needs_send_anyway(live_server):
    from playwright.sync_api import expect

    staff_user("lilei", Role.AGENT, display_name="李雷", ticket_scope="all")
    staff_user("hanmei", Role.AGENT, display_name="韩梅梅", ticket_scope="all")
    ticket = make_ticket(subject="快递三天没动了")
    url = f"{live_server.url}/tickets/{ticket.pk}/"
    folder = ARTIFACTS / "collision"
    folder.mkdir(parents=True, exist_ok=True)

    with chromium() as browser:
        a, b = new_page(browser), new_page(browser)
        log_in(a, live_server.url, "lilei")
        log_in(b, live_server.url, "hanmei")
        a.goto(url)
        b.goto(url)

        # Each sees the other.
        expect(a.locator("[data-testid=also-viewing]")).to_have_text("Also viewing: 韩梅梅", timeout=LIVE_MS)
        expect(b.locator("[data-testid=also-viewing]")).to_have_text("Also viewing: 李雷", timeout=LIVE_MS)

        # A types: B is told.
        a.locator("[data-testid=reply-body]").press_sequentially("亲，")
        expect(b.locator("[data-testid=typing]")).to_have_text("李雷 is typing…", timeout=LIVE_MS)

        # B writes a reply while A sends one: B's page shows a banner and A's reply, and keeps B's text.
        b.fill("[data-testid=reply-body]", "我来跟进：今天联系快递")
        a.fill("[data-testid=reply-body]", "亲，已联系快递加急")
        a.click("[data-testid=send-reply]")
        a.wait_for_url(url)
        news = b.locator("[data-testid=ticket-news]")
        expect(news).to_contain_text("李雷 replied: “亲，已联系快递加急”", timeout=LIVE_MS)
        expect(b.locator("[data-testid=timeline]")).to_contain_text("亲，已联系快递加急", timeout=LIVE_MS)
        expect(b.locator("[data-testid=reply-body]")).to_have_value("我来跟进：今天联系快递")
        b.screenshot(path=str(folder / "banner.png"), full_page=True)

        # B's page stops hearing news (a slow network); A replies again; B sends the reply prepared before.
        b.route("**/live/**", lambda route: route.abort())
        a.fill("[data-testid=reply-body]", "快递明天送到")
        a.click("[data-testid=send-reply]")
        a.wait_for_url(url)
        expect(a.locator("[data-testid=timeline]")).to_contain_text("快递明天送到")
        sent_before = Message.objects.filter(body="我来跟进：今天联系快递").count()
        b.click("[data-testid=send-reply]")

        stale = b.locator("[data-testid=stale-box]")
        expect(stale).to_be_visible()
        changes = b.locator("[data-testid=stale-change]")
        expect(changes).to_have_count(1)  # the first reply was on B's page already
        expect(changes.first).to_contain_text("李雷 replied: “快递明天送到”")
        expect(b.locator("[data-testid=reply-body]")).to_have_value("我来跟进：今天联系快递")
        assert Message.objects.filter(body="我来跟进：今天联系快递").count() == sent_before == 0
        b.screenshot(path=str(folder / "stale.png"), full_page=True)

        b.click("[data-testid=send-anyway]")
        b.wait_for_url(url)
        expect(b.locator("[data-testid=timeline]")).to_contain_text("我来跟进：今天联系快递")
        assert Message.objects.filter(body="我来跟进：今天联系快递").count() == 1

        # Cut live requests, the 409 page's own status line and beacons cancelled by navigation are expected.
        assert a.problems.unexpected() == []
        assert b.problems.unexpected("/live/", "ERR_FAILED", "409") == []
        a.context.close()
        b.context.close()
