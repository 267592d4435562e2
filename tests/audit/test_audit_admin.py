"""The audit log in the Django admin is read-only for everybody, superusers included: no add, no change, no
delete (one by one or by the bulk action)."""

import pytest
from django.contrib.auth.models import Group

from accounts.roles import Role
from audit.enums import AuditAction
from audit.models import AuditEntry
from audit.services import audit_record
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["superuser", "admin role"])
def admin_client(request, client):  # type: ignore[no-untyped-def]
    if request.param == "superuser":
        user = UserFactory(username="root", is_staff=True, is_superuser=True)
    else:
        user = UserFactory(username="admin", is_staff=True)
        user.groups.add(Group.objects.get(name=Role.ADMIN))
    client.force_login(user)
    return client


def test_admins_read_entries_but_cannot_add_change_or_delete_them(admin_client):
    entry = audit_record(action=AuditAction.LOGIN_FAILED, actor=None, actor_label="mallory")
    assert admin_client.get("/admin/audit/auditentry/").status_code == 200
    change_page = admin_client.get(f"/admin/audit/auditentry/{entry.pk}/change/")
    assert change_page.status_code == 200 and "mallory" in change_page.content.decode()
    assert 'name="_save"' not in change_page.content.decode()
    assert admin_client.get("/admin/audit/auditentry/add/").status_code == 403
    admin_client.post(f"/admin/audit/auditentry/{entry.pk}/change/", {"actor_label": "someone else"})
    assert admin_client.get(f"/admin/audit/auditentry/{entry.pk}/delete/").status_code == 403
    admin_client.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"})
    admin_client.post(
        "/admin/audit/auditentry/", {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    )
    assert AuditEntry.objects.get(pk=entry.pk).actor_label == "mallory"
    assert AuditEntry.objects.filter(action="login_failed").count() == 1


def test_agents_and_managers_do_not_reach_it_in_the_admin(client):
    manager = UserFactory(username="manager1", is_staff=True)
    manager.groups.add(Group.objects.get(name=Role.MANAGER))
    client.force_login(manager)
    assert client.get("/admin/audit/auditentry/").status_code == 403
