"""The routing-rule pages: managers and admins only; list, create, edit, move, delete, try a sample."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from accounts.roles import Role
from tests.factories import TeamFactory, UserFactory
from workforce.models import RoutingRule, Skill

from .routing_helpers import rule

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():  # type: ignore[no-untyped-def]
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def manager_client(client, manager, team):  # type: ignore[no-untyped-def]
    client.force_login(manager)
    return client


def _form(**overrides):  # type: ignore[no-untyped-def]
    data = {
        "name": "退款",
        "business_hours": "any",
        "is_active": "on",
        "keywords": "退款\nrefund，退货",
        "add_tags": "退款",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("path", ["/work/routing/", "/work/routing/new/", "/work/routing/try/"])
def test_agents_get_403_on_the_routing_pages(client, agent, path):  # type: ignore[no-untyped-def]
    client.force_login(agent)
    assert client.get(path).status_code == 403


def test_agents_get_403_on_a_rules_pages(client, agent):  # type: ignore[no-untyped-def]
    saved = rule("A", add_tags=["x"])
    client.force_login(agent)
    for path in (f"/work/routing/{saved.pk}/", f"/work/routing/{saved.pk}/delete/"):
        assert client.get(path).status_code == 403
    assert client.post(f"/work/routing/{saved.pk}/move/", {"direction": "up"}).status_code == 403
    assert client.post(f"/work/routing/{saved.pk}/delete/").status_code == 403
    assert RoutingRule.objects.filter(pk=saved.pk).exists()


def test_the_list_groups_global_and_team_rules_with_their_summaries(manager_client, team):  # type: ignore[no-untyped-def]
    rule("安全问题", keywords=["起火", "冒烟"], set_priority="urgent", restrict=True, add_tags=["安全"])
    rule("售后VIP", team=team, customer_tiers=["vip"], set_priority="high")
    rule("别的组", team=TeamFactory(name="别的组"), add_tags=["x"])
    body = manager_client.get("/work/routing/").content.decode()
    assert "Global rules" in body and f"Team {team.name}" in body
    assert "安全问题" in body and "Keywords: 起火, 冒烟" in body and "priority → Urgent" in body
    assert "restricted to the team" in body and "Customer tier: VIP" in body
    assert "别的组" not in body  # another team's list is not this manager's
    assert 'href="/work/routing/"' in body  # the nav link


def test_the_list_is_in_chinese_for_chinese_readers(manager_client):  # type: ignore[no-untyped-def]
    rule("安全问题", keywords=["起火"], set_priority="urgent")
    body = manager_client.get("/work/routing/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "分流规则" in body and "全局规则" in body and "关键词：起火" in body


def test_a_manager_creates_a_rule_with_keywords_split_on_commas_and_lines(manager_client):  # type: ignore[no-untyped-def]
    skill = Skill.objects.create(name="退款")
    response = manager_client.post(
        "/work/routing/new/",
        _form(channels=["phone", "chat"], required_skill=skill.pk, set_priority="high", save="1"),
    )
    assert response.status_code == 302
    saved = RoutingRule.objects.get()
    assert saved.keywords == ["退款", "refund", "退货"]
    assert saved.channels == ["phone", "chat"]
    assert saved.required_skill == skill and saved.set_priority == "high"


def test_the_form_shows_the_services_message_for_a_rule_with_no_action(manager_client):  # type: ignore[no-untyped-def]
    response = manager_client.post("/work/routing/new/", _form(add_tags="", save="1"))
    assert response.status_code == 400
    assert "A rule must do something" in response.content.decode()
    assert not RoutingRule.objects.exists()


def test_the_form_shows_an_empty_amount_range(manager_client):  # type: ignore[no-untyped-def]
    response = manager_client.post(
        "/work/routing/new/", _form(order_amount_min="500", order_amount_max="100", save="1")
    )
    assert response.status_code == 400
    assert "Must be at least the “from” amount." in response.content.decode()


def test_a_manager_may_not_put_a_rule_on_another_team(manager_client):  # type: ignore[no-untyped-def]
    other = TeamFactory(name="别的组")
    response = manager_client.post("/work/routing/new/", _form(team=other.pk, save="1"))
    assert response.status_code == 400
    assert not RoutingRule.objects.exists()


def test_a_manager_edits_a_rule(manager_client, team):  # type: ignore[no-untyped-def]
    saved = rule("A", team=team, add_tags=["x"])
    page = manager_client.get(f"/work/routing/{saved.pk}/")
    assert page.status_code == 200 and "Edit rule" in page.content.decode()
    response = manager_client.post(f"/work/routing/{saved.pk}/", _form(name="B", team=team.pk, add_tags="y", save="1"))
    assert response.status_code == 302
    saved.refresh_from_db()
    assert saved.name == "B" and saved.add_tags == ["y"] and saved.team == team


def test_another_teams_rule_is_404_to_a_manager(manager_client):  # type: ignore[no-untyped-def]
    other = rule("other", team=TeamFactory(name="别的组"), add_tags=["x"])
    assert manager_client.get(f"/work/routing/{other.pk}/").status_code == 404
    assert manager_client.post(f"/work/routing/{other.pk}/delete/").status_code == 404
    assert RoutingRule.objects.filter(pk=other.pk).exists()


def test_move_buttons_reorder_the_list(manager_client):  # type: ignore[no-untyped-def]
    a, b, c = rule("A", add_tags=["a"]), rule("B", add_tags=["b"]), rule("C", add_tags=["c"])
    manager_client.post(f"/work/routing/{c.pk}/move/", {"direction": "up"})
    order = list(RoutingRule.objects.filter(team=None).order_by("position", "id").values_list("name", flat=True))
    assert order == ["A", "C", "B"]
    manager_client.post(f"/work/routing/{a.pk}/move/", {"direction": "up"})  # already first: no change
    manager_client.post(f"/work/routing/{a.pk}/move/", {"direction": "down"})
    order = list(RoutingRule.objects.filter(team=None).order_by("position", "id").values_list("name", flat=True))
    assert order == ["C", "A", "B"]
    assert manager_client.post(f"/work/routing/{b.pk}/move/", {"direction": "sideways"}).status_code == 302


def test_delete_asks_then_deletes(manager_client):  # type: ignore[no-untyped-def]
    saved = rule("A", add_tags=["x"])
    page = manager_client.get(f"/work/routing/{saved.pk}/delete/")
    assert "Delete the rule “A”?" in page.content.decode()
    assert RoutingRule.objects.filter(pk=saved.pk).exists()
    assert manager_client.post(f"/work/routing/{saved.pk}/delete/").status_code == 302
    assert not RoutingRule.objects.filter(pk=saved.pk).exists()


def test_try_a_sample_shows_which_rules_fire_and_the_outcome(manager_client):  # type: ignore[no-untyped-def]
    rule("安全问题", keywords=["起火"], set_priority="urgent", restrict=True, add_tags=["安全"])
    rule("VIP", customer_tiers=["vip"], set_priority="high", add_tags=["VIP"])
    before = RoutingRule.objects.values_list("fired_count", flat=True)
    response = manager_client.get(
        "/work/routing/try/",
        {
            "kind": "inquiry",
            "category": "other",
            "channel": "chat",
            "platform": "taobao",
            "customer_tier": "vip",
            "priority": "normal",
            "subject": "充电宝起火了",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "安全问题" in body and "VIP" in body
    assert 'data-testid="preview-priority">Urgent<' in body
    assert list(RoutingRule.objects.values_list("fired_count", flat=True)) == list(before)


def test_the_edit_page_previews_the_unsaved_rule_in_place(manager_client):  # type: ignore[no-untyped-def]
    saved = rule("A", keywords=["发票"], add_tags=["发票"])
    response = manager_client.post(
        f"/work/routing/{saved.pk}/",
        _form(
            name="A2",
            keywords="退款",
            add_tags="退款",
            preview="1",
            **{
                "sample-kind": "inquiry",
                "sample-category": "other",
                "sample-channel": "chat",
                "sample-platform": "taobao",
                "sample-customer_tier": "regular",
                "sample-priority": "normal",
                "sample-subject": "我要退款",
            },
        ),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "A2" in body and "tags 退款" in body
    saved.refresh_from_db()
    assert saved.name == "A" and saved.keywords == ["发票"]  # nothing saved


def test_an_admin_sees_every_team(client):  # type: ignore[no-untyped-def]
    boss = UserFactory(username="boss")
    boss.groups.add(Group.objects.get_or_create(name=Role.ADMIN)[0])
    rule("other", team=TeamFactory(name="别的组"), add_tags=["x"])
    client.force_login(boss)
    assert "别的组" in client.get("/work/routing/").content.decode()
