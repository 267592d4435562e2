"""Work settings: skills, an agent's capacity and skills, a team's auto-assignment settings — the services'
validation and rights, the pages and the API, and the auto-assignment they trigger."""

from __future__ import annotations

from unittest import mock

import pytest
from django.utils import translation

from accounts.roles import Role
from core.errors import Conflict, Forbidden, ValidationFailed
from tests.browser import staff_user
from tests.factories import TeamFactory
from workforce.enums import AssignmentMode
from workforce.models import AgentProfile, RoutingRule, Skill, TeamWorkSettings
from workforce.services import settings as work_settings

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):  # type: ignore[no-untyped-def]
    """The messages checked here are the English ones (the catalogue has their Chinese)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


AUTOASSIGN = "workforce.services.assignment.autoassign_after_commit"


@pytest.fixture
def admin():  # type: ignore[no-untyped-def]
    return staff_user("boss", Role.ADMIN)


@pytest.fixture
def other_manager():  # type: ignore[no-untyped-def]
    other = staff_user("pre_manager", Role.MANAGER)
    TeamFactory(name="售前 Pre-sales").managers.add(other)
    return other


# --- skills ---------------------------------------------------------------------------------------------------


def test_a_skill_needs_a_name_of_1_to_50_characters_unique_whatever_the_case(manager):
    work_settings.skill_create(actor=manager, name=" 退款 ")
    assert Skill.objects.get().name == "退款"
    for bad in ("", "   ", "x" * 51, "退款"):
        with pytest.raises(ValidationFailed) as caught:
            work_settings.skill_create(actor=manager, name=bad)
        assert "name" in caught.value.fields
    work_settings.skill_create(actor=manager, name="English")
    with pytest.raises(ValidationFailed):
        work_settings.skill_create(actor=manager, name="english")
    assert Skill.objects.count() == 2


def test_renaming_a_skill_to_another_skill_s_name_is_refused(manager):
    refund = work_settings.skill_create(actor=manager, name="退款")
    work_settings.skill_create(actor=manager, name="发票")
    with pytest.raises(ValidationFailed):
        work_settings.skill_update(actor=manager, skill=refund, name="发票")
    work_settings.skill_update(actor=manager, skill=refund, name="退款退货", description="售后")
    refund.refresh_from_db()
    assert (refund.name, refund.description) == ("退款退货", "售后")


def test_agents_may_not_change_skills(agent):
    with pytest.raises(Forbidden):
        work_settings.skill_create(actor=agent, name="退款")


def test_deleting_a_skill_a_routing_rule_requires_is_a_409_naming_the_rule(manager, agent):
    skill = work_settings.skill_create(actor=manager, name="退款")
    RoutingRule.objects.create(name="退款单找退款组", required_skill=skill)
    with pytest.raises(Conflict) as caught:
        work_settings.skill_delete(actor=manager, skill=skill)
    assert "退款单找退款组" in caught.value.message
    assert Skill.objects.filter(pk=skill.pk).exists()
    RoutingRule.objects.all().delete()
    work_settings.agent_work_profile_update(actor=None, user=agent, skills=[skill.pk])
    work_settings.skill_delete(actor=manager, skill=skill)
    assert not Skill.objects.exists()
    assert list(AgentProfile.objects.get(user=agent).skills.all()) == []


# --- an agent's capacity and skills ---------------------------------------------------------------------------


@pytest.mark.parametrize("capacity", [0, -1, 201, True])
def test_capacity_must_be_between_1_and_200(team, manager, agent, capacity):
    with pytest.raises(ValidationFailed) as caught:
        work_settings.agent_work_profile_update(actor=manager, user=agent, capacity=capacity)
    assert caught.value.message == "capacity must be between 1 and 200"
    assert not AgentProfile.objects.filter(user=agent).exclude(capacity=8).exists()


def test_an_unknown_skill_is_refused_and_nothing_changes(team, manager, agent):
    skill = Skill.objects.create(name="退款")
    with pytest.raises(ValidationFailed) as caught:
        work_settings.agent_work_profile_update(actor=manager, user=agent, capacity=12, skills=[skill.pk, 999999])
    assert "999999" in caught.value.message
    assert not AgentProfile.objects.filter(user=agent, capacity=12).exists()
    for bad in (2**70, "1", None):  # past any id, or not a number: refused, never a database error
        with pytest.raises(ValidationFailed):
            work_settings.agent_work_profile_update(actor=manager, user=agent, skills=[bad])


def test_a_manager_sets_capacity_and_skills_of_their_team_s_agent(team, manager, agent):
    refund, invoice = Skill.objects.create(name="退款"), Skill.objects.create(name="发票")
    profile = work_settings.agent_work_profile_update(actor=manager, user=agent, capacity=12, skills=[refund, invoice])
    assert profile.capacity == 12
    assert set(profile.skills.all()) == {refund, invoice}
    work_settings.agent_work_profile_update(actor=manager, user=agent, skills=[invoice.pk])
    profile.refresh_from_db()
    assert (profile.capacity, list(profile.skills.all())) == (12, [invoice])


def test_a_manager_of_another_team_and_agents_may_not_change_an_agent(team, agent, other_agent, other_manager):
    for actor in (other_manager, other_agent, agent):
        with pytest.raises(Forbidden):
            work_settings.agent_work_profile_update(actor=actor, user=agent, capacity=3)


def test_admins_change_any_agent_but_only_agents(admin, agent, integration_user):
    work_settings.agent_work_profile_update(actor=admin, user=agent, capacity=30)
    assert AgentProfile.objects.get(user=agent).capacity == 30
    with pytest.raises(ValidationFailed):
        work_settings.agent_work_profile_update(actor=admin, user=integration_user, capacity=3)


def test_a_raised_capacity_or_an_added_skill_runs_auto_assignment_for_the_agent_s_teams_after_commit(
    team, manager, agent, django_capture_on_commit_callbacks
):
    second = TeamFactory(name="夜班")
    second.members.add(agent)
    skill = Skill.objects.create(name="退款")
    with mock.patch(AUTOASSIGN) as autoassign:
        work_settings.agent_work_profile_update(actor=manager, user=agent, capacity=5)  # lowered from 8
        autoassign.assert_not_called()
        work_settings.agent_work_profile_update(actor=manager, user=agent, capacity=10)
        assert sorted(autoassign.call_args.args[0]) == sorted([team.pk, second.pk])
        autoassign.reset_mock()
        work_settings.agent_work_profile_update(actor=manager, user=agent, skills=[skill.pk])
        autoassign.assert_called_once()
        autoassign.reset_mock()
        work_settings.agent_work_profile_update(actor=manager, user=agent, skills=[])  # removed: frees nothing
        autoassign.assert_not_called()


# --- a team's settings ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"assignment_mode": "fastest"}, "assignment_mode"),
        ({"capacity_override": 0}, "capacity_override"),
        ({"capacity_override": -1}, "capacity_override"),
        ({"capacity_override": 201}, "capacity_override"),
    ],
)
def test_a_bad_mode_or_capacity_is_refused(team, manager, changes, field):
    with pytest.raises(ValidationFailed) as caught:
        work_settings.team_work_settings_update(actor=manager, team=team, **changes)
    assert field in caught.value.fields


def test_only_the_team_s_managers_and_admins_change_its_settings(team, agent, other_manager, admin):
    for actor in (agent, other_manager):
        with pytest.raises(Forbidden):
            work_settings.team_work_settings_update(actor=actor, team=team, assignment_paused=True)
    settings = work_settings.team_work_settings_update(
        actor=admin, team=team, assignment_mode=AssignmentMode.LEAST_LOADED, capacity_override=5
    )
    assert (settings.assignment_mode, settings.capacity_override) == ("least_loaded", 5)
    settings = work_settings.team_work_settings_update(actor=admin, team=team, capacity_override=None)
    assert settings.capacity_override is None


def test_switching_on_resuming_or_raising_capacity_runs_auto_assignment_pausing_does_not(
    team, manager, django_capture_on_commit_callbacks
):
    def update(**changes):  # type: ignore[no-untyped-def]
        with mock.patch(AUTOASSIGN) as autoassign:
            work_settings.team_work_settings_update(actor=manager, team=team, **changes)
        return autoassign.call_args.args[0] if autoassign.called else None

    assert update(capacity_override=3) is None  # off: nothing to run
    assert update(assignment_mode="round_robin") == [team.pk]
    assert update(assignment_mode="least_loaded") is None  # was on already
    assert update(assignment_paused=True) is None
    assert update(capacity_override=10) is None  # paused
    assert update(assignment_paused=False) == [team.pk]
    assert update(capacity_override=2) is None  # lowered
    assert update(capacity_override=6) == [team.pk]
    assert update(capacity_override=None) == [team.pk]  # each agent's own: may be more
    assert update(hand_back_on_offline=False) is None
    settings = TeamWorkSettings.objects.get(team=team)
    assert (settings.assignment_mode, settings.assignment_paused, settings.hand_back_on_offline) == (
        "least_loaded",
        False,
        False,
    )


# --- pages ----------------------------------------------------------------------------------------------------


def test_agents_get_403_on_every_work_settings_page(client, agent, team):
    skill = Skill.objects.create(name="退款")
    client.force_login(agent)
    for url in (
        "/work/board/",
        "/work/board/live/",
        "/work/teams/",
        f"/work/teams/{team.pk}/settings/",
        "/work/agents/",
        f"/work/agents/{agent.pk}/",
        "/work/skills/",
        f"/work/skills/{skill.pk}/",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/work/teams/{team.pk}/pause/", {"paused": "1"}).status_code == 403
    assert client.post(f"/work/skills/{skill.pk}/delete/").status_code == 403
    assert not TeamWorkSettings.objects.filter(assignment_paused=True).exists()


def test_the_teams_page_lists_only_the_manager_s_teams_and_pause_resume_is_one_click(client, team, manager):
    TeamFactory(name="售前 Pre-sales")
    client.force_login(manager)
    page = client.get("/work/teams/").content.decode()
    assert "售后 After-sales" in page and "售前 Pre-sales" not in page
    with mock.patch(AUTOASSIGN):
        client.post(f"/work/teams/{team.pk}/pause/", {"paused": "1"})
        assert TeamWorkSettings.objects.get(team=team).assignment_paused
        client.post(f"/work/teams/{team.pk}/pause/", {"paused": "0"})
    assert not TeamWorkSettings.objects.get(team=team).assignment_paused


def test_another_manager_s_team_and_agent_are_404_on_the_pages(client, team, agent, other_manager):
    client.force_login(other_manager)
    assert client.get(f"/work/teams/{team.pk}/settings/").status_code == 404
    assert client.post(f"/work/teams/{team.pk}/pause/", {"paused": "1"}).status_code == 404
    assert client.get(f"/work/agents/{agent.pk}/").status_code == 404
    assert agent.username not in client.get("/work/agents/").content.decode()


def test_the_team_settings_form_shows_the_service_s_error_for_capacity_0(client, team, manager):
    client.force_login(manager)
    url = f"/work/teams/{team.pk}/settings/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"assignment_mode": "round_robin", "capacity_override": "0"})
    assert response.status_code == 400
    assert "capacity must be between 1 and 200" in response.content.decode()
    with mock.patch(AUTOASSIGN):
        response = client.post(
            url, {"assignment_mode": "round_robin", "capacity_override": "4", "hand_back_on_offline": "on"}
        )
    assert response.status_code == 302
    settings = TeamWorkSettings.objects.get(team=team)
    assert (settings.assignment_mode, settings.capacity_override, settings.hand_back_on_offline) == (
        "round_robin",
        4,
        True,
    )


def test_a_manager_edits_an_agent_s_capacity_and_skills_on_the_page(client, team, manager, agent):
    skill = Skill.objects.create(name="退款")
    client.force_login(manager)
    assert agent.username in client.get("/work/agents/").content.decode()
    url = f"/work/agents/{agent.pk}/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"capacity": "201"})
    assert response.status_code == 400 and "capacity must be between 1 and 200" in response.content.decode()
    with mock.patch(AUTOASSIGN):
        assert client.post(url, {"capacity": "15", "skills": [str(skill.pk)]}).status_code == 302
    profile = AgentProfile.objects.get(user=agent)
    assert (profile.capacity, list(profile.skills.all())) == (15, [skill])


def test_skills_page_adds_renames_and_deletes(client, manager):
    client.force_login(manager)
    assert client.post("/work/skills/", {"name": "退款"}).status_code == 302
    duplicate = client.post("/work/skills/", {"name": "退款"})
    assert duplicate.status_code == 400
    skill = Skill.objects.get()
    assert client.post(f"/work/skills/{skill.pk}/", {"name": "退款退货"}).status_code == 302
    assert "退款退货" in client.get("/work/skills/").content.decode()
    RoutingRule.objects.create(name="退款规则", required_skill=skill)
    response = client.post(f"/work/skills/{skill.pk}/delete/", follow=True)
    assert "退款规则" in response.content.decode() and Skill.objects.exists()
    RoutingRule.objects.all().delete()
    client.post(f"/work/skills/{skill.pk}/delete/")
    assert not Skill.objects.exists()
