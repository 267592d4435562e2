"""The work-settings API: skills, agents' work profiles and teams' work settings — 4xx on bad input, who may
do what (roles, teams, key scopes), Idempotency-Key on POST."""

from __future__ import annotations

from unittest import mock

import pytest
from django.utils import translation

from accounts.roles import Role
from tests.browser import staff_user
from tests.factories import TeamFactory
from workforce.models import AgentProfile, RoutingRule, Skill, TeamWorkSettings

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):  # type: ignore[no-untyped-def]
    """The messages checked here are the English ones (the catalogue has their Chinese)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


AUTOASSIGN = "workforce.services.assignment.autoassign_after_commit"


@pytest.fixture
def other_manager():  # type: ignore[no-untyped-def]
    other = staff_user("pre_manager", Role.MANAGER)
    TeamFactory(name="售前 Pre-sales").managers.add(other)
    return other


def test_skills_crud_over_the_api(manager, api_client_for):
    api = api_client_for(manager)
    created = api.post("/api/v1/skills/", {"name": "退款", "description": "退款退货"}, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert api.post("/api/v1/skills/", {"name": "退款"}, format="json").status_code == 400
    assert api.post("/api/v1/skills/", {"name": "x" * 51}, format="json").status_code == 400
    assert api.post("/api/v1/skills/", {"name": ""}, format="json").status_code == 400
    assert [row["name"] for row in api.get("/api/v1/skills/").json()] == ["退款"]
    assert api.patch(f"/api/v1/skills/{pk}/", {"name": "发票"}, format="json").json()["name"] == "发票"
    RoutingRule.objects.create(name="发票规则", required_skill_id=pk)
    refused = api.delete(f"/api/v1/skills/{pk}/")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "skill_in_use" and "发票规则" in refused.json()["error"]["message"]
    RoutingRule.objects.all().delete()
    assert api.delete(f"/api/v1/skills/{pk}/").status_code == 204
    assert not Skill.objects.exists()


def test_creating_a_skill_replays_with_the_same_idempotency_key(manager, api_client_for):
    api = api_client_for(manager)
    first = api.post("/api/v1/skills/", {"name": "退款"}, format="json", HTTP_IDEMPOTENCY_KEY="skill-1")
    again = api.post("/api/v1/skills/", {"name": "退款"}, format="json", HTTP_IDEMPOTENCY_KEY="skill-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert Skill.objects.count() == 1


@pytest.mark.parametrize("capacity", [0, -1, 201])
def test_a_capacity_out_of_range_is_a_400(team, manager, agent, api_client_for, capacity):
    response = api_client_for(manager).patch(
        f"/api/v1/agents/{agent.pk}/work-profile/", {"capacity": capacity}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["capacity"] == ["capacity must be between 1 and 200"]


def test_an_unknown_skill_is_a_400(team, manager, agent, api_client_for):
    response = api_client_for(manager).patch(
        f"/api/v1/agents/{agent.pk}/work-profile/", {"skills": [424242]}, format="json"
    )
    assert response.status_code == 400 and "skills" in response.json()["error"]["fields"]


def test_a_manager_reads_and_changes_their_agent_s_work_profile(team, manager, agent, api_client_for):
    skill = Skill.objects.create(name="退款")
    api = api_client_for(manager)
    before = api.get(f"/api/v1/agents/{agent.pk}/work-profile/").json()
    assert (before["capacity"], before["presence"], before["load"], before["presence_since"]) == (8, "offline", 0, None)
    assert before["teams"] == [{"id": team.pk, "name": team.name}]
    with mock.patch(AUTOASSIGN) as autoassign:
        after = api.patch(
            f"/api/v1/agents/{agent.pk}/work-profile/",
            {"capacity": 12, "skills": [skill.pk], "presence": "online"},
            format="json",
        )
    assert after.status_code == 200
    assert after.json()["capacity"] == 12 and [s["name"] for s in after.json()["skills"]] == ["退款"]
    assert after.json()["presence"] == "offline"  # read-only
    assert autoassign.called


def test_agents_read_only_their_own_work_profile(team, agent, other_agent, api_client_for):
    api = api_client_for(agent)
    own = api.get(f"/api/v1/agents/{agent.pk}/work-profile/")
    assert own.status_code == 200 and own.json()["username"] == agent.username
    assert api.patch(f"/api/v1/agents/{agent.pk}/work-profile/", {"capacity": 50}, format="json").status_code == 403
    assert api.get(f"/api/v1/agents/{other_agent.pk}/work-profile/").status_code == 403
    assert api.get(f"/api/v1/agents/{2**62}/work-profile/").status_code == 403  # the same whether it exists
    for path in ("/api/v1/skills/", "/api/v1/board/", f"/api/v1/teams/{team.pk}/work-settings/"):
        assert api.get(path).status_code == 403, path
    assert api.post("/api/v1/skills/", {"name": "退款"}, format="json").status_code == 403
    assert not AgentProfile.objects.filter(capacity=50).exists()


def test_another_team_s_manager_gets_404(team, agent, other_manager, api_client_for):
    api = api_client_for(other_manager)
    assert api.get(f"/api/v1/agents/{agent.pk}/work-profile/").status_code == 404
    assert api.patch(f"/api/v1/agents/{agent.pk}/work-profile/", {"capacity": 3}, format="json").status_code == 404
    assert api.get(f"/api/v1/teams/{team.pk}/work-settings/").status_code == 404
    patch = api.patch(f"/api/v1/teams/{team.pk}/work-settings/", {"assignment_paused": True}, format="json")
    assert patch.status_code == 404
    assert not TeamWorkSettings.objects.filter(assignment_paused=True).exists()


def test_team_work_settings_over_the_api(team, manager, api_client_for):
    api = api_client_for(manager)
    url = f"/api/v1/teams/{team.pk}/work-settings/"
    assert api.get(url).json() == {
        "team": {"id": team.pk, "name": team.name},
        "assignment_mode": "off",
        "assignment_paused": False,
        "capacity_override": None,
        "hand_back_on_offline": True,
        "members_count": 1,
    }
    for bad in ({"assignment_mode": "fastest"}, {"capacity_override": 0}, {"capacity_override": -1}):
        assert api.patch(url, bad, format="json").status_code == 400, bad
    with mock.patch(AUTOASSIGN) as autoassign:
        changed = api.patch(url, {"assignment_mode": "round_robin", "capacity_override": 5}, format="json")
    assert changed.status_code == 200
    assert (changed.json()["assignment_mode"], changed.json()["capacity_override"]) == ("round_robin", 5)
    autoassign.assert_called_once_with([team.pk])
    cleared = api.patch(url, {"capacity_override": None, "assignment_paused": True}, format="json").json()
    assert (cleared["capacity_override"], cleared["assignment_paused"]) == (None, True)


def test_an_admin_reaches_every_team_and_agent(team, agent, api_client_for):
    admin = staff_user("boss", Role.ADMIN)
    api = api_client_for(admin)
    assert api.get(f"/api/v1/teams/{team.pk}/work-settings/").status_code == 200
    assert api.patch(f"/api/v1/agents/{agent.pk}/work-profile/", {"capacity": 20}, format="json").status_code == 200


def test_keys_need_the_workforce_scopes_and_no_platform(team, make_key, key_client):
    _integration, _key, reader = make_key(scopes=["workforce:read"], platform="")
    api = key_client(reader)
    assert api.get("/api/v1/board/").status_code == 200
    assert api.get(f"/api/v1/teams/{team.pk}/work-settings/").status_code == 200
    refused = api.post("/api/v1/skills/", {"name": "退款"}, format="json")
    assert refused.status_code == 403 and refused.json()["error"]["required_scope"] == "workforce:write"
    _integration, _key, writer = make_key(scopes=["workforce:read", "workforce:write"], platform="")
    assert key_client(writer).post("/api/v1/skills/", {"name": "退款"}, format="json").status_code == 201
    _integration, _key, tickets_only = make_key(scopes=["tickets:read"], platform="")
    assert key_client(tickets_only).get("/api/v1/board/").status_code == 403
    _integration, _key, shop = make_key(platform="douyin")  # every scope, but a shop platform's key
    assert key_client(shop).get("/api/v1/board/").status_code == 403
    assert key_client(shop).get(f"/api/v1/teams/{team.pk}/work-settings/").status_code == 403
