"""Log-ins, failed log-ins and role changes in the admin are in the audit log: who, from where, what changed."""

import pytest
from django.contrib.auth.models import Group

from accounts.roles import Role
from audit.models import AuditEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "secret-pass-123"  # UserFactory's


def test_a_log_in_on_the_login_page_is_recorded_with_its_address():
    UserFactory(username="agent1")
    from django.test import Client

    response = Client(REMOTE_ADDR="198.51.100.4").post("/login/", {"username": "agent1", "password": PASSWORD})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="logged_in")
    assert (entry.actor.username, entry.source, entry.ip_address) == ("agent1", "page", "198.51.100.4")
    assert entry.request_id == response["X-Request-ID"]


def test_a_failed_log_in_keeps_the_name_typed_and_never_the_password(client):
    UserFactory(username="agent1")
    client.post("/login/", {"username": "agent1", "password": "wrong-guess-1"})
    client.post("/login/", {"username": "nobody-here", "password": "wrong-guess-2"})
    failed = AuditEntry.objects.filter(action="login_failed").order_by("id")
    assert [(entry.actor, entry.actor_label, entry.source) for entry in failed] == [
        (None, "agent1", "page"),
        (None, "nobody-here", "page"),
    ]
    assert not AuditEntry.objects.filter(action="logged_in").exists()
    stored = " ".join(f"{entry.details} {entry.context} {entry.target_label}" for entry in failed)
    assert "wrong-guess" not in stored


def test_log_ins_to_the_admin_site_and_the_token_endpoint_say_where_they_came_from(client):
    UserFactory(username="admin", is_staff=True, is_superuser=True)
    client.post("/admin/login/", {"username": "admin", "password": PASSWORD})
    client.post("/api/v1/auth/token/", {"username": "admin", "password": "wrong"}, content_type="application/json")
    assert AuditEntry.objects.get(action="logged_in").source == "admin"
    assert AuditEntry.objects.get(action="login_failed").source == "api"


def _admin_client(client):  # type: ignore[no-untyped-def]
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client, admin


def _change_form(user, **changes):  # type: ignore[no-untyped-def]
    data = {
        "username": user.username,
        "email": user.email,
        "first_name": "",
        "last_name": "",
        "display_name": user.display_name,
        "time_zone": user.time_zone,
        "ticket_scope": user.ticket_scope,
        "date_joined_0": "2026-11-01",
        "date_joined_1": "09:00:00",
        "is_active": "on",
        "groups": [group.pk for group in user.groups.all()],
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_a_role_change_in_the_admin_records_who_changed_whom_and_how(client):
    client, admin = _admin_client(client)
    agent_group = Group.objects.get_or_create(name=Role.AGENT)[0]
    manager_group = Group.objects.get_or_create(name=Role.MANAGER)[0]
    user = UserFactory(username="agent1")
    user.groups.add(agent_group)
    response = client.post(
        f"/admin/accounts/user/{user.pk}/change/",
        _change_form(user, groups=[manager_group.pk], is_staff="on"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(action="roles_changed")
    assert (entry.actor, entry.target_type, entry.target_id, entry.target_label) == (
        admin,
        "accounts.user",
        user.pk,
        "agent1",
    )
    assert entry.source == "admin"
    assert entry.details == {"groups_added": ["Manager"], "groups_removed": ["Agent"], "is_staff": [False, True]}


def test_changing_an_agents_ticket_scope_is_recorded_like_a_role_change(client):
    client, admin = _admin_client(client)
    user = UserFactory(username="agent1")
    user.groups.add(Group.objects.get_or_create(name=Role.AGENT)[0])
    response = client.post(f"/admin/accounts/user/{user.pk}/change/", _change_form(user, ticket_scope="all"))
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="roles_changed")
    assert entry.actor == admin and entry.details == {"ticket_scope": ["teams", "all"]}


def test_saving_a_user_without_touching_the_roles_records_nothing(client):
    client, _admin = _admin_client(client)
    user = UserFactory(username="agent1")
    user.groups.add(Group.objects.get_or_create(name=Role.AGENT)[0])
    response = client.post(f"/admin/accounts/user/{user.pk}/change/", _change_form(user, display_name="小林"))
    assert response.status_code == 302
    assert not AuditEntry.objects.filter(action="roles_changed").exists()


def test_deactivating_a_user_is_recorded_as_a_role_change(client):
    client, _admin = _admin_client(client)
    user = UserFactory(username="agent1")
    client.post(f"/admin/accounts/user/{user.pk}/change/", _change_form(user, is_active=None))
    assert AuditEntry.objects.get(action="roles_changed").details == {"is_active": [True, False]}
