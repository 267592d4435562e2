"""Two submissions of one survey at the same moment (a double tap, two devices): one response, one refusal."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client

from surveys import services
from surveys.models import SurveyAnswer, SurveyInvitation, SurveyResponse

GOOD = {"score_professional": "5", "score_attitude": "4", "score_speed": "5"}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_submissions_record_one_response_and_refuse_the_others(resolve):
    invitation = SurveyInvitation.objects.get(ticket=resolve())
    path = f"/survey/{services.survey_token(invitation)}/"
    barrier = threading.Barrier(5)
    codes: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            client = Client()
            barrier.wait()
            codes.append(client.post(path, GOOD).status_code)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert sorted(codes) == [302, 409, 409, 409, 409]
    assert SurveyResponse.objects.count() == 1 and SurveyAnswer.objects.count() == 3
