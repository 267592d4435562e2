import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_managers_edit_sla_policies_in_the_admin_and_agents_cannot(manager, agent):
    manager.is_staff = agent.is_staff = True
    manager.save()
    agent.save()
    managers, agents = Client(), Client()
    managers.force_login(manager)
    agents.force_login(agent)
    assert managers.get("/admin/tickets/slapolicy/").status_code == 200
    assert managers.get("/admin/tickets/slapolicy/add/").status_code == 200
    assert managers.get("/admin/accounts/user/").status_code == 403
    assert agents.get("/admin/tickets/slapolicy/").status_code == 403


def test_tickets_are_read_only_in_the_admin(admin_client):
    from tests.factories import make_ticket

    ticket = make_ticket()
    assert admin_client.get(f"/admin/tickets/ticket/{ticket.pk}/change/").status_code == 200
    assert admin_client.get("/admin/tickets/ticket/add/").status_code == 403
