"""The routing-rule API: CRUD with the services' 4xx messages, the read-only preview, roles and scopes."""

from __future__ import annotations

import pytest

from integrations.models import IdempotencyRecord
from tests.factories import TeamFactory, UserFactory
from workforce.models import RoutingRule, Skill

from .routing_helpers import rule

pytestmark = pytest.mark.django_db

URL = "/api/v1/routing-rules/"


@pytest.fixture
def manager_api(manager_api):  # type: ignore[no-untyped-def]
    manager_api.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the messages checked below are the English ones
    return manager_api


def _error(response):  # type: ignore[no-untyped-def]
    return response.json()["error"]


def test_a_manager_creates_lists_reads_changes_and_deletes_a_rule(manager_api, team):  # type: ignore[no-untyped-def]
    skill = Skill.objects.create(name="发票")
    created = manager_api.post(
        URL,
        {"name": "发票", "keywords": [" 发票 ", "", "发票", "invoice"], "required_skill": skill.pk, "team": team.pk},
        format="json",
        HTTP_IDEMPOTENCY_KEY="rule-1",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["keywords"] == ["发票", "invoice"] and body["required_skill_name"] == "发票"
    assert body["team"] == team.pk
    again = manager_api.post(
        URL,
        {"name": "发票", "keywords": [" 发票 ", "", "发票", "invoice"], "required_skill": skill.pk, "team": team.pk},
        format="json",
        HTTP_IDEMPOTENCY_KEY="rule-1",
    )
    assert again.status_code == 201 and RoutingRule.objects.count() == 1  # the retry made nothing new
    pk = body["id"]
    assert [r["id"] for r in manager_api.get(URL).json()] == [pk]
    assert manager_api.get(f"{URL}{pk}/").json()["name"] == "发票"
    changed = manager_api.patch(f"{URL}{pk}/", {"set_priority": "high", "is_active": False}, format="json")
    assert changed.status_code == 200
    assert changed.json()["set_priority"] == "high" and changed.json()["is_active"] is False
    assert changed.json()["keywords"] == ["发票", "invoice"]  # untouched fields stay
    assert manager_api.delete(f"{URL}{pk}/").status_code == 204
    assert not RoutingRule.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"name": "x"}, "non_field_errors", "A rule must do something"),
        (
            {"name": "x", "add_tags": ["a"], "order_amount_min": "500", "order_amount_max": "100"},
            "order_amount_max",
            "“from” is more than “to”",
        ),
        ({"name": "x", "add_tags": ["a"], "order_amount_min": "-1"}, "order_amount_min", "from 0 up"),
        (
            {"name": "x", "add_tags": ["a"], "keywords": ["k"] * 1 + [f"w{i}" for i in range(21)]},
            "keywords",
            "at most 20",
        ),
        ({"name": "x", "add_tags": ["a"], "keywords": ["很长" * 16]}, "keywords", "at most 30 characters"),
        ({"name": "x", "add_tags": ["标签" * 21]}, "add_tags", "at most 40 characters"),
        ({"name": "x", "add_tags": ["a"], "kinds": ["party"]}, "kinds[0]", None),
        ({"name": "x", "add_tags": ["a"], "customer_tiers": ["diamond"]}, "customer_tiers[0]", None),
        ({"name": "x", "set_priority": "asap"}, "set_priority", None),
        ({"name": "x", "add_tags": ["a"], "required_skill": 999999}, "required_skill", None),
    ],
)
def test_bad_rules_are_refused_with_a_message_naming_the_field(manager_api, payload, field, message):  # type: ignore[no-untyped-def]
    response = manager_api.post(URL, payload, format="json")
    assert response.status_code == 400, response.content
    error = _error(response)
    assert field in error["fields"], error
    if message:
        assert message in error["message"], error
    assert not RoutingRule.objects.exists()


def test_a_team_rule_may_not_send_tickets_to_another_team(manager_api, team):  # type: ignore[no-untyped-def]
    other = TeamFactory(name="别的组")
    response = manager_api.post(URL, {"name": "x", "team": team.pk, "set_team": other.pk}, format="json")
    assert response.status_code == 400
    assert "cannot send tickets to another team" in _error(response)["message"]
    assert "set_team" in _error(response)["fields"]


def test_the_named_owner_must_be_an_active_agent(manager_api):  # type: ignore[no-untyped-def]
    nobody = UserFactory(username="not-staff")
    response = manager_api.post(URL, {"name": "x", "owner": nobody.pk}, format="json")
    assert response.status_code == 400 and "owner" in _error(response)["fields"]


def test_a_manager_may_not_touch_another_teams_rules(manager_api):  # type: ignore[no-untyped-def]
    other = TeamFactory(name="别的组")
    response = manager_api.post(URL, {"name": "x", "team": other.pk, "add_tags": ["a"]}, format="json")
    assert response.status_code == 403
    theirs = rule("theirs", team=other, add_tags=["a"])
    assert manager_api.get(f"{URL}{theirs.pk}/").status_code == 404
    assert manager_api.patch(f"{URL}{theirs.pk}/", {"name": "mine"}, format="json").status_code == 404
    assert manager_api.delete(f"{URL}{theirs.pk}/").status_code == 404
    assert theirs.pk not in [r["id"] for r in manager_api.get(URL).json()]
    mine = rule("mine", add_tags=["a"])
    moved = manager_api.patch(f"{URL}{mine.pk}/", {"team": other.pk}, format="json")
    assert moved.status_code == 403
    assert RoutingRule.objects.get(pk=mine.pk).team is None


