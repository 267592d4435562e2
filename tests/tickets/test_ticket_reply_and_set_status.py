"""The reply box's one-action sends (issue 16 point 2): a reply and "set pending" / "resolve" in one
transaction, on the page and over the API, and the reply checks hook with its override reason."""

import pytest

from core.errors import Conflict
from tests.factories import make_ticket
from tickets import hooks
from tickets.enums import EventType, TicketStatus
from tickets.models import Message, TicketEvent
from tickets.services.messages import (
    ReplyBlocked,
    reply_then_statuses,
    ticket_reply,
    ticket_reply_and_set_status,
)
from tickets.services.stale import StaleTicket
from tickets.services.transitions import ticket_transition

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


def test_send_and_resolve_replies_and_resolves_a_new_ticket_in_one_action(agent):
    ticket = make_ticket()
    message = ticket_reply_and_set_status(
        ticket=ticket, author=agent, body="已为您补发，请查收。", to_status="resolved"
    )
    ticket.refresh_from_db()
    assert message.body == "已为您补发，请查收。"
    assert ticket.status == TicketStatus.RESOLVED
    assert ticket.first_responded_at is not None
    types = list(ticket.events.values_list("type", flat=True))
    assert types.index(EventType.REPLIED) < types.index(EventType.STATUS_CHANGED)


def test_send_and_set_pending_works_on_a_ticket_without_an_earlier_reply(agent):
    ticket = make_ticket()
    assert TicketStatus.PENDING_CUSTOMER in reply_then_statuses(ticket)  # the reply itself is the first response
    ticket_reply_and_set_status(ticket=ticket, author=agent, body="请提供订单截图。", to_status="pending_customer")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.PENDING_CUSTOMER
    assert ticket.sla_paused_at is not None


def test_a_status_the_ticket_may_not_take_refuses_the_reply_too(agent):
    ticket = make_ticket()
    ticket_reply(ticket=ticket, author=agent, body="您好")
    ticket_transition(ticket=ticket, to_status="resolved", actor=agent)
    ticket.refresh_from_db()
    assert reply_then_statuses(ticket) == []  # resolved → pending is not in the table
    before = Message.objects.count()
    with pytest.raises(Conflict):
        ticket_reply_and_set_status(ticket=ticket, author=agent, body="再补充一句", to_status="pending_customer")
    assert Message.objects.count() == before
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.RESOLVED


def test_a_refused_status_change_after_the_reply_rolls_the_reply_back(agent, monkeypatch):
    """Both happen in one transaction: a transition that fails after the reply was written leaves neither."""
    import tickets.services.messages as messages_module

    def failing_transition(**kwargs):
        raise Conflict("no")

    monkeypatch.setattr(messages_module, "ticket_transition", failing_transition)
    ticket = make_ticket()
    with pytest.raises(Conflict):
        ticket_reply_and_set_status(ticket=ticket, author=agent, body="已处理", to_status="resolved")
    assert not Message.objects.filter(ticket=ticket).exists()
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.NEW


def test_send_and_resolve_still_honours_the_stale_reply_guard(agent, other_agent):
    ticket = make_ticket()
    seen = ticket.events.order_by("-id").first().pk
    ticket_reply(ticket=ticket, author=other_agent, body="同事已回复")
    with pytest.raises(StaleTicket):
        ticket_reply_and_set_status(
            ticket=ticket, author=agent, body="我也回复", to_status="resolved", seen_event_id=seen
        )
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN
    assert not Message.objects.filter(body="我也回复").exists()


