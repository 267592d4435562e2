import pytest

from replies.selectors import canned_reply_suggestions
from tests.factories import make_ticket
from tickets.services.messages import ticket_add_customer_message

from .helpers import reply

pytestmark = pytest.mark.django_db


def test_the_replies_matching_the_subject_and_buyer_messages_come_first(agent, team):
    reply(agent, "退款", "退款会在三个工作日内原路返回", title="退款到账时间")
    reply(agent, "发货", "付款后48小时之内发出", title="发货时间")
    reply(agent, "问候", "您好，有什么可以帮您的", title="问候")
    ticket = make_ticket(team=team, subject="什么时候发货？", description="")
    ticket_add_customer_message(ticket=ticket, body="我想问一下退款什么时候到账")
    shortcuts = [r.shortcut for r in canned_reply_suggestions(ticket=ticket, user=agent)]
    assert shortcuts[:2] == ["退款", "发货"] or shortcuts[:2] == ["发货", "退款"]
    assert "问候" not in shortcuts


def test_suggestions_only_offer_replies_the_agent_may_use(agent, other_agent, team):
    reply(other_agent, "发货", "付款后48小时之内发出", title="发货时间")
    ticket = make_ticket(team=team, subject="发货")
    assert canned_reply_suggestions(ticket=ticket, user=agent) == []


def test_the_limit_is_kept(agent, team):
    for n in range(8):
        reply(agent, f"fh{n}", f"发货说明{n}", title=f"发货{n}")
    ticket = make_ticket(team=team, subject="发货")
    assert len(canned_reply_suggestions(ticket=ticket, user=agent, limit=3)) == 3
