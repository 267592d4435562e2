"""The top bar's status control, the heartbeat endpoint and the presence API."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from accounts.roles import Role
from tests.factories import TeamFactory, UserFactory
from workforce.enums import PresenceStatus
from workforce.models import AgentProfile, PresenceChange, PresenceSession

from .assign_helpers import make_agent

pytestmark = pytest.mark.django_db


def test_the_top_bar_shows_an_agent_s_status_control(client, agent):  # type: ignore[no-untyped-def]
    client.force_login(agent)
    page = client.get("/").content.decode()
    assert 'data-testid="presence-control"' in page
    assert 'data-status="offline"' in page
    assert "js/presence.js" in page


def test_choosing_a_status_with_htmx_re_renders_the_control(client, agent):  # type: ignore[no-untyped-def]
    client.force_login(agent)
    response = client.post("/work/presence/", {"status": "online"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'data-status="online"' in response.content.decode()
    assert AgentProfile.objects.get(user=agent).status == PresenceStatus.ONLINE
    assert PresenceSession.objects.filter(user=agent).count() == 1  # the page counts as open at once


def test_choosing_without_script_goes_back_to_the_page(client, agent):  # type: ignore[no-untyped-def]
    client.force_login(agent)
    response = client.post("/work/presence/", {"status": "busy", "next": "/complaints/"})
    assert response.status_code == 302 and response["Location"] == "/complaints/"
    response = client.post("/work/presence/", {"status": "busy", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_an_unknown_status_is_a_400_not_a_500(client, agent):  # type: ignore[no-untyped-def]
    client.force_login(agent)
    response = client.post("/work/presence/", {"status": "asleep"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert not PresenceChange.objects.exists()


def test_the_heartbeat_records_the_session_and_answers_the_status(client, agent, settings):  # type: ignore[no-untyped-def]
    settings.PRESENCE_IDLE_AWAY_MINUTES = 10
    client.force_login(agent)
    client.post("/work/presence/", {"status": "online"}, HTTP_HX_REQUEST="true")
    assert client.post("/work/presence/heartbeat/", {"idle_seconds": "5"}).json() == {"status": "online"}
    assert client.post("/work/presence/heartbeat/", {"idle_seconds": "601"}).json() == {"status": "away"}
    assert client.post("/work/presence/heartbeat/", {"idle_seconds": "nan"}).json() == {"status": "online"}
    assert client.post("/work/presence/heartbeat/", {"idle_seconds": "x"}).status_code == 200


def test_people_who_are_not_agents_have_no_presence(client):  # type: ignore[no-untyped-def]
    client.force_login(UserFactory())
    assert 'data-testid="presence-control"' not in client.get("/notifications/").content.decode()
    assert client.post("/work/presence/", {"status": "online"}).status_code == 403
    assert client.post("/work/presence/heartbeat/", {"idle_seconds": "0"}).status_code == 403


def test_the_api_reads_and_sets_one_s_own_status(agent, api_client_for):  # type: ignore[no-untyped-def]
    api = api_client_for(agent)
    assert api.get("/api/v1/presence/me/").json()["status"] == "offline"
    response = api.put("/api/v1/presence/me/", {"status": "busy"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "busy"
    assert api.put("/api/v1/presence/me/", {"status": "asleep"}, format="json").status_code == 400


def test_the_api_lists_the_agents_each_reader_may_see(manager, api_client_for):  # type: ignore[no-untyped-def]
    team = TeamFactory()
    team.managers.add(manager)
    mine = make_agent("mine", status=PresenceStatus.ONLINE, team=team)
    make_agent("elsewhere", status=PresenceStatus.ONLINE)

    rows = api_client_for(manager).get("/api/v1/presence/").json()
    assert [(r["username"], r["status"]) for r in rows] == [("manager1", "offline"), ("mine", "online")]
    rows = api_client_for(mine).get("/api/v1/presence/").json()
    assert [r["username"] for r in rows] == ["mine"]
    admin = UserFactory(is_superuser=True)
    assert len(api_client_for(admin).get("/api/v1/presence/").json()) == 3  # the superuser has no staff role


def test_an_api_key_needs_the_workforce_read_scope(make_key, key_client):  # type: ignore[no-untyped-def]
    _integration, _key, secret = make_key(scopes=["tickets:read"])
    assert key_client(secret).get("/api/v1/presence/").status_code == 403
    _integration, _key, secret = make_key(scopes=["workforce:read"])
    assert key_client(secret).get("/api/v1/presence/").status_code == 200


def test_a_shop_platforms_key_sees_no_staff_presence_and_a_platform_free_key_sees_every_agent(  # type: ignore[no-untyped-def]
    make_key, key_client
):
    UserFactory(username="staffer").groups.add(Group.objects.get_or_create(name=Role.AGENT)[0])
    _integration, _key, shop = make_key(scopes=["workforce:read"], platform="taobao")
    assert key_client(shop).get("/api/v1/presence/").json() == []
    _integration, _key, tooling = make_key(scopes=["workforce:read"], platform="")
    assert "staffer" in [row["username"] for row in key_client(tooling).get("/api/v1/presence/").json()]