def test_agents_get_403(agent_api):  # type: ignore[no-untyped-def]
    saved = rule("A", add_tags=["a"])
    assert agent_api.get(URL).status_code == 403
    assert agent_api.post(URL, {"name": "x", "add_tags": ["a"]}, format="json").status_code == 403
    assert agent_api.get(f"{URL}{saved.pk}/").status_code == 403
    assert agent_api.delete(f"{URL}{saved.pk}/").status_code == 403
    assert agent_api.post(f"{URL}preview/", {"sample": {}}, format="json").status_code == 403
    assert RoutingRule.objects.filter(pk=saved.pk).exists()


def test_a_key_without_workforce_write_gets_403_on_writes(make_key, key_client):  # type: ignore[no-untyped-def]
    _integration, _key, secret = make_key(scopes=["workforce:read"], platform="")
    api = key_client(secret)
    saved = rule("A", add_tags=["a"])
    assert api.get(URL).status_code == 200
    assert api.post(f"{URL}preview/", {"sample": {"subject": "x"}}, format="json").status_code == 200
    response = api.post(URL, {"name": "x", "add_tags": ["a"]}, format="json")
    assert response.status_code == 403 and _error(response)["code"] == "missing_scope"
    assert api.patch(f"{URL}{saved.pk}/", {"name": "y"}, format="json").status_code == 403
    assert api.delete(f"{URL}{saved.pk}/").status_code == 403
    assert RoutingRule.objects.get().name == "A"


def test_a_key_without_workforce_read_gets_403(make_key, key_client):  # type: ignore[no-untyped-def]
    _integration, _key, secret = make_key(scopes=["tickets:read"], platform="")
    assert key_client(secret).get(URL).status_code == 403


def test_a_key_with_workforce_write_manages_rules(make_key, key_client):  # type: ignore[no-untyped-def]
    _integration, _key, secret = make_key(scopes=["workforce:read", "workforce:write"], platform="")
    api = key_client(secret)
    assert api.post(URL, {"name": "x", "add_tags": ["a"]}, format="json").status_code == 201


def test_a_platform_bound_key_may_not_steer_routing(make_key, key_client):  # type: ignore[no-untyped-def]
    _integration, _key, secret = make_key(platform="douyin")
    assert key_client(secret).get(URL).status_code == 403


def test_preview_answers_which_rules_fire_and_writes_nothing(manager_api, team):  # type: ignore[no-untyped-def]
    safety = rule("安全问题", keywords=["起火", "冒烟"], set_priority="urgent", restrict=True, add_tags=["安全"])
    rule("VIP", customer_tiers=["vip"], set_priority="high", add_tags=["VIP"], set_team=team)
    before = list(RoutingRule.objects.order_by("id").values_list("fired_count", "last_fired_at", "updated_at"))
    response = manager_api.post(
        f"{URL}preview/",
        {"sample": {"subject": "手机冒烟了", "customer_tier": "vip", "channel": "phone"}},
        format="json",
        HTTP_IDEMPOTENCY_KEY="preview-1",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert [r["name"] for r in body["fired"]] == ["安全问题", "VIP"]
    assert body["fired"][0]["id"] == safety.pk
    assert body["priority"] == "urgent" and body["restricted"] is True
    assert body["tags"] == ["安全", "VIP"] and body["team"] == team.pk
    assert list(RoutingRule.objects.order_by("id").values_list("fired_count", "last_fired_at", "updated_at")) == before
    assert not IdempotencyRecord.objects.exists()  # not even the key's record: a retry just answers again


def test_preview_with_an_unsaved_edit_in_place(manager_api):  # type: ignore[no-untyped-def]
    saved = rule("退款", keywords=["退款"], add_tags=["退款"])
    response = manager_api.post(
        f"{URL}preview/",
        {"sample": {"subject": "开发票"}, "rule_id": saved.pk, "rule": {"keywords": ["发票"], "add_tags": ["发票"]}},
        format="json",
    )
    body = response.json()
    assert [r["id"] for r in body["fired"]] == [saved.pk] and body["tags"] == ["发票"]
    saved.refresh_from_db()
    assert saved.keywords == ["退款"]
    new = manager_api.post(
        f"{URL}preview/",
        {"sample": {"subject": "开发票"}, "rule": {"name": "新规则", "keywords": ["发票"], "set_priority": "high"}},
        format="json",
    ).json()
    assert new["fired"] == [{"id": None, "name": "新规则", "actions": [{"priority": "high"}]}]
    assert RoutingRule.objects.count() == 1


def test_preview_refuses_a_bad_unsaved_rule(manager_api):  # type: ignore[no-untyped-def]
    response = manager_api.post(f"{URL}preview/", {"sample": {}, "rule": {"name": "x"}}, format="json")
    assert response.status_code == 400 and "A rule must do something" in _error(response)["message"]
