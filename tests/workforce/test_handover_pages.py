"""The handover pages: write (every open ticket listed, the three choices carried out, a refusal shown and
nothing written), the book with its Acknowledge button, the overview, the ticket page's card, shift pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from accounts.roles import Role
from tests.browser import staff_user
from tests.factories import make_ticket
from tickets.models import TicketEvent
from workforce.models import Handover, HandoverAck, Shift
from workforce.services.handover import handover_create

from .conftest import END_OF_EARLY

pytestmark = pytest.mark.django_db


def test_the_write_page_lists_every_open_ticket_and_the_next_shift(
    client, team, agent, other_agent, shifts, end_of_early
):  # type: ignore[no-untyped-def]
    first, second = (
        make_ticket(team=team, assignee=agent, subject="催发货"),
        make_ticket(assignee=agent, subject="开发票"),
    )
    client.force_login(agent)
    body = client.get("/work/handover/new/").content.decode()
    assert first.reference in body and second.reference in body
    assert "晚班 16:00–24:00" in body
    assert f'<option value="{other_agent.pk}"' in body
    assert "询单未下单的买家" in body


def test_posting_the_write_page_carries_out_the_choices(client, team, agent, other_agent, shifts, end_of_early):  # type: ignore[no-untyped-def]
    to_agent, to_queue, keep = (make_ticket(team=team, assignee=agent) for _ in range(3))
    client.force_login(agent)
    response = client.post(
        "/work/handover/new/",
        {
            "team": team.pk,
            "notes": "王女士询单未下单",
            f"action_{to_agent.pk}": "to_agent",
            f"to_agent_{to_agent.pk}": other_agent.pk,
            f"note_{to_agent.pk}": "等单号",
            f"action_{to_queue.pk}": "to_queue",
            f"to_agent_{to_queue.pk}": other_agent.pk,  # ignored: not handed to an agent
            f"action_{keep.pk}": "keep",
        },
    )
    handover = Handover.objects.get()
    assert response.status_code == 302 and response.url == f"/work/handover/{handover.pk}/"
    assert {item.ticket_id: item.action for item in handover.items.all()} == {
        to_agent.pk: "to_agent",
        to_queue.pk: "to_queue",
        keep.pk: "keep",
    }
    to_agent.refresh_from_db()
    assert to_agent.assignee == other_agent
    assert TicketEvent.objects.filter(ticket=to_agent, type="assigned", data__via="handover").exists()


def test_a_refused_handover_shows_why_and_writes_nothing(client, team, agent, shifts, end_of_early):  # type: ignore[no-untyped-def]
    third = staff_user("agent3", Role.AGENT)
    team.members.add(third)
    ticket = make_ticket(team=team, assignee=agent)
    client.force_login(agent)
    response = client.post(
        "/work/handover/new/",
        {
            "team": team.pk,
            f"action_{ticket.pk}": "to_agent",
            f"to_agent_{ticket.pk}": third.pk,
            f"note_{ticket.pk}": "留",
        },
    )
    assert response.status_code == 400
    assert "agent3 不在下一班（晚班 16:00–24:00）" in response.content.decode()
    assert "留" in response.content.decode()  # the note typed is kept
    assert not Handover.objects.exists()


def test_the_book_puts_unread_on_top_with_an_acknowledge_button(client, team, agent, other_agent, shifts):  # type: ignore[no-untyped-def]
    with time_machine.travel(END_OF_EARLY - timedelta(days=1), tick=False):
        older = handover_create(author=agent, team=team, notes="昨天的交接")
    with time_machine.travel(END_OF_EARLY - timedelta(hours=1), tick=False):
        newer = handover_create(author=agent, team=team, notes="今天的交接")
    HandoverAck.objects.create(handover=newer, user=other_agent)
    client.force_login(other_agent)
    with time_machine.travel(END_OF_EARLY, tick=False):
        body = client.get(f"/work/handover/?team={team.pk}").content.decode()
        assert body.index("昨天的交接") < body.index("今天的交接")
        assert body.count('data-testid="acknowledge"') == 1
        response = client.post(f"/work/handover/{older.pk}/acknowledge/", {"next": "book"})
        assert response.status_code == 302
        assert HandoverAck.objects.filter(handover=older, user=other_agent).exists()
        assert 'data-testid="acknowledge"' not in client.get("/work/handover/").content.decode()


def test_the_book_filters_by_ticket_reference(client, team, agent, other_agent, shifts, end_of_early):  # type: ignore[no-untyped-def]
    ticket = make_ticket(team=team, assignee=agent)
    handover_create(author=agent, team=team, notes="有工单", items=[{"ticket": ticket, "action": "keep"}])
    handover_create(author=agent, team=team, notes="没有工单")
    client.force_login(other_agent)
    body = client.get(f"/work/handover/?team={team.pk}&ticket={ticket.reference}").content.decode()
    assert "有工单" in body and "没有工单" not in body


def test_the_overview_shows_who_handed_over_and_who_acknowledged(
    client, team, agent, other_agent, manager, shifts, end_of_early
):  # type: ignore[no-untyped-def]
    handover = handover_create(author=agent, team=team, notes="交接")
    HandoverAck.objects.create(handover=handover, user=other_agent)
    client.force_login(manager)
    response = client.get(f"/work/handover/overview/?team={team.pk}")
    body = response.content.decode()
    assert response.status_code == 200
    assert "早班 08:00–16:00" in body and "晚班 16:00–24:00" in body
    row = body[body.index("早班 08:00–16:00") :].split("</tr>")[0]
    assert str(agent) in row and str(other_agent) in row  # handed over, acknowledged
    late_row = body[body.index("晚班 16:00–24:00") :].split("</tr>")[0]
    assert "tag-amber" in late_row  # the evening shift's agent has not handed over
    client.force_login(agent)
    assert client.get("/work/handover/overview/").status_code == 403


def test_the_ticket_page_shows_the_latest_handover_note(client, team, agent, other_agent, shifts, end_of_early):  # type: ignore[no-untyped-def]
    ticket = make_ticket(team=team, assignee=agent)
    handover_create(
        author=agent,
        team=team,
        items=[{"ticket": ticket, "action": "to_agent", "to_agent": other_agent, "note": "买家下午六点后方便接电话"}],
    )
    client.force_login(other_agent)
    body = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert 'data-testid="handover-panel"' in body
    assert "买家下午六点后方便接电话" in body and f"{agent} → {other_agent}" in body
    untouched = make_ticket(team=team, assignee=agent)
    assert 'data-testid="handover-panel"' not in client.get(f"/tickets/{untouched.pk}/").content.decode()


def test_shift_pages_for_the_teams_managers(client, team, agent, manager):  # type: ignore[no-untyped-def]
    client.force_login(manager)
    page = client.get(f"/work/teams/{team.pk}/shifts/")
    assert page.status_code == 200 and "Asia/Shanghai" in page.content.decode()
    created = client.post(
        f"/work/teams/{team.pk}/shifts/",
        {"name": "晚班", "start_time": "16:00", "end_time": "00:00", "members": [agent.pk]},
    )
    assert created.status_code == 302
    shift = Shift.objects.get()
    refused = client.post(
        f"/work/teams/{team.pk}/shifts/", {"name": "夜班", "start_time": "22:00", "end_time": "06:00"}
    )
    assert refused.status_code == 400 and "晚班 16:00–24:00" in refused.content.decode()
    edited = client.post(f"/work/shifts/{shift.pk}/edit/", {"name": "中班", "start_time": "12:00", "end_time": "20:00"})
    assert edited.status_code == 302
    shift.refresh_from_db()
    assert shift.name == "中班" and not shift.members.exists()
    assert client.post(f"/work/shifts/{shift.pk}/delete/").status_code == 302
    assert not Shift.objects.exists()
    client.force_login(agent)
    assert client.get(f"/work/teams/{team.pk}/shifts/").status_code == 403
    client.force_login(staff_user("other_manager", Role.MANAGER))
    assert client.get(f"/work/teams/{team.pk}/shifts/").status_code == 404
