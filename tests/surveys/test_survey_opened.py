"""The buyer's survey page: a GET writes nothing (link previews and mail scanners fetch it too); the page
reports that it was opened with a POST of its own (``surveys.views.opened_view``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from surveys import links
from surveys.models import SurveyInvitation

from .test_surveys import GOOD

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def _answer_path(invitation: SurveyInvitation) -> str:
    return reverse("surveys:answer", args=[links.survey_token(invitation)])


def _opened_path(invitation: SurveyInvitation) -> str:
    return reverse("surveys:opened", args=[links.survey_token(invitation)])


def _writes(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)]


@pytest.mark.django_db
def test_showing_the_survey_page_writes_nothing(resolve, client):
    invitation = SurveyInvitation.objects.get(ticket=resolve())
    with CaptureQueriesContext(connection) as queries:
        for query in ("", "?lang=en", "?lang=zh"):
            assert client.get(_answer_path(invitation) + query).status_code == 200
    assert _writes(queries) == []
    invitation.refresh_from_db()
    assert invitation.opened_at is None


@pytest.mark.django_db
def test_the_page_posts_that_it_was_opened_and_the_first_time_is_kept(resolve, client):
    invitation = SurveyInvitation.objects.get(ticket=resolve())
    path = _answer_path(invitation)
    page = client.get(path).content.decode()
    opened = path + "opened/"
    # The page's script (a file: the CSP allows no inline script) posts to the address its tag carries.
    assert f'data-opened-url="{opened}"' in page and "js/survey_opened.js" in page
    assert "sendBeacon" in (Path(settings.BASE_DIR) / "static/js/survey_opened.js").read_text()

    assert client.post(opened).status_code == 204
    invitation.refresh_from_db()
    first = invitation.opened_at
    assert first is not None
    assert client.post(opened).status_code == 204
    invitation.refresh_from_db()
    assert invitation.opened_at == first
    # Once it is known, the page no longer asks.
    assert "survey_opened.js" not in client.get(_answer_path(invitation)).content.decode()


@pytest.mark.django_db
def test_opened_is_a_post_only_and_refuses_a_tampered_link(resolve, client):
    invitation = SurveyInvitation.objects.get(ticket=resolve())
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_opened_path(invitation)).status_code == 405
    assert _writes(queries) == []
    assert client.post(_opened_path(invitation)[:-10] + "x/opened/").status_code == 404
    invitation.refresh_from_db()
    assert invitation.opened_at is None


@pytest.mark.django_db
def test_answering_without_script_still_records_that_the_link_was_opened(resolve, client):
    invitation = SurveyInvitation.objects.get(ticket=resolve())
    assert client.post(_answer_path(invitation), GOOD).status_code == 302
    invitation.refresh_from_db()
    assert invitation.opened_at is not None and invitation.completed_at is not None
    # The thank-you page, shown by a GET afterwards, writes nothing either.
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_answer_path(invitation)).status_code == 200
    assert _writes(queries) == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_in_a_browser_opening_the_page_records_it(live_server, resolve):
    from tests.browser import open_page

    invitation = SurveyInvitation.objects.get(ticket=resolve())
    with open_page(phone=True) as page:
        with page.expect_response(lambda response: response.url.endswith("/opened/")) as beacon:
            page.goto(live_server.url + _answer_path(invitation))
        assert beacon.value.status == 204
        assert page.problems.unexpected() == []
    invitation.refresh_from_db()
    assert invitation.opened_at is not None
