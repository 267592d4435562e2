"""In Debian's chromium: a manager opens the reports dashboard; every section loads by htmx and draws its
chart (Chart.js from node_modules via staticfiles) without a console error. Leaves a screenshot in
test-artifacts/reports-dashboard.png."""

import pytest

from accounts.roles import Role
from tests.browser import ARTIFACTS, log_in, open_page, staff_user

from .fakes import patch_samples

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHARTS = {  # section -> canvases that must hold a Chart.js chart
    "time_bands": 1,
    "sla": 2,
    "complaints": 1,
    "csat_month": 1,
    "csat_quarter": 1,
    "aftersales_reasons": 1,
    "aftersales_products": 1,
}


def test_manager_sees_every_section_drawn_without_console_errors(live_server, monkeypatch):
    patch_samples(monkeypatch)  # the live server runs in this process: sample rows whatever the metrics return
    staff_user("manager1", Role.MANAGER)

    with open_page(locale="zh-CN", viewport={"width": 1440, "height": 900}) as page:
        log_in(page, live_server.url, "manager1")
        page.click("a[href='/reports/']")
        page.wait_for_url(f"{live_server.url}/reports/")
        page.wait_for_function(
            "() => document.querySelectorAll('.report-section.is-loading').length === 0", timeout=20000
        )
        page.wait_for_function("() => window.Chart !== undefined")

        for name, count in CHARTS.items():
            drawn = page.evaluate(
                "(name) => Array.from(document.querySelectorAll(`#section-${name} canvas`))"
                ".filter((canvas) => window.Chart.getChart(canvas) !== undefined).length",
                name,
            )
            assert drawn == count, name
        assert page.locator("[data-testid=heatmap] tbody td").count() == 7 * 24
        assert page.locator("#section-agents table.sortable").count() == 1
        assert page.locator(".report-section.is-error").count() == 0

        # The agents' table sorts by a column when its header is clicked (numbers as numbers).
        page.click("#section-agents th[data-key=handled]")
        handled = page.evaluate(
            "() => { const th = document.querySelector('#section-agents th[data-key=handled]');"
            " return Array.from(document.querySelectorAll('#section-agents tbody tr'))"
            ".map((tr) => tr.cells[th.cellIndex].textContent); }"
        )
        assert handled == ["120", "84", "35"]
        page.click("#section-agents th[data-key=handled]")
        assert page.inner_text("#section-agents tbody tr:first-child").startswith("张伟")

        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(ARTIFACTS / "reports-dashboard.png"), full_page=True)

        # Choosing a preset period clears the custom dates, which would override it.
        page.fill("#filter_start", "2026-11-01")
        page.select_option("#filter_period", "last_7_days")
        assert page.input_value("#filter_start") == ""

        # A manager records an improvement action under the monthly satisfaction table and comes back to it.
        page.fill("#csat_month_text", "夜班增加一名客服")
        page.click("#section-csat_month [data-testid=action-form] button[type=submit]")
        page.wait_for_url("**/reports/?*#section-csat_month")
        page.wait_for_function(
            "() => document.querySelectorAll('.report-section.is-loading').length === 0", timeout=20000
        )
        assert "夜班增加一名客服" in page.inner_text("#section-csat_month [data-testid=improvement-actions]")

        assert page.problems.unexpected() == []
