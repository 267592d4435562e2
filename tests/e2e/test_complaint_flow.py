"""End to end in Debian's chromium: a manager finds a new complaint in the queue, resolves it from the
ticket page and reports the result; the follow-up call is scheduled and the buyer's tracking page shows it."""

import pytest

from accounts.roles import Role
from tests.browser import log_in, staff_user
from tests.factories import TeamFactory, make_ticket
from tickets.tracking import tracking_token

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_resolves_a_complaint_and_the_buyer_sees_it_resolved(live_server, browser_page):
    manager = staff_user("manager1", Role.MANAGER)
    team = TeamFactory(name="投诉 Complaints")
    team.managers.add(manager)
    ticket = make_ticket(kind="complaint", category="logistics", subject="快递把包裹扔在门口", team=team)
    page = browser_page

    log_in(page, live_server.url, "manager1")
    page.goto(f"{live_server.url}/complaints/?view=mine")
    page.click(f"text={ticket.subject}")
    page.wait_for_url(f"**/tickets/{ticket.pk}/")
    page.click("[data-testid=complaint-resolve] summary")
    page.fill("#resolve_root_cause", "快递员未按约定送货上门")
    page.fill("#resolve_outcome", "已投诉快递公司并补偿 10 元")
    page.fill("#resolve_compensation_amount", "10")
    page.fill("#resolve_message", "您好，已向快递公司投诉并为您补偿 10 元，抱歉给您添麻烦了。")
    page.click("[data-testid=complaint-resolve] button[type=submit]")
    page.wait_for_selector("text=Follow-up calls")
    assert page.locator("[data-testid=ticket-status]").inner_text() == "Resolved"

    page.goto(f"{live_server.url}/track/{tracking_token(ticket)}/")
    assert "已向快递公司投诉" in page.content()
    assert page.locator("[data-testid=tracking-steps] li.done").count() == 3
    assert page.problems.unexpected() == []
