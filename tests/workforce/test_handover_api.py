"""Shifts and handovers over the API: who may do what (people, keys and their scopes), 4xx on bad input,
filters, acknowledgements."""

from __future__ import annotations

import pytest

from accounts.roles import Role
from integrations import services as integration_services
from tests.browser import staff_user
from tests.factories import make_ticket
from workforce.models import Handover, HandoverAck, Shift
from workforce.services.handover import handover_create

pytestmark = pytest.mark.django_db


def _key(scopes):  # type: ignore[no-untyped-def]
    name = "shop " + " ".join(scopes)
    integration = integration_services.integration_create(name=name, platform="taobao", scopes=scopes)
    return integration_services.api_key_create(integration=integration).secret


def test_managers_create_update_and_delete_shifts(manager_api, team, agent):  # type: ignore[no-untyped-def]
    created = manager_api.post(
        "/api/v1/shifts/",
        {"team": team.pk, "name": "晚班", "start_time": "16:00", "end_time": "00:00", "members": [agent.pk]},
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["end_time"] == "00:00" and created.json()["members"][0]["id"] == agent.pk
    pk = created.json()["id"]
    overlap = manager_api.post(
        "/api/v1/shifts/", {"team": team.pk, "name": "夜班", "start_time": "22:00", "end_time": "06:00"}, format="json"
    )
    assert overlap.status_code == 400
    assert "晚班 16:00–24:00" in overlap.json()["error"]["message"]
    same = manager_api.post(
        "/api/v1/shifts/", {"team": team.pk, "name": "x", "start_time": "08:00", "end_time": "08:00"}, format="json"
    )
    assert same.status_code == 400 and "end_time" in same.json()["error"]["fields"]
    patched = manager_api.patch(f"/api/v1/shifts/{pk}/", {"name": "晚 班"}, format="json")
    assert patched.status_code == 200 and patched.json()["name"] == "晚 班"
    assert manager_api.get(f"/api/v1/shifts/?team={team.pk}").json()[0]["id"] == pk
    assert manager_api.delete(f"/api/v1/shifts/{pk}/").status_code == 204
    assert not Shift.objects.exists()


def test_agents_read_their_teams_shifts_but_do_not_change_them(agent_api, team, manager):  # type: ignore[no-untyped-def]
    shift = Shift.objects.create(team=team, name="早班", start_time="08:00", end_time="16:00")
    assert agent_api.get(f"/api/v1/shifts/{shift.pk}/").status_code == 200
    assert agent_api.patch(f"/api/v1/shifts/{shift.pk}/", {"name": "x"}, format="json").status_code == 403
    assert agent_api.delete(f"/api/v1/shifts/{shift.pk}/").status_code == 403
    created = agent_api.post(
        "/api/v1/shifts/", {"team": team.pk, "name": "晚班", "start_time": "16:00", "end_time": "00:00"}, format="json"
    )
    assert created.status_code == 403


def test_keys_need_the_workforce_scopes_for_shifts(key_client, team):  # type: ignore[no-untyped-def]
    reader = key_client(_key(["workforce:read"]))
    assert reader.get("/api/v1/shifts/").status_code == 200
    refused = reader.post(
        "/api/v1/shifts/", {"team": team.pk, "name": "早班", "start_time": "08:00", "end_time": "16:00"}, format="json"
    )
    assert refused.status_code == 403 and refused.json()["error"]["required_scope"] == "workforce:write"
    assert key_client(_key(["tickets:read"])).get("/api/v1/shifts/").status_code == 403
    writer = key_client(_key(["workforce:read", "workforce:write"]))
    created = writer.post(
        "/api/v1/shifts/", {"team": team.pk, "name": "早班", "start_time": "08:00", "end_time": "16:00"}, format="json"
    )
    assert created.status_code == 201


def test_people_write_and_acknowledge_handovers(api_client_for, team, agent, other_agent):  # type: ignore[no-untyped-def]
    team.members.add(other_agent)
    ticket = make_ticket(team=team, assignee=agent)
    author = api_client_for(agent)
    created = author.post(
        "/api/v1/handovers/",
        {
            "team": team.pk,
            "notes": "询单未下单：李先生",
            "items": [{"ticket": ticket.pk, "action": "to_agent", "to_agent": other_agent.pk, "note": "等回复"}],
        },
        format="json",
        HTTP_IDEMPOTENCY_KEY="handover-1",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["items"][0]["reference"] == ticket.reference and body["items"][0]["to_agent"]["id"] == other_agent.pk
    ticket.refresh_from_db()
    assert ticket.assignee == other_agent
    again = author.post(
        "/api/v1/handovers/",
        {
            "team": team.pk,
            "notes": "询单未下单：李先生",
            "items": [{"ticket": ticket.pk, "action": "to_agent", "to_agent": other_agent.pk, "note": "等回复"}],
        },
        format="json",
        HTTP_IDEMPOTENCY_KEY="handover-1",
    )
    assert again.status_code == 201 and Handover.objects.count() == 1
    pk = body["id"]
    assert author.post(f"/api/v1/handovers/{pk}/acknowledgements/").status_code == 403  # not one's own
    reader = api_client_for(other_agent)
    assert reader.get("/api/v1/handovers/?unread=true").json()["results"][0]["id"] == pk
    assert reader.post(f"/api/v1/handovers/{pk}/acknowledgements/").status_code == 201
    assert reader.post(f"/api/v1/handovers/{pk}/acknowledgements/").status_code == 200
    assert HandoverAck.objects.count() == 1
    assert reader.get("/api/v1/handovers/?unread=true").json()["results"] == []
    assert reader.get(f"/api/v1/handovers/?ticket={ticket.reference}").json()["results"][0]["id"] == pk


def test_handover_input_errors_are_4xx_and_write_nothing(agent_api, team, agent, other_agent):  # type: ignore[no-untyped-def]
    theirs = make_ticket(team=team, assignee=other_agent)
    for payload in (
        {"team": team.pk, "items": [{"ticket": theirs.pk, "action": "keep"}]},
        {"team": team.pk, "items": [{"ticket": 2**40, "action": "keep"}]},
        {"team": team.pk, "items": [{"ticket": theirs.pk, "action": "explode"}]},
        {"team": team.pk, "notes": "x" * 5001},
        {"team": 2**40},
        {"team": "abc"},
    ):
        response = agent_api.post("/api/v1/handovers/", payload, format="json")
        assert 400 <= response.status_code < 500, (payload, response.status_code)
    assert not Handover.objects.exists()


def test_keys_read_handovers_with_workforce_read_and_never_write(key_client, team, agent):  # type: ignore[no-untyped-def]
    ticket = make_ticket(team=team, assignee=agent, subject="淘宝买家的单")
    handover = handover_create(author=agent, team=team, items=[{"ticket": ticket, "action": "keep"}])
    reader = key_client(_key(["workforce:read"]))
    listed = reader.get("/api/v1/handovers/")
    assert listed.status_code == 200 and listed.json()["results"][0]["id"] == handover.pk
    refused = reader.post("/api/v1/handovers/", {"team": team.pk}, format="json")
    assert refused.status_code == 403
    assert reader.post(f"/api/v1/handovers/{handover.pk}/acknowledgements/").status_code == 403
    assert key_client(_key(["tickets:read"])).get("/api/v1/handovers/").status_code == 403


def test_a_ticket_the_key_may_not_see_has_no_subject(key_client, team, agent):  # type: ignore[no-untyped-def]
    from tests.factories import CustomerFactory

    ticket = make_ticket(team=team, assignee=agent, customer=CustomerFactory(platform="douyin"), subject="抖音买家")
    handover = handover_create(author=agent, team=team, items=[{"ticket": ticket, "action": "keep"}])
    body = key_client(_key(["workforce:read"])).get(f"/api/v1/handovers/{handover.pk}/").json()
    assert body["items"][0]["reference"] == ticket.reference and body["items"][0]["subject"] == ""


def test_outsiders_do_not_read_other_teams_handovers(api_client_for, team, agent):  # type: ignore[no-untyped-def]
    handover = handover_create(author=agent, team=team, notes="内部")
    outsider = api_client_for(staff_user("pre_agent", Role.AGENT))
    assert outsider.get(f"/api/v1/handovers/{handover.pk}/").status_code == 404
    assert outsider.get("/api/v1/handovers/").json()["results"] == []
    assert outsider.post(f"/api/v1/handovers/{handover.pk}/acknowledgements/").status_code == 404
