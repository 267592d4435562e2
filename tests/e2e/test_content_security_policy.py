"""In Debian's chromium, under the Content-Security-Policy header: the main pages load and work with zero CSP
violations — no inline script, no inline handler, no style attribute, nothing from elsewhere.

Chromium logs each violation as a console error (``page.problems``); an init script (which the page's CSP
does not govern) also records every ``securitypolicyviolation`` event, so a violation cannot go unnoticed."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.roles import Role
from surveys import links
from surveys.models import SurveyInvitation
from surveys.services import survey_ensure_default
from tests.browser import ARTIFACTS, log_in, open_page, staff_user
from tests.factories import CustomerFactory, TeamFactory, make_ticket
from tests.reports.fakes import patch_samples
from tickets.services.assignment import ticket_assign
from tickets.services.messages import ticket_reply
from tickets.services.transitions import ticket_transition
from tickets.tracking import tracking_token

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__csp.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} (${event.sourceFile}:${event.lineNumber})`);
});
"""


def violations(page: Any) -> list[str]:
    return list(page.evaluate("window.__csp || []"))


def visit(page: Any, url: str, found: dict[str, list[str]], *, ready: str | None = None, shot: str = "") -> Any:
    problems_before = len(page.problems.items)
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    if ready:
        page.wait_for_function(ready, timeout=20000)
    policy = response.headers.get("content-security-policy", "")
    trouble = violations(page) + page.problems.items[problems_before:]
    if "script-src 'self'" not in policy:
        trouble.append(f"no strict Content-Security-Policy header: {policy!r}")
    if trouble:
        found[url] = trouble
    if shot:
        page.screenshot(path=str(ARTIFACTS / f"csp-{shot}.png"), full_page=True)
    return response


@pytest.fixture
def survey_url(live_server):  # type: ignore[no-untyped-def]
    survey_ensure_default()
    agent = staff_user("agent9", Role.AGENT)
    ticket = make_ticket(customer=CustomerFactory(), subject="申请开发票")
    ticket_assign(ticket=ticket, assignee=agent, actor=agent)
    ticket_reply(ticket=ticket, author=agent, body="您好，发票已开具。")
    ticket_transition(ticket=ticket, to_status="resolved", actor=agent)
    invitation = SurveyInvitation.objects.get(ticket=ticket)
    return f"{live_server.url}/survey/{links.survey_token(invitation)}/"


def test_the_main_pages_load_under_the_csp_with_no_violation(live_server, monkeypatch, survey_url):
    patch_samples(monkeypatch)  # the dashboard's sections draw charts from sample rows
    manager = staff_user("manager1", Role.MANAGER)
    team = TeamFactory(name="投诉 Complaints")
    team.managers.add(manager)
    complaint = make_ticket(kind="complaint", category="logistics", subject="快递把包裹扔在门口", team=team)
    base = live_server.url
    found: dict[str, list[str]] = {}

    with open_page(locale="en-US") as page:
        page.context.add_init_script(RECORD_VIOLATIONS)
        visit(page, f"{base}/login/", found, shot="login")
        log_in(page, base, "manager1")
        visit(page, f"{base}/", found, shot="inbox")
        visit(page, f"{base}/tickets/{complaint.pk}/", found, shot="ticket")
        visit(page, f"{base}/tickets/new/", found, shot="new-ticket")
        visit(
            page,
            f"{base}/reports/",
            found,
            ready="() => document.querySelectorAll('.report-section.is-loading').length === 0 && window.Chart !== undefined",
            shot="reports",
        )
        visit(page, f"{base}/notifications/", found)
        visit(page, f"{base}/complaints/", found)
        visit(page, f"{base}/track/{tracking_token(complaint)}/", found, shot="tracking")
        visit(page, survey_url, found, shot="survey")
    assert found == {}


def test_what_the_inline_handlers_did_still_works(live_server):
    """The language switch and the severity filter submit on change; the tracking link selects on a click."""
    staff_user("manager1", Role.MANAGER)
    ticket = make_ticket(kind="complaint", category="logistics", subject="快递把包裹扔在门口")
    with open_page(locale="en-US") as page:
        page.context.add_init_script(RECORD_VIOLATIONS)
        log_in(page, live_server.url, "manager1")

        page.goto(f"{live_server.url}/complaints/")
        page.select_option("select[name=severity]", "critical")
        page.wait_for_url("**/complaints/?view=*severity=critical*")

        page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
        page.click("[data-testid=tracking-url]")
        field = "[data-testid=tracking-url]"
        selected = page.eval_on_selector(field, "(el) => el.value.substring(el.selectionStart, el.selectionEnd)")
        assert "/track/" in selected and selected == page.input_value(field)

        with page.expect_navigation():
            page.select_option(".lang-switch select[name=language]", "zh-hans")
        assert page.locator("html").get_attribute("lang") == "zh-hans"
        assert "工作台" in page.inner_text(".mainnav")
        assert violations(page) == [] and page.problems.unexpected() == []


def test_the_api_docs_load_swagger_ui_under_their_own_policy(live_server):
    """Swagger UI needs inline styles and data: icons; its start-up script is a file of its own, so scripts stay
    'self' only there too."""
    with open_page(locale="en-US") as page:
        page.context.add_init_script(RECORD_VIOLATIONS)
        response = page.goto(f"{live_server.url}/api/v1/docs/")
        page.wait_for_selector(".swagger-ui .info .title", timeout=20000)
        policy = response.headers["content-security-policy"]
        assert "script-src 'self';" in policy or policy.endswith("script-src 'self'")
        assert "'unsafe-eval'" not in policy
        page.screenshot(path=str(ARTIFACTS / "csp-api-docs.png"))
        assert violations(page) == [] and page.problems.unexpected() == []
