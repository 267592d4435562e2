"""The ticket page and a ticket restricted to its team: the manager's control is a labelled field like Status or
Team (its checkbox and its Save button on one line), and whoever can see a restricted ticket reads so beside its
title, in their language."""

import re

import pytest
from django.test import Client

from tests.factories import make_ticket
from tickets.services.assignment import ticket_set_restricted

pytestmark = pytest.mark.django_db

BADGE = 'data-testid="restricted-badge"'


def _page(user, ticket, language: str = "en") -> str:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    response = client.get(f"/tickets/{ticket.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_managers_control_is_a_labelled_field_with_its_button_on_its_line(manager, team):
    ticket = make_ticket(team=team)
    page = _page(manager, ticket)
    form = re.search(r'<form[^>]*data-testid="restricted-form">(.*?)</form>', page, re.S)
    assert form is not None
    body = form.group(1)
    assert '<label for="id_restricted">Visibility</label>' in body
    row = re.search(r'<div class="row">(.*?)</div>', body, re.S)
    assert row is not None
    assert 'id="id_restricted" name="restricted"' in row.group(1) and "Only its team sees it" in row.group(1)
    assert '<button type="submit">Save</button>' in row.group(1)
    assert "可见范围" in _page(manager, ticket, "zh-hans")


@pytest.mark.parametrize(("language", "words"), [("en", "Restricted: team only"), ("zh-hans", "仅本团队可见")])
def test_everyone_who_sees_a_restricted_ticket_reads_so_beside_its_title(manager, agent, team, language, words):
    ticket = make_ticket(team=team)
    assert BADGE not in _page(manager, ticket, language)
    ticket_set_restricted(ticket=ticket, restricted=True, actor=manager)
    for user in (manager, agent):  # the team's manager, and an agent of the team
        page = _page(user, ticket, language)
        head = page.split('<div class="ticket-layout">', 1)[0]
        assert BADGE in head, user
        assert words in re.search(rf"<span [^>]*{BADGE}[^>]*>(.*?)</span>", head).group(1)
