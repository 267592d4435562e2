from datetime import UTC, datetime

import pytest
from django.test import Client

from replies.models import CannedReply
from replies.selectors_canned import canned_reply_render
from tests.factories import CustomerFactory, OrderFactory, OrderLineFactory, make_ticket
from tickets.models import Message
from tickets.services.messages import ReplyBlocked, ticket_reply

from .helpers import reply

pytestmark = pytest.mark.django_db

BODY = (
    "{{买家称呼}}您好，您在{{平台}}的订单{{order_number}}（{{商品}}）{{订单状态}}，"
    "{{发货日期}}发出。我是{{客服名}}（{{团队}}），进度：{{进度链接}}"
)


@pytest.fixture
def ticket(team):
    buyer = CustomerFactory(name="小王", platform="taobao")
    order = OrderFactory(
        customer=buyer,
        order_number="TB-1001",
        status="shipped",
        shipped_at=datetime(2026, 3, 2, 4, 0, tzinfo=UTC),
    )
    OrderLineFactory(order=order, title="纯棉T恤")
    OrderLineFactory(order=order, title="帆布鞋", sku="SH")
    return make_ticket(customer=buyer, order=order, team=team)


def test_a_reply_is_filled_from_the_ticket_s_buyer_order_agent_and_team(agent, ticket):
    agent.first_name, agent.last_name = "", ""
    rendered = canned_reply_render(reply=reply(agent, "发货", BODY), ticket=ticket, user=agent)
    assert rendered.missing == []
    text = rendered.text
    assert text.startswith("小王您好，您在淘宝") or text.startswith("小王您好，您在Taobao")
    assert "TB-1001（纯棉T恤、帆布鞋）" in text
    assert "2026-03-02发出" in text
    assert "我是agent1（售后 After-sales）" in text
    assert "/track/" in text and "{{" not in text


def test_a_variable_without_a_value_is_marked_and_listed(agent, team):
    ticket = make_ticket(customer=CustomerFactory(name="小李"), team=team)  # no order, not resolved
    body = "{{buyer_name}}，订单号{{订单号}}，评价：{{survey_link}}；订单号再写一次{{order_number}}"
    rendered = canned_reply_render(reply=reply(agent, "x", body), ticket=ticket, user=agent)
    assert [v.key for v in rendered.missing] == ["order_number", "survey_link"]
    assert rendered.text.count("【") == 3
    assert "{{" not in rendered.text


def test_a_reply_still_holding_a_marker_is_never_sent(agent, team):
    ticket = make_ticket(team=team)
    for body in ("您的订单【请填写：订单号】已发货", "Your order 【Fill in: order number】 shipped"):
        with pytest.raises(ReplyBlocked) as refused:
            ticket_reply(ticket=ticket, author=agent, body=body)
        assert refused.value.status_code == 400
        assert refused.value.fields["body"]
    assert not Message.objects.filter(ticket=ticket).exists()


def test_an_override_reason_does_not_send_an_unfilled_marker(agent, team):
    """Wording rules may be overridden with a reason; an unfilled variable may not: it would reach the buyer.
    The refusal says to change the reply and does not ask for a reason that would not help."""
    ticket = make_ticket(team=team)
    with pytest.raises(ReplyBlocked) as refused:
        ticket_reply(ticket=ticket, author=agent, body="订单【请填写：订单号】已发货", override_reason="急")
    assert not Message.objects.filter(ticket=ticket).exists()
    assert "override_reason" not in refused.value.fields
    assert "reason" not in refused.value.message


def test_a_raw_placeholder_is_never_sent_either(agent, team):
    ticket = make_ticket(team=team)
    with pytest.raises(ReplyBlocked):
        ticket_reply(ticket=ticket, author=agent, body="您的订单{{订单号}}已发货")
    ticket_reply(ticket=ticket, author=agent, body="价格是{不是变量}，【注意】这也不是")  # ordinary brackets pass


def test_the_reply_box_shows_the_refusal_and_keeps_the_text(agent, team):
    ticket = make_ticket(team=team)
    browser = Client()
    browser.force_login(agent)
    response = browser.post(f"/tickets/{ticket.pk}/reply/", {"body": "订单【请填写：订单号】已发货"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "订单【请填写：订单号】已发货" in page  # the draft is kept
    assert not Message.objects.filter(ticket=ticket).exists()


def test_the_api_refuses_a_reply_with_a_marker(agent_api, team):
    ticket = make_ticket(team=team)
    response = agent_api.post(f"/api/v1/tickets/{ticket.pk}/replies/", {"body": "【请填写：快递单号】"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "reply_blocked"


def test_inserting_from_the_picker_fills_the_reply_and_counts_one_use(agent, ticket):
    canned = reply(agent, "发货", "{{买家称呼}}，{{快递单号}}")
    browser = Client()
    browser.force_login(agent)
    response = browser.post(f"/replies/picker/insert/{ticket.pk}/", {"reply": canned.pk})
    assert response.status_code == 200
    data = response.json()
    assert data["text"].startswith("小王，【")
    assert [m["key"] for m in data["missing"]] == ["tracking_number"]
    canned.refresh_from_db()
    assert canned.usage_count == 1 and canned.last_used_at is not None
    assert browser.post(f"/replies/picker/insert/{ticket.pk}/", {}).status_code == 400


def test_the_picker_does_not_insert_another_agent_s_personal_reply(agent, other_agent, ticket):
    theirs = reply(other_agent, "私人")
    browser = Client()
    browser.force_login(agent)
    assert browser.post(f"/replies/picker/insert/{ticket.pk}/", {"reply": theirs.pk}).status_code == 404
    assert CannedReply.objects.get(pk=theirs.pk).usage_count == 0
