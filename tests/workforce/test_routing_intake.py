"""Every intake path runs the routing rules: the ticket API (staff and a platform's message), the staff "new
ticket" form (a phone call), a complaint from the platform; and the ticket page shows what the rules did."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from tests.factories import TeamFactory, make_ticket
from tickets.enums import EventType
from tickets.models import Ticket
from tickets.services.assignment import ticket_assign
from workforce.models import Skill, TicketRouting

from .routing_helpers import rule

pytestmark = pytest.mark.django_db


@pytest.fixture
def rules():  # type: ignore[no-untyped-def]
    safety_team = TeamFactory(name="安全组")
    rule(
        "安全问题",
        keywords=["起火", "冒烟", "爆炸"],
        set_priority="urgent",
        restrict=True,
        add_tags=["安全"],
        set_team=safety_team,
    )
    rule("发票", keywords=["发票"], required_skill=Skill.objects.create(name="发票"))
    rule("电话", channels=["phone"], add_tags=["电话"])
    rule("大额", order_amount_min=Decimal("1000"), add_tags=["大额"])
    return safety_team


def _tags(ticket: Ticket) -> list[str]:
    return sorted(ticket.tags.values_list("name", flat=True))


def _routed(ticket: Ticket) -> list[str]:
    return [r["name"] for r in ticket.events.get(type=EventType.ROUTED).data["rules"]]


def test_the_ticket_api_runs_the_rules(agent_api, agent, rules):  # type: ignore[no-untyped-def]
    rules.members.add(agent)  # the ticket comes back restricted to the safety team
    body = {
        "kind": "inquiry",
        "subject": "充电宝冒烟",
        "description": "还要开发票",
        "customer": {"platform": "taobao", "platform_account_id": "tb-smoke", "name": "张三"},
        "order": {"order_number": "TB-BIG-1", "status": "pending_payment", "total_amount": "1999.00"},
    }
    response = agent_api.post("/api/v1/tickets/", body, format="json")
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(pk=response.json()["id"])
    assert ticket.priority == "urgent" and ticket.restricted and ticket.team == rules
    assert _tags(ticket) == ["大额", "安全"]
    assert _routed(ticket) == ["安全问题", "发票", "大额"]
    assert TicketRouting.objects.get(ticket=ticket).required_skill.name == "发票"


def test_a_platforms_buyer_message_opens_a_routed_ticket(make_key, key_client, rules):  # type: ignore[no-untyped-def]
    _integration, _key, secret = make_key(platform="taobao")
    body = {
        "kind": "inquiry",
        "channel": "chat",
        "subject": "买家留言",
        "description": "收到的东西爆炸了",
        "external_id": "tb-msg-42",
        "customer": {"platform": "taobao", "platform_account_id": "tb-boom", "name": "李四"},
    }
    response = key_client(secret).post("/api/v1/tickets/", body, format="json")
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(external_id="tb-msg-42")
    assert ticket.priority == "urgent" and _routed(ticket) == ["安全问题"]


def test_the_staff_new_ticket_form_runs_the_rules_for_a_phone_call(client, agent, rules):  # type: ignore[no-untyped-def]
    client.force_login(agent)
    form = {
        "kind": "inquiry",
        "category": "order_query",
        "channel": "phone",
        "priority": "normal",
        "subject": "来电：要开发票",
        "customer_platform": "taobao",
        "customer_account": "tb_phone",
        "customer_name": "钱女士",
    }
    assert client.post("/tickets/new/", form).status_code == 302
    ticket = Ticket.objects.get()
    assert _tags(ticket) == ["电话"]
    assert _routed(ticket) == ["发票", "电话"]
    assert TicketRouting.objects.get(ticket=ticket).required_skill.name == "发票"


def test_a_complaint_from_the_platform_runs_the_rules(api, rules):  # type: ignore[no-untyped-def]
    payload = {
        "category": "product_quality",
        "subject": "手机充电起火",
        "description": "差点烧了房子",
        "customer": {"name": "刘芳", "platform": "tmall", "platform_account_id": "tm_liufang"},
    }
    response = api.post("/api/v1/complaints/", payload, format="json")
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(kind="complaint")
    assert ticket.priority == "urgent" and ticket.restricted and _routed(ticket) == ["安全问题"]


def test_the_timeline_shows_which_rule_did_what_in_both_languages(manager, rules):  # type: ignore[no-untyped-def]
    ticket = make_ticket(subject="冒烟了", description="要发票")
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    english.force_login(manager)
    page = english.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "Routed by rules" in page
    assert "安全问题 (team → 安全组, priority → Urgent, tags 安全, restricted to the team)" in page
    assert "发票 (requires skill 发票)" in page
    chinese = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    chinese.force_login(manager)
    page = chinese.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "安全问题 (团队 → 安全组, 优先级 → 紧急, 标签 安全, 仅限本团队)" in page


@pytest.mark.parametrize(
    ("via", "reason", "details", "words"),
    [
        ("auto", "least_loaded", {"load": 3, "capacity": 8}, "auto, least-loaded 3/8"),
        ("auto", "round_robin", {}, "auto, round-robin"),
        ("auto", "owner", {}, "auto, named owner"),
        ("handback", "offline", {}, "handed back to the queue: agent went offline"),
        ("handover", "handover", {}, "shift handover"),
        ("claim", "", {}, "claimed"),
    ],
)
def test_the_timeline_says_how_a_ticket_was_assigned(manager, agent, via, reason, details, words):  # type: ignore[no-untyped-def]
    ticket = make_ticket()
    ticket_assign(ticket=ticket, assignee=agent, actor=None, via=via, reason=reason, details=details)
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    english.force_login(manager)
    page = english.get(f"/tickets/{ticket.pk}/").content.decode()
    assert f"Assigned: {agent} — {words}" in page
