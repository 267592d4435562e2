"""The managers' survey pages (/survey/responses/, /survey/follow-ups/) name each score by its question, in the
reader's language (专业水平 / Professional level), never by its code (professional)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from surveys import links
from surveys.models import SurveyInvitation

pytestmark = pytest.mark.django_db

LABELS = {
    "zh-hans": ["专业水平 5", "服务态度 1", "响应速度 4"],
    "en": ["Professional level 5", "Service attitude 1", "Response speed 4"],
}
CODES = ("professional", "attitude", "speed")


@pytest.fixture
def low_score(resolve, client):  # type: ignore[no-untyped-def]
    """A response with a 1 for attitude: it is listed and has an open follow-up."""
    invitation = SurveyInvitation.objects.get(ticket=resolve())
    path = reverse("surveys:answer", args=[links.survey_token(invitation)])
    scores = {"score_professional": "5", "score_attitude": "1", "score_speed": "4", "solved": "no"}
    assert client.post(path, scores).status_code == 302
    return invitation


def _scores(html: str, table: str) -> list[str]:
    body = html.split(f'data-testid="{table}"', 1)[1].split("</table>", 1)[0]
    return [re.sub(r"\s+", " ", s).strip() for s in re.findall(r'<span class="score[^"]*"[^>]*>(.*?)</span>', body)]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(
    ("url_name", "table"), [("responses", "survey-responses"), ("follow_ups", "survey-follow-ups")]
)
def test_scores_are_named_by_their_question_in_the_readers_language(low_score, manager, language, url_name, table):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(manager)
    html = client.get(reverse(f"surveys:{url_name}")).content.decode()
    scores = _scores(html, table)
    assert scores == LABELS[language]  # in the survey's order
    assert not [score for score in scores if score.split(" ")[0] in CODES]


def test_the_responses_page_query_count_does_not_grow_with_rows(
    resolve, client, manager, django_assert_max_num_queries
):
    for _ in range(6):
        invitation = SurveyInvitation.objects.get(ticket=resolve())
        path = reverse("surveys:answer", args=[links.survey_token(invitation)])
        client.post(path, {"score_professional": "2", "score_attitude": "1", "score_speed": "4"})
    client.force_login(manager)
    with django_assert_max_num_queries(12):
        assert len(_scores(client.get(reverse("surveys:responses")).content.decode(), "survey-responses")) == 18
    with django_assert_max_num_queries(12):
        assert len(_scores(client.get(reverse("surveys:follow_ups")).content.decode(), "survey-follow-ups")) == 18
