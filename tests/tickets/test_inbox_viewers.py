"""The inbox says who else has each ticket open (collision detection), in one query for the whole page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.browser import staff_user
from tests.factories import make_ticket
from tickets.selectors_collision import inbox_viewers
from tickets.services.viewers import ticket_viewer_touch

pytestmark = pytest.mark.django_db


def _inbox_queries(client) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/?view=open", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_inbox_row_names_who_else_is_viewing_the_ticket(agent, other_agent):
    watched, quiet = make_ticket(subject="有人在看"), make_ticket(subject="没人看")
    ticket_viewer_touch(ticket=watched, user=other_agent)
    ticket_viewer_touch(ticket=quiet, user=agent)  # oneself is not "someone else"
    client = Client()
    client.force_login(agent)
    _count, html = _inbox_queries(client)
    assert html.count('data-testid="inbox-viewers"') == 1
    assert f"Viewing: {other_agent}" in html
    assert inbox_viewers(ticket_ids=[watched.pk, quiet.pk], reader_id=agent.pk) == {watched.pk: [str(other_agent)]}


def test_the_inbox_reads_the_viewers_of_a_page_in_one_query_however_many_rows(agent):
    client = Client()
    client.force_login(agent)
    colleagues = [staff_user(f"colleague{n}", "Agent") for n in range(3)]
    first = make_ticket(subject="一")
    ticket_viewer_touch(ticket=first, user=colleagues[0])
    few, html = _inbox_queries(client)
    assert html.count('data-testid="inbox-viewers"') == 1
    for n in range(4):
        ticket = make_ticket(subject=f"票{n}")
        for colleague in colleagues:
            ticket_viewer_touch(ticket=ticket, user=colleague)
    many, html = _inbox_queries(client)
    assert html.count('data-testid="inbox-viewers"') == 5
    assert many == few


def test_inbox_viewers_is_one_query(agent, other_agent, django_assert_num_queries):
    tickets = [make_ticket() for _ in range(3)]
    for ticket in tickets:
        ticket_viewer_touch(ticket=ticket, user=other_agent)
    with django_assert_num_queries(1):
        found = inbox_viewers(ticket_ids=[t.pk for t in tickets], reader_id=agent.pk)
    assert found == {t.pk: [str(other_agent)] for t in tickets}
