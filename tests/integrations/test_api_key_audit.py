"""Making, rotating and revoking an API key is in the audit log — by the admin site, the API or a key itself —
naming the integration and the key's prefix, never the key."""

import json

import pytest

from audit.models import AuditEntry
from core.errors import Conflict
from integrations import services
from tests.conftest import _with_role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _entries(action: str):  # type: ignore[no-untyped-def]
    return AuditEntry.objects.filter(action=action).order_by("id")


def test_creating_a_key_is_recorded_with_who_and_which_integration(make_key):
    integration, api_key, secret = make_key(name="抖店中台")
    entry = _entries("api_key_created").get()
    assert (entry.actor, entry.source, entry.target_type, entry.target_id) == (
        None,
        "system",
        "integrations.apikey",
        api_key.pk,
    )
    assert entry.target_label == f"抖店中台 · {api_key.prefix}"
    assert entry.details == {"integration": "抖店中台", "key": api_key.prefix}
    assert secret not in json.dumps(list(AuditEntry.objects.values()), default=str)


def test_a_rotation_is_one_entry_naming_the_new_key(make_key):
    _integration, api_key, secret = make_key()
    actor = UserFactory(username="boss")
    new = services.api_key_rotate(api_key=api_key, actor=actor)
    rotated = _entries("api_key_rotated").get()
    assert (rotated.actor, rotated.target_id) == (actor, api_key.pk)
    assert rotated.details["key"] == api_key.prefix and rotated.details["new_key"] == new.api_key.prefix
    assert _entries("api_key_created").count() == 1  # the first key only: the rotation made the second
    assert new.secret not in json.dumps(list(AuditEntry.objects.values()), default=str)


def test_a_refused_rotation_records_nothing(make_key):
    _integration, api_key, _secret = make_key()
    services.api_key_revoke(api_key=api_key)
    with pytest.raises(Conflict):
        services.api_key_rotate(api_key=api_key)
    assert not _entries("api_key_rotated").exists()


def test_revoking_is_recorded_once_however_often_it_is_asked(make_key):
    _integration, api_key, _secret = make_key()
    actor = UserFactory(username="boss")
    services.api_key_revoke(api_key=api_key, actor=actor)
    services.api_key_revoke(api_key=api_key, actor=actor)
    entry = _entries("api_key_revoked").get()
    assert (entry.actor, entry.target_id, entry.details["key"]) == (actor, api_key.pk, api_key.prefix)


def test_a_key_that_rotates_and_revokes_over_the_api_is_recorded_as_its_integration(make_key, key_client):
    integration, api_key, secret = make_key()
    response = key_client(secret).post(f"/api/v1/api-keys/{api_key.pk}/rotate/", {"overlap_hours": 0}, format="json")
    assert response.status_code == 201
    new_key_id = response.json()["api_key"]["id"]
    key_client(response.json()["key"]).post(f"/api/v1/api-keys/{new_key_id}/revoke/")
    rotated, revoked = _entries("api_key_rotated").get(), _entries("api_key_revoked").get()
    assert (rotated.actor, rotated.source) == (integration.user, "api")
    assert (revoked.actor, revoked.target_id, revoked.source) == (integration.user, new_key_id, "api")
    assert rotated.request_id == response["X-Request-ID"]


def test_admins_over_the_api_and_in_the_admin_site_are_named(make_key, api_client_for, client):
    integration, api_key, _secret = make_key()
    admin = _with_role(UserFactory(username="boss", is_staff=True), "Admin")
    response = api_client_for(admin).post(
        f"/api/v1/integrations/{integration.pk}/keys/", {"name": "prod"}, format="json"
    )
    assert response.status_code == 201
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    client.post("/admin/integrations/apikey/", {"action": "revoke", "_selected_action": [api_key.pk]})
    client.post("/admin/integrations/integration/", {"action": "create_key", "_selected_action": [integration.pk]})
    created = _entries("api_key_created")
    assert [(entry.actor, entry.source) for entry in created] == [(None, "system"), (admin, "api"), (root, "admin")]
    revoked = _entries("api_key_revoked").get()
    assert (revoked.actor, revoked.source, revoked.target_id) == (root, "admin", api_key.pk)
