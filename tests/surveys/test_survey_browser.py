"""In Debian's chromium on a phone-sized screen: the buyer opens the link, taps the scores, sends, is thanked.
Leaves screenshots in test-artifacts/."""

import os
from pathlib import Path

import pytest

from surveys import services
from surveys.models import SurveyInvitation, SurveyResponse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_a_buyer_answers_the_survey_on_a_phone(live_server, resolve):
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    invitation = SurveyInvitation.objects.get(ticket=resolve())
    url = f"{live_server.url}/survey/{services.survey_token(invitation)}/"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(
            locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
        )
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.goto(url)
        assert "专业水平" in page.inner_text("[data-testid=survey-form]")
        # Nothing is wider than the phone: no sideways scrolling.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "survey-phone.png"), full_page=True)
        page.click("[data-question=professional] .sv-option:nth-child(5)")
        page.click("[data-question=attitude] .sv-option:nth-child(4)")
        # Speed left out: the page says which question is missing and keeps the other answers.
        page.click("button.sv-submit")
        page.wait_for_load_state()
        assert "sv-invalid" in (page.get_attribute("[data-question=speed]", "class") or "")
        assert page.is_checked("[data-question=professional] input[value='5']")
        page.click("[data-question=speed] .sv-option:nth-child(5)")
        page.click("input[name=solved][value=yes]")
        page.fill("textarea[name=comment]", "客服很耐心，谢谢！")
        page.click("button.sv-submit")
        page.wait_for_selector("[data-testid=survey-message]")
        page.screenshot(path=str(ARTIFACTS / "survey-phone-thanks.png"), full_page=True)
        # The 400 answer to the incomplete form is logged by Chromium as a failed load; nothing else may be.
        assert [e for e in errors if "status of 400" not in e] == []
        context.close()
        browser.close()
    response = SurveyResponse.objects.get()
    assert response.comment == "客服很耐心，谢谢！" and response.solved is True and response.lowest_score == 4
