"""The stale-reply guard (collision detection): a reply or status change sent with the newest event id its page
showed is refused if, since then, the buyer wrote, a colleague replied or someone else changed the status;
internal notes and one's own steps never block, and a sender without the id is never blocked."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from tests.factories import make_ticket
from tickets.enums import TicketStatus
from tickets.models import Message, TicketEvent
from tickets.selectors_collision import ticket_latest_event_id
from tickets.services.messages import ticket_add_customer_message, ticket_add_note, ticket_reply
from tickets.services.stale import StaleTicket
from tickets.services.transitions import ticket_transition

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(agent):  # type: ignore[no-untyped-def]
    ticket = make_ticket(assignee=agent)
    ticket_reply(ticket=ticket, author=agent, body="您好，我们正在查询。")
    return ticket


def _seen(ticket) -> int:  # type: ignore[no-untyped-def]
    return ticket_latest_event_id(ticket_id=ticket.pk)


def test_a_buyer_message_after_the_seen_event_blocks_the_reply_and_nothing_is_sent(ticket, agent):
    seen = _seen(ticket)
    ticket_add_customer_message(ticket=ticket, body="我已经收到货了，不用查了")
    messages_before = Message.objects.count()
    with pytest.raises(StaleTicket) as refused:
        ticket_reply(ticket=ticket, author=agent, body="包裹明天到", seen_event_id=seen)
    assert Message.objects.count() == messages_before
    assert refused.value.status_code == 409 and refused.value.code == "stale_ticket"
    (change,) = refused.value.changes
    assert change["type"] == "customer_replied"
    assert change["excerpt"] == "我已经收到货了，不用查了"
    assert change["actor"] == ticket.customer.name
    assert refused.value.last_event_id == _seen(ticket)


def test_a_buyer_message_the_sender_recorded_themselves_is_not_stale_but_one_a_colleague_recorded_is(
    ticket, agent, other_agent
):
    seen = _seen(ticket)
    ticket_add_customer_message(ticket=ticket, body="电话里说：换成红色", actor=agent)
    ticket_reply(ticket=ticket, author=agent, body="好的，给您换红色", seen_event_id=seen)
    seen = _seen(ticket)
    ticket_add_customer_message(ticket=ticket, body="电话里又说：还是蓝色吧", actor=other_agent)
    with pytest.raises(StaleTicket):
        ticket_reply(ticket=ticket, author=agent, body="好的，红色", seen_event_id=seen)


def test_one_s_own_earlier_reply_is_not_stale(ticket, agent):
    seen = _seen(ticket)
    ticket_reply(ticket=ticket, author=agent, body="补充一下：")
    ticket_reply(ticket=ticket, author=agent, body="快递单号 SF123", seen_event_id=seen)
    assert ticket.messages.filter(body="快递单号 SF123").exists()


def test_a_colleague_s_internal_note_is_not_stale(ticket, agent, other_agent):
    seen = _seen(ticket)
    ticket_add_note(ticket=ticket, author=other_agent, body="这个买家上周也问过")
    ticket_reply(ticket=ticket, author=agent, body="已为您催促仓库", seen_event_id=seen)
    assert ticket.messages.filter(body="已为您催促仓库").exists()


def test_a_colleague_s_reply_is_stale_and_sending_anyway_with_the_new_id_is_accepted(ticket, agent, other_agent):
    seen = _seen(ticket)
    ticket_reply(ticket=ticket, author=other_agent, body="亲，已经帮您加急了")
    with pytest.raises(StaleTicket) as refused, translation.override("en"):
        ticket_reply(ticket=ticket, author=agent, body="我来帮您加急", seen_event_id=seen)
    (change,) = refused.value.changes
    assert change["type"] == "replied" and change["actor"] == str(other_agent)
    assert change["excerpt"] == "亲，已经帮您加急了" and change["mine"] is False
    assert change["text"] == f"{other_agent} replied"
    ticket_reply(ticket=ticket, author=agent, body="我来帮您加急", seen_event_id=refused.value.last_event_id)
    assert ticket.messages.filter(body="我来帮您加急").exists()


def test_without_a_seen_id_nobody_is_ever_blocked(ticket, agent, other_agent):
    ticket_add_customer_message(ticket=ticket, body="还在吗？")
    ticket_reply(ticket=ticket, author=other_agent, body="在的")
    ticket_reply(ticket=ticket, author=agent, body="在的，马上处理")
    ticket_transition(ticket=ticket, to_status=TicketStatus.RESOLVED, actor=agent)


def test_a_status_change_by_someone_else_blocks_a_status_change_but_not_one_s_own(ticket, agent, other_agent):
    seen = _seen(ticket)
    ticket_transition(ticket=ticket, to_status=TicketStatus.PENDING_CUSTOMER, actor=other_agent)
    with pytest.raises(StaleTicket) as refused, translation.override("en"):
        ticket_transition(ticket=ticket, to_status=TicketStatus.RESOLVED, actor=agent, seen_event_id=seen)
    assert [change["type"] for change in refused.value.changes] == ["status_changed"]
    assert refused.value.changes[0]["text"] == "Status changed: Open → Pending customer"
    assert refused.value.changes[0]["actor"] == str(other_agent)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.PENDING_CUSTOMER
    seen = _seen(ticket)
    ticket_transition(ticket=ticket, to_status=TicketStatus.OPEN, actor=agent)
    ticket_transition(ticket=ticket, to_status=TicketStatus.RESOLVED, actor=agent, seen_event_id=seen)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.RESOLVED


def test_a_status_change_by_someone_else_also_blocks_a_reply(ticket, agent, other_agent):
    seen = _seen(ticket)
    ticket_transition(ticket=ticket, to_status=TicketStatus.PENDING_CUSTOMER, actor=other_agent)
    with pytest.raises(StaleTicket):
        ticket_reply(ticket=ticket, author=agent, body="还有什么问题吗", seen_event_id=seen)


# --- the ticket page ---------------------------------------------------------------------------------------


@pytest.fixture
def agent_client(agent):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(agent)
    return client


def _page_seen_id(client, ticket) -> int:  # type: ignore[no-untyped-def]
    response = client.get(f"/tickets/{ticket.pk}/")
    return int(response.context["seen_event_id"])


def test_the_page_forms_carry_the_newest_event_the_page_showed(agent_client, ticket):
    html = agent_client.get(f"/tickets/{ticket.pk}/", headers={"Accept-Language": "en"}).content.decode()
    latest = _seen(ticket)
    assert html.count(f'name="seen_event_id" value="{latest}"') == 2  # the reply and the status forms
    assert f'data-last-event-id="{latest}"' in html
    assert "js/ticket_live.js" in html


def test_a_stale_reply_re_renders_with_409_the_text_kept_what_changed_and_send_anyway(agent_client, ticket):
    seen = _page_seen_id(agent_client, ticket)
    ticket_add_customer_message(ticket=ticket, body="不要了，帮我退款吧")
    sent_before = Message.objects.count()
    response = agent_client.post(
        f"/tickets/{ticket.pk}/reply/",
        {"body": "给您补发一个", "seen_event_id": str(seen)},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 409
    assert Message.objects.count() == sent_before
    html = response.content.decode()
    assert "给您补发一个</textarea>" in html  # the reply being written is kept
    assert 'data-testid="stale-box"' in html and "New message from the buyer" in html and "不要了，帮我退款吧" in html
    assert 'form="reply-pane"' in html and 'data-testid="send-anyway"' in html
    latest = _seen(ticket)
    assert f'name="seen_event_id" value="{latest}"' in html  # sending again means "I have seen it now"
    again = agent_client.post(f"/tickets/{ticket.pk}/reply/", {"body": "给您补发一个", "seen_event_id": str(latest)})
    assert again.status_code == 302
    assert ticket.messages.filter(body="给您补发一个").exists()


def test_a_stale_status_change_re_renders_with_409_and_a_change_anyway_form(agent_client, ticket, other_agent):
    seen = _page_seen_id(agent_client, ticket)
    ticket_reply(ticket=ticket, author=other_agent, body="已退款")
    response = agent_client.post(
        f"/tickets/{ticket.pk}/status/",
        {"status": TicketStatus.RESOLVED, "seen_event_id": str(seen)},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert f"{other_agent} replied" in html and "已退款" in html
    assert 'data-testid="change-anyway"' in html and 'name="status" value="resolved"' in html
    ticket.refresh_from_db()
    assert ticket.status != TicketStatus.RESOLVED
    again = agent_client.post(
        f"/tickets/{ticket.pk}/status/", {"status": TicketStatus.RESOLVED, "seen_event_id": str(_seen(ticket))}
    )
    assert again.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.RESOLVED


def test_an_internal_note_is_never_blocked_even_with_a_seen_id(agent_client, ticket):
    seen = _page_seen_id(agent_client, ticket)
    ticket_add_customer_message(ticket=ticket, body="？？？")
    response = agent_client.post(f"/tickets/{ticket.pk}/note/", {"body": "买家着急了", "seen_event_id": str(seen)})
    assert response.status_code == 302
    assert TicketEvent.objects.filter(ticket=ticket, type="noted").exists()


def test_a_page_without_the_seen_id_is_never_blocked(agent_client, ticket):
    ticket_add_customer_message(ticket=ticket, body="在吗")
    assert agent_client.post(f"/tickets/{ticket.pk}/reply/", {"body": "在的"}).status_code == 302
    assert (
        agent_client.post(f"/tickets/{ticket.pk}/reply/", {"body": "在的！", "seen_event_id": "x"}).status_code == 302
    )
