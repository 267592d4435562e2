"""Two submissions of one survey at the same moment (a double tap, two devices): one response, one refusal."""

from __future__ import annotations

import pytest
from django.test import Client

from surveys import links
from surveys.models import SurveyAnswer, SurveyInvitation, SurveyResponse
from tests.concurrency import race

GOOD = {"score_professional": "5", "score_attitude": "4", "score_speed": "5"}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_submissions_record_one_response_and_refuse_the_others(resolve):
    invitation = SurveyInvitation.objects.get(ticket=resolve())
    path = f"/survey/{links.survey_token(invitation)}/"
    codes = race(*[lambda: Client().post(path, GOOD).status_code] * 5)
    assert sorted(codes) == [302, 409, 409, 409, 409]
    assert SurveyResponse.objects.count() == 1 and SurveyAnswer.objects.count() == 3
