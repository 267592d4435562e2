"""In Debian's chromium, on phones 375 and 390 px wide: the words under the 1-5 scores stay whole words
(非常不满意 used to wrap as 非常不满 / 意). Leaves screenshots in test-artifacts/."""

from __future__ import annotations

import pytest

from surveys import links
from surveys.models import SurveyInvitation
from tests.browser import ARTIFACTS, open_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# For each word under a score: its text, how many lines it takes, the lines' texts.
WORDS = """() => Array.from(document.querySelectorAll('[data-question] .sv-word')).map((el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    const rects = Array.from(range.getClientRects());
    const lines = new Set(rects.map((r) => Math.round(r.top))).size;
    return {text: el.textContent, lines: lines, fits: el.scrollWidth <= el.clientWidth};
})"""


@pytest.mark.parametrize("width", [375, 390])
def test_the_words_under_the_scores_are_never_cut_inside_a_word(live_server, resolve, width):
    invitation = SurveyInvitation.objects.get(ticket=resolve())
    url = f"{live_server.url}/survey/{links.survey_token(invitation)}/"
    with open_page(viewport={"width": width, "height": 844}, phone=True) as page:
        for lang in ("zh", "en"):
            page.goto(f"{url}?lang={lang}")
            words = page.evaluate(WORDS)
            assert len(words) == 15  # three questions, five scores each
            for word in words:
                assert word["fits"], word
                # Chinese labels on one line; English ones break only between words.
                assert word["lines"] <= (1 if lang == "zh" else len(word["text"].split())), word
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            page.screenshot(path=str(ARTIFACTS / f"survey-scale-{lang}-{width}.png"))