def test_the_page_offers_send_and_resolve_and_does_both(agent_client, agent):
    ticket = make_ticket()
    page = agent_client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert 'data-testid="send-and-resolved"' in page
    assert 'data-testid="send-and-pending_customer"' in page
    response = agent_client.post(f"/tickets/{ticket.pk}/reply/", {"body": "已退款，请查收", "then_status": "resolved"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.RESOLVED
    # The page after the send tells the reply box its draft went out (one-shot).
    assert 'data-sent="reply-pane"' in agent_client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert 'data-sent=""' in agent_client.get(f"/tickets/{ticket.pk}/").content.decode()


def test_the_page_does_not_offer_a_status_the_ticket_may_not_take(agent_client, agent):
    ticket = make_ticket()
    ticket_reply(ticket=ticket, author=agent, body="您好")
    ticket_transition(ticket=ticket, to_status="resolved", actor=agent)
    page = agent_client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "send-and-pending_customer" not in page and "send-and-resolved" not in page
    response = agent_client.post(f"/tickets/{ticket.pk}/reply/", {"body": "补充", "then_status": "pending_customer"})
    assert response.status_code == 400  # the page's refusal, with the conflict's message
    assert "补充" in response.content.decode()  # the text is kept
    assert not Message.objects.filter(body="补充").exists()


def test_the_api_reply_with_status_resolves_and_refuses_other_statuses(agent_api, agent):
    ticket = make_ticket()
    response = agent_api.post(
        f"/api/v1/tickets/{ticket.pk}/replies/", {"body": "已处理", "status": "resolved"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "resolved"
    other = make_ticket()
    response = agent_api.post(
        f"/api/v1/tickets/{other.pk}/replies/", {"body": "已处理", "status": "closed"}, format="json"
    )
    assert response.status_code == 400
    assert "status" in response.json()["error"]["fields"]
    assert not Message.objects.filter(ticket=other).exists()


# --- the reply checks hook -------------------------------------------------------------------------------------


@pytest.fixture
def no_refunds_check():
    def check(*, ticket, body, actor):
        problems = []
        if "退款" in body:
            problems.append(hooks.ReplyProblem(code="test_block", message="no refunds", blocking=True, rule_id=7))
        if "亲" not in body:
            problems.append(hooks.ReplyProblem(code="test_warn", message="say 亲", blocking=False))
        return problems

    saved = list(hooks._reply_checks)
    hooks._reply_checks[:] = [check]
    yield check
    hooks._reply_checks[:] = saved


def test_a_blocking_reply_check_refuses_the_reply_listing_the_problems(agent, no_refunds_check):
    ticket = make_ticket()
    with pytest.raises(ReplyBlocked) as refused:
        ticket_reply(ticket=ticket, author=agent, body="给您退款")
    assert [p.code for p in refused.value.problems] == ["test_block", "test_warn"]
    assert refused.value.fields["body"] == ["no refunds"]
    assert not Message.objects.filter(ticket=ticket).exists()


def test_an_override_reason_sends_the_reply_and_records_the_override(agent, no_refunds_check):
    ticket = make_ticket()
    message = ticket_reply(ticket=ticket, author=agent, body="给您退款", override_reason="主管已批准退款")
    event = TicketEvent.objects.get(ticket=ticket, type=EventType.REPLY_CHECK_OVERRIDDEN)
    assert event.actor == agent
    assert event.data["reason"] == "主管已批准退款"
    assert event.data["rule_ids"] == [7]
    assert event.data["reply_message_id"] == message.pk
    assert [p["code"] for p in event.data["problems"]] == ["test_block"]


def test_warnings_alone_never_block_and_record_nothing(agent, no_refunds_check):
    ticket = make_ticket()
    ticket_reply(ticket=ticket, author=agent, body="您好", override_reason="不需要")
    assert not TicketEvent.objects.filter(ticket=ticket, type=EventType.REPLY_CHECK_OVERRIDDEN).exists()


def test_an_override_reason_is_length_limited(agent, no_refunds_check):
    ticket = make_ticket()
    with pytest.raises(Exception) as refused:
        ticket_reply(ticket=ticket, author=agent, body="给您退款", override_reason="理由" * 300)
    assert "override_reason" in refused.value.fields
    assert not Message.objects.filter(ticket=ticket).exists()


def test_the_page_shows_a_blocked_reply_with_the_override_field_and_keeps_the_text(
    agent_client, agent, no_refunds_check
):
    ticket = make_ticket()
    response = agent_client.post(f"/tickets/{ticket.pk}/reply/", {"body": "给您退款"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "no refunds" in page and "给您退款" in page
    assert 'class="composer-override"' in page  # shown, not hidden
    response = agent_client.post(f"/tickets/{ticket.pk}/reply/", {"body": "给您退款", "override_reason": "已批准"})
    assert response.status_code == 302
    page = agent_client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert 'data-testid="override-summary"' in page and "已批准" in page


def test_send_and_set_pending_on_a_ticket_already_waiting_on_the_buyer_just_replies(agent):
    ticket = make_ticket()
    ticket_reply_and_set_status(ticket=ticket, author=agent, body="请提供照片", to_status="pending_customer")
    ticket.refresh_from_db()
    ticket_reply_and_set_status(ticket=ticket, author=agent, body="再提醒一下", to_status="pending_customer")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.PENDING_CUSTOMER
    assert Message.objects.filter(ticket=ticket, body="再提醒一下").exists()
