"""The access model (tickets.access): who sees which ticket, by role, ticket scope, team, restriction and
integration platform."""

from __future__ import annotations

import pytest

from accounts.roles import Role
from integrations import services as integration_services
from integrations.scopes import ALL_SCOPES, Scope
from tests.browser import staff_user
from tests.factories import CustomerFactory, TeamFactory, make_ticket
from tickets.access import may_read_notes, tickets_visible_to
from tickets.services.messages import ticket_add_note

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    pre, after = TeamFactory(name="售前 Pre-sales"), TeamFactory(name="售后 After-sales")
    people = {
        "admin": staff_user("boss", Role.ADMIN),
        "lead": staff_user("lead", Role.MANAGER),  # a manager of no team: the head of customer service
        "pre_manager": staff_user("pre_manager", Role.MANAGER),
        "pre_agent": staff_user("pre_agent", Role.AGENT),  # default scope: teams
        "all_agent": staff_user("all_agent", Role.AGENT, ticket_scope="all"),
        "own_agent": staff_user("own_agent", Role.AGENT, ticket_scope="assigned"),
    }
    pre.members.add(people["pre_agent"], people["all_agent"], people["own_agent"])
    pre.managers.add(people["pre_manager"])
    taobao, douyin = CustomerFactory(platform="taobao"), CustomerFactory(platform="douyin")
    tickets = {
        "pre": make_ticket(team=pre, customer=taobao),
        "after": make_ticket(team=after, customer=douyin),
        "after_restricted": make_ticket(team=after, customer=taobao),
        "pre_restricted": make_ticket(team=pre, customer=taobao),
        "unrouted": make_ticket(customer=douyin),
        "after_mine": make_ticket(team=after, customer=taobao, assignee=people["own_agent"]),
    }
    for name in ("after_restricted", "pre_restricted"):
        tickets[name].restricted = True
        tickets[name].save(update_fields=["restricted"])
    return people, tickets


def _seen(user, tickets) -> set[str]:  # type: ignore[no-untyped-def]
    visible = set(tickets_visible_to(user).values_list("pk", flat=True))
    return {name for name, ticket in tickets.items() if ticket.pk in visible}


def test_admins_and_a_manager_of_no_team_see_every_ticket(world):
    people, tickets = world
    assert _seen(people["admin"], tickets) == set(tickets)
    assert _seen(people["lead"], tickets) == set(tickets)


def test_a_manager_sees_their_teams_and_unrouted_tickets(world):
    people, tickets = world
    assert _seen(people["pre_manager"], tickets) == {"pre", "pre_restricted", "unrouted"}


def test_an_agent_sees_what_their_ticket_scope_says(world):
    people, tickets = world
    assert _seen(people["pre_agent"], tickets) == {"pre", "pre_restricted"}
    # "all": every ticket but another team's restricted one.
    assert _seen(people["all_agent"], tickets) == {"pre", "after", "pre_restricted", "unrouted", "after_mine"}
    assert _seen(people["own_agent"], tickets) == {"after_mine"}


def test_restricted_tickets_are_seen_by_their_team_only(world):
    people, tickets = world
    after_agent = staff_user("after_agent", Role.AGENT)
    tickets["after"].team.members.add(after_agent)
    assert "after_restricted" in _seen(after_agent, tickets)
    assert "after_restricted" not in _seen(people["all_agent"], tickets)


def test_an_integration_sees_its_platforms_buyers_only(world):
    _people, tickets = world
    taobao = integration_services.integration_create(name="Taobao", platform="taobao", scopes=ALL_SCOPES)
    several = integration_services.integration_create(name="Middleware", platform="", scopes=ALL_SCOPES)
    assert _seen(taobao.user, tickets) == {"pre", "after_restricted", "pre_restricted", "after_mine"}
    assert _seen(several.user, tickets) == set(tickets)


def test_people_without_a_role_see_nothing(world):
    _people, tickets = world
    assert _seen(staff_user("nobody", "Nobody"), tickets) == set()


def test_internal_notes_reach_an_integration_only_with_the_notes_scope(world, key_client, agent):
    _people, tickets = world
    ticket = tickets["pre"]
    ticket_add_note(ticket=ticket, author=agent, body="内部：客户曾多次恶意退款")
    without = integration_services.integration_create(
        name="Taobao", platform="taobao", scopes=[Scope.TICKETS_READ, Scope.TICKETS_WRITE]
    )
    with_notes = integration_services.integration_create(
        name="Taobao ERP", platform="taobao", scopes=[Scope.TICKETS_READ, Scope.NOTES_READ]
    )
    assert not may_read_notes(without.user) and may_read_notes(with_notes.user) and may_read_notes(agent)
    for integration, shown in ((without, False), (with_notes, True)):
        secret = integration_services.api_key_create(integration=integration).secret
        body = key_client(secret).get(f"/api/v1/tickets/{ticket.pk}/").content.decode()
        assert ("客户曾多次恶意退款" in body) is shown
        assert ('"noted"' in body) is shown


def test_a_platform_bound_key_cannot_open_a_ticket_for_another_platforms_buyer(key_client):
    integration = integration_services.integration_create(name="Taobao", platform="taobao", scopes=ALL_SCOPES)
    api = key_client(integration_services.api_key_create(integration=integration).secret)
    payload = {
        "kind": "inquiry",
        "subject": "发货",
        "customer": {"name": "王", "platform": "douyin", "platform_account_id": "dy_1"},
    }
    response = api.post("/api/v1/tickets/", payload, format="json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "platform_not_allowed"
    from customers.models import Customer

    assert not Customer.objects.filter(platform="douyin").exists()  # nothing written
    assert (
        api.post(
            "/api/v1/tickets/", {**payload, "customer": {**payload["customer"], "platform": "taobao"}}, format="json"
        ).status_code
        == 201
    )


def test_a_manager_restricts_a_ticket_to_its_team_and_an_agent_may_not(world, api_client_for, client):
    people, tickets = world
    ticket = tickets["pre"]
    assert "pre" in _seen(people["all_agent"], tickets)
    other = staff_user("other_all", Role.AGENT, ticket_scope="all")  # sees every unrestricted ticket
    assert ticket.pk in tickets_visible_to(other).values_list("pk", flat=True)
    refused = api_client_for(people["pre_agent"]).patch(
        f"/api/v1/tickets/{ticket.pk}/", {"restricted": True}, format="json"
    )
    assert refused.status_code == 403
    response = api_client_for(people["pre_manager"]).patch(
        f"/api/v1/tickets/{ticket.pk}/", {"restricted": True}, format="json"
    )
    assert response.status_code == 200 and response.json()["restricted"] is True
    assert ticket.pk not in tickets_visible_to(other).values_list("pk", flat=True)
    assert "pre" in _seen(people["pre_agent"], tickets)  # its team still sees it
    # The ticket page: the manager's checkbox opens it again; the timeline says so.
    client.force_login(people["pre_manager"])
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert 'data-testid="restricted-form"' in page
    assert client.post(f"/tickets/{ticket.pk}/restricted/", {}).status_code == 302
    ticket.refresh_from_db()
    assert ticket.restricted is False
    assert ticket.events.filter(type="workflow", data__summary="No longer restricted").exists()
