"""The handover book and its acknowledgements: unread first, filters, ticket search, who may acknowledge,
and a ticket the reader may not see shown as its reference only."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from accounts.roles import Role
from core.errors import Forbidden
from tests.browser import staff_user
from tests.factories import TeamFactory, make_ticket
from workforce.models import HandoverAck
from workforce.selectors_handover import BookFilters, handover_list, handover_unread_count
from workforce.services.handover import handover_acknowledge, handover_create

from .conftest import END_OF_EARLY

pytestmark = pytest.mark.django_db


def _write(author, team, at, **kwargs):  # type: ignore[no-untyped-def]
    with time_machine.travel(at, tick=False):
        return handover_create(author=author, team=team, **kwargs)


def test_acknowledge_is_idempotent_and_not_for_the_author_or_outsiders(team, agent, other_agent, shifts):  # type: ignore[no-untyped-def]
    handover = _write(agent, team, END_OF_EARLY, notes="交接")
    ack, created = handover_acknowledge(handover=handover, user=other_agent)
    again, created_again = handover_acknowledge(handover=handover, user=other_agent)
    assert created and not created_again and ack.pk == again.pk
    assert HandoverAck.objects.count() == 1
    with pytest.raises(Forbidden):
        handover_acknowledge(handover=handover, user=agent)
    with pytest.raises(Forbidden):
        handover_acknowledge(handover=handover, user=staff_user("stranger", Role.AGENT))


def test_unread_come_first_then_newest(team, agent, other_agent, shifts):  # type: ignore[no-untyped-def]
    old_unread = _write(agent, team, END_OF_EARLY - timedelta(days=1), notes="一")
    read = _write(agent, team, END_OF_EARLY - timedelta(hours=1), notes="二")
    mine = _write(other_agent, team, END_OF_EARLY, notes="三")
    with time_machine.travel(END_OF_EARLY + timedelta(minutes=5), tick=False):
        handover_acknowledge(handover=read, user=other_agent)
        ordered = list(handover_list(user=other_agent, filters=BookFilters(team=team)))
        assert ordered == [old_unread, mine, read]
        assert [h.unread for h in ordered] == [True, False, False]
        assert handover_unread_count(user=other_agent) == 1
        assert handover_unread_count(user=agent) == 1  # the other's handover


def test_filters_by_date_author_and_ticket(team, agent, other_agent, shifts):  # type: ignore[no-untyped-def]
    ticket = make_ticket(team=team, assignee=agent)
    with_ticket = _write(agent, team, END_OF_EARLY, items=[{"ticket": ticket, "action": "keep", "note": "跟进"}])
    earlier = _write(other_agent, team, END_OF_EARLY - timedelta(days=2), notes="前天")
    with time_machine.travel(END_OF_EARLY, tick=False):
        by_ticket = handover_list(user=agent, filters=BookFilters(team=team, ticket=ticket.reference))
        assert list(by_ticket) == [with_ticket]
        assert list(handover_list(user=agent, filters=BookFilters(team=team, ticket=str(ticket.pk)))) == [with_ticket]
        assert list(handover_list(user=agent, filters=BookFilters(team=team, ticket="nonsense"))) == []
        assert list(handover_list(user=agent, filters=BookFilters(team=team, author_id=other_agent.pk))) == [earlier]
        day = END_OF_EARLY.date()
        assert list(handover_list(user=agent, filters=BookFilters(team=team, date_from=day))) == [with_ticket]
        assert list(handover_list(user=agent, filters=BookFilters(team=team, date_to=day - timedelta(days=1)))) == [
            earlier
        ]


def test_other_teams_books_are_not_read(team, agent, shifts):  # type: ignore[no-untyped-def]
    _write(agent, team, END_OF_EARLY, notes="内部")
    other_team = TeamFactory(name="售前")
    outsider = staff_user("pre_agent", Role.AGENT)
    other_team.members.add(outsider)
    assert list(handover_list(user=outsider)) == []
    assert handover_unread_count(user=outsider) == 0


def test_a_ticket_the_reader_may_not_see_is_its_reference_only(team, agent, other_agent, shifts, client):  # type: ignore[no-untyped-def]
    restricted_reader = staff_user("assigned_only", Role.AGENT, ticket_scope="assigned")
    team.members.add(restricted_reader)
    ticket = make_ticket(team=team, assignee=agent, subject="机密-退款纠纷")
    handover = _write(agent, team, END_OF_EARLY, items=[{"ticket": ticket, "action": "keep", "note": "看备注"}])
    (item,) = handover_list(user=restricted_reader).get(pk=handover.pk).items.all()
    assert item.ticket_visible is False
    client.force_login(restricted_reader)
    for url in ("/work/handover/", f"/work/handover/{handover.pk}/"):
        body = client.get(url).content.decode()
        assert ticket.reference in body
        assert "机密-退款纠纷" not in body
        assert "看备注" not in body  # nor the item's note
    # and a search by its reference finds nothing for this reader
    assert list(handover_list(user=restricted_reader, filters=BookFilters(ticket=ticket.reference))) == []
    client.force_login(other_agent)
    assert "机密-退款纠纷" in client.get(f"/work/handover/{handover.pk}/").content.decode()
