"""Wording rules over the API and on their page: the reply API refuses a forbidden reply listing the problems
and sends it with override_reason; the reply check; rules listed and created (a bad pattern is a 400); the
rules page with its test box; the reply box's check while typing; overrides counted in the agents report."""

from datetime import timedelta

import pytest
from django.utils import timezone

from replies.models import WordingRule
from reports.filters import ReportFilters
from reports.metrics.sla import build_agents
from tests.factories import make_ticket
from tickets.enums import EventType
from tickets.models import Message, TicketEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


# --- the reply API ---------------------------------------------------------------------------------------------------


def test_the_reply_api_refuses_a_forbidden_reply_listing_the_problems(agent_api):
    ticket = make_ticket()
    response = agent_api.post(f"/api/v1/tickets/{ticket.pk}/replies/", {"body": "明天一定到"}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "reply_blocked"
    assert [p["code"] for p in error["problems"]] == ["wording_forbidden"]
    assert error["problems"][0]["blocking"] is True
    assert error["problems"][0]["rule_id"] == WordingRule.objects.get(pattern__startswith="(明天").pk
    assert "override_reason" in error["fields"]
    assert not Message.objects.filter(ticket=ticket).exists()


def test_the_reply_api_sends_it_with_an_override_reason(agent_api, agent):
    ticket = make_ticket()
    response = agent_api.post(
        f"/api/v1/tickets/{ticket.pk}/replies/",
        {"body": "明天一定到", "override_reason": "同城闪送，已确认"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    event = TicketEvent.objects.get(ticket=ticket, type=EventType.REPLY_CHECK_OVERRIDDEN)
    assert event.actor == agent and event.data["reason"] == "同城闪送，已确认"


def test_the_reply_check_api_lists_problems_with_explanation_and_suggestion(agent_api):
    ticket = make_ticket()
    response = agent_api.post(f"/api/v1/tickets/{ticket.pk}/reply-check/", {"body": "好"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["blocking"] is False
    assert body["problems"][0]["code"] == "wording_discouraged"
    assert body["problems"][0]["suggestion"]
    response = agent_api.post(f"/api/v1/tickets/{ticket.pk}/reply-check/", {"body": "亲，明天一定到"}, format="json")
    assert response.json()["blocking"] is True
    assert agent_api.post("/api/v1/tickets/999999/reply-check/", {"body": "好"}, format="json").status_code == 404


def test_rules_are_listed_and_a_manager_creates_one_but_a_bad_regex_is_a_400(agent_api, manager_api):
    listed = agent_api.get("/api/v1/wording-rules/")
    assert listed.status_code == 200 and len(listed.json()) == 3
    assert (
        agent_api.post(
            "/api/v1/wording-rules/",
            {"kind": "forbidden", "match": "contains", "pattern": "差评", "explanation": "x"},
            format="json",
        ).status_code
        == 403
    )
    bad = manager_api.post(
        "/api/v1/wording-rules/",
        {"kind": "forbidden", "match": "regex", "pattern": "(a+)+$", "explanation": "x"},
        format="json",
    )
    assert bad.status_code == 400
    assert "pattern" in bad.json()["error"]["fields"]
    good = manager_api.post(
        "/api/v1/wording-rules/",
        {"kind": "forbidden", "match": "regex", "pattern": "全网最低.{0,3}价", "explanation": "广告法禁用语"},
        format="json",
    )
    assert good.status_code == 201, good.json()
    assert good.json()["team"] is None


def test_api_keys_need_the_replies_scopes(make_key, key_client):
    _integration, _key, secret = make_key(scopes=["tickets:read"])
    assert key_client(secret).get("/api/v1/wording-rules/").status_code == 403
    _integration, _key, secret = make_key(scopes=["replies:read"])
    assert key_client(secret).get("/api/v1/wording-rules/").status_code == 200


# --- the pages -------------------------------------------------------------------------------------------------------


def test_agents_read_the_rules_page_without_edit_links(agent_client):
    page = agent_client.get("/replies/wording/").content.decode()
    assert "保证.{0,6}到货" in page
    assert 'data-testid="wording-new"' not in page and 'data-testid="wording-edit"' not in page
    assert agent_client.get("/replies/wording/new/").status_code == 403


def test_the_test_box_shows_which_rules_a_text_trips(agent_client):
    response = agent_client.post("/replies/wording/", {"text": "亲，明天一定到"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="wording-test-finding"' in page and "不能承诺具体到货时间" in page
    clean = agent_client.post("/replies/wording/", {"text": "正常情况下 2–3 天送达"}).content.decode()
    assert 'data-testid="wording-test-clean"' in clean


def test_a_manager_adds_a_rule_and_a_bad_pattern_is_refused_with_a_message(manager_client):
    response = manager_client.post(
        "/replies/wording/new/",
        {"kind": "forbidden", "match": "regex", "pattern": "(x+)+y", "explanation": "x", "active": "on"},
    )
    assert response.status_code == 400
    assert "repeat inside a repeat" in response.content.decode() or "重复" in response.content.decode()
    response = manager_client.post(
        "/replies/wording/new/",
        {"kind": "discouraged", "match": "contains", "pattern": "亲爱的", "explanation": "用“亲”", "active": "on"},
    )
    assert response.status_code == 302
    rule = WordingRule.objects.get(pattern="亲爱的")
    response = manager_client.post(
        f"/replies/wording/{rule.pk}/",
        {"kind": "forbidden", "match": "contains", "pattern": "亲爱的", "explanation": "用“亲”"},
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.kind == "forbidden" and rule.active is False
    assert manager_client.post(f"/replies/wording/{rule.pk}/delete/").status_code == 302
    assert not WordingRule.objects.filter(pk=rule.pk).exists()


def test_the_reply_box_check_while_typing(agent_client):
    ticket = make_ticket()
    page = agent_client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert 'data-testid="wording-check"' in page
    result = agent_client.post(f"/replies/wording/check/{ticket.pk}/", {"body": "明天一定到"}).json()
    assert result["blocking"] is True
    assert "不能承诺具体到货时间" in result["problems"][0]["explanation"]
    assert agent_client.post(f"/replies/wording/check/{ticket.pk}/", {"body": "x" * 20_001}).status_code == 400
    assert agent_client.post("/replies/wording/check/999999/", {"body": "好"}).status_code == 404


def test_the_check_while_typing_says_which_blocking_problems_no_reason_passes(agent_client, agent_api):
    """The reply box offers the "reason for sending anyway" field only for what a reason can pass: a forbidden
    wording rule, not an unfilled canned-reply variable."""
    ticket = make_ticket()
    result = agent_client.post(
        f"/replies/wording/check/{ticket.pk}/", {"body": "订单【请填写：订单号】明天一定到"}
    ).json()
    overridable = {problem["code"]: problem["overridable"] for problem in result["problems"]}
    assert overridable == {"wording_forbidden": True, "unfilled_variable": False}
    api = agent_api.post(f"/api/v1/tickets/{ticket.pk}/reply-check/", {"body": "【请填写：订单号】"}, format="json")
    assert api.json()["problems"][0]["overridable"] is False


# --- reports ---------------------------------------------------------------------------------------------------------


def test_overrides_are_counted_per_agent_in_the_agents_report(agent):
    from tickets.services.messages import ticket_reply

    ticket = make_ticket()
    ticket_reply(ticket=ticket, author=agent, body="明天一定到", override_reason="已确认")
    ticket_reply(ticket=ticket, author=agent, body="保证后天到货", override_reason="已确认")
    now = timezone.now()
    filters = ReportFilters(start=(now - timedelta(days=1)).date(), end=(now + timedelta(days=1)).date())
    rows = build_agents(filters).rows
    assert [row["wording_overrides"] for row in rows if row["agent_id"] == agent.pk] == [2]


def test_a_manager_changes_and_deletes_a_rule_over_the_api(manager_api, agent_api):
    rule = WordingRule.objects.get(pattern=r"保证.{0,6}到货")
    assert agent_api.get(f"/api/v1/wording-rules/{rule.pk}/").json()["pattern"] == rule.pattern
    assert agent_api.patch(f"/api/v1/wording-rules/{rule.pk}/", {"active": False}, format="json").status_code == 403
    changed = manager_api.patch(f"/api/v1/wording-rules/{rule.pk}/", {"active": False}, format="json")
    assert changed.status_code == 200 and changed.json()["active"] is False
    assert changed.json()["pattern"] == rule.pattern
    bad = manager_api.patch(f"/api/v1/wording-rules/{rule.pk}/", {"pattern": "(.*)*"}, format="json")
    assert bad.status_code == 400 and "pattern" in bad.json()["error"]["fields"]
    assert manager_api.delete(f"/api/v1/wording-rules/{rule.pk}/").status_code == 204
    assert not WordingRule.objects.filter(pk=rule.pk).exists()


def test_the_rules_page_is_reachable_from_the_managers_tabs_and_the_agents_replies_page(manager, agent):
    """Managers found the rules only through a ticket's reply box; now the work tabs list them (the tab is active
    on the rules page) and an agent's canned-replies page links to them."""
    from django.test import Client

    manager_client, agent_client = Client(), Client()
    manager_client.force_login(manager)
    agent_client.force_login(agent)
    rules_page = manager_client.get("/replies/wording/").content.decode()
    assert 'data-testid="work-tab-wording"' in rules_page
    assert 'class="active" data-testid="work-tab-wording"' in rules_page
    assert 'data-testid="work-tab-wording"' in manager_client.get("/replies/").content.decode()
    assert 'data-testid="wording-rules-link"' in agent_client.get("/replies/").content.decode()
    assert 'data-testid="work-tabs"' not in agent_client.get("/replies/wording/").content.decode()
