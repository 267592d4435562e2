"""In Debian's chromium on a phone-sized screen: the buyer opens the link, taps the scores, sends, is thanked.
Leaves screenshots in test-artifacts/."""

import pytest

from surveys import links
from surveys.models import SurveyInvitation, SurveyResponse
from tests.browser import ARTIFACTS, open_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_buyer_answers_the_survey_on_a_phone(live_server, resolve):
    invitation = SurveyInvitation.objects.get(ticket=resolve())
    url = f"{live_server.url}/survey/{links.survey_token(invitation)}/"
    with open_page(locale="zh-CN", phone=True) as page:
        page.goto(url)
        assert "专业水平" in page.inner_text("[data-testid=survey-form]")
        # Nothing is wider than the phone: no sideways scrolling.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
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
        assert page.problems.unexpected("status of 400") == []
    response = SurveyResponse.objects.get()
    assert response.comment == "客服很耐心，谢谢！" and response.solved is True and response.lowest_score == 4
