"""Integrations authenticate with hashed, scoped, rotatable API keys."""

import json
import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from integrations import services
from integrations.keys import key_hash
from integrations.models import ApiKey
from tests.tickets.test_ticket_api import PAYLOAD

pytestmark = pytest.mark.django_db


def test_a_key_is_stored_only_as_its_hash(make_key):
    _integration, api_key, secret = make_key()
    assert secret.startswith(f"hdk_{api_key.prefix}_")
    stored = ApiKey.objects.get(pk=api_key.pk)
    assert stored.key_hash == key_hash(secret)
    assert secret not in str(list(ApiKey.objects.values()))


def test_bearer_key_acts_as_the_integrations_service_account(make_key, key_client):
    integration, _key, secret = make_key(name="抖店中台")
    response = key_client(secret).post("/api/v1/tickets/", PAYLOAD, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["events"][0]["actor"]["name"] == "抖店中台"
    assert integration.user.groups.filter(name="Integration").exists()


def test_unknown_malformed_or_wrong_secret_keys_are_401(make_key, key_client):
    _integration, api_key, secret = make_key()
    for bad in ["nonsense", f"hdk_{api_key.prefix}_wrong", "hdk_000000000000_x", secret + "x"]:
        response = key_client(bad).get("/api/v1/tickets/")
        assert response.status_code == 401, bad
        assert response.json()["error"]["code"] == "authentication_failed"
        assert response["WWW-Authenticate"] == "Bearer"


def test_missing_scope_is_403_naming_the_scope(make_key, key_client):
    _integration, _key, secret = make_key(scopes=["tickets:read"])
    client = key_client(secret)
    assert client.get("/api/v1/tickets/").status_code == 200
    response = client.post("/api/v1/tickets/", PAYLOAD, format="json")
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "missing_scope" and error["required_scope"] == "tickets:write"
    assert "tickets:write" in error["message"]


def test_views_without_a_scope_are_closed_to_keys(make_key, key_client):
    _integration, _key, secret = make_key()
    for path in ["/api/v1/notifications/", "/api/v1/escalations/"]:
        response = key_client(secret).get(path)
        assert response.status_code == 403, path
        assert response.json()["error"]["code"] == "missing_scope"


def test_last_use_is_recorded(make_key, key_client):
    _integration, api_key, secret = make_key()
    assert api_key.last_used_at is None
    key_client(secret).get("/api/v1/tickets/")
    api_key.refresh_from_db()
    assert api_key.last_used_at is not None


def test_rotation_keeps_the_old_key_valid_for_the_overlap_only(make_key, key_client):
    _integration, old_key, old_secret = make_key()
    new = services.api_key_rotate(api_key=old_key, overlap=timedelta(hours=2))
    assert key_client(old_secret).get("/api/v1/tickets/").status_code == 200
    assert key_client(new.secret).get("/api/v1/tickets/").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(hours=2, minutes=1)):
        expired = key_client(old_secret).get("/api/v1/tickets/")
        assert expired.status_code == 401
        assert key_client(new.secret).get("/api/v1/tickets/").status_code == 200
    old_key.refresh_from_db()
    assert old_key.replaced_by_id == new.api_key.pk


def test_a_rotated_key_cannot_be_rotated_twice(make_key):
    _integration, old_key, _secret = make_key()
    services.api_key_rotate(api_key=old_key)
    with pytest.raises(services.Conflict):
        services.api_key_rotate(api_key=old_key)


def test_revoked_key_stops_at_once(make_key, key_client):
    _integration, api_key, secret = make_key()
    services.api_key_revoke(api_key=api_key)
    response = key_client(secret).get("/api/v1/tickets/")
    assert response.status_code == 401


def test_disabled_integration_stops_all_its_keys(make_key, key_client):
    integration, _key, secret = make_key()
    services.integration_update(integration=integration, is_active=False)
    assert key_client(secret).get("/api/v1/tickets/").status_code == 401


def test_a_key_rotates_itself_over_the_api(make_key, key_client):
    _integration, api_key, secret = make_key()
    response = key_client(secret).post(f"/api/v1/api-keys/{api_key.pk}/rotate/", {"overlap_hours": 1}, format="json")
    assert response.status_code == 201, response.content
    new_secret = response.json()["key"]
    assert key_client(new_secret).get("/api/v1/integrations/me/").json()["keys"][0]["state"] == "active"
    me = key_client(secret).get("/api/v1/integrations/me/").json()
    states = {key["id"]: key["state"] for key in me["keys"]}
    assert states[api_key.pk] == "expiring"
    assert all("hdk_" not in str(value) or value.endswith("_") for key in me["keys"] for value in key.values())


def test_a_key_cannot_touch_another_integrations_keys(make_key, key_client):
    _one, _key_one, secret_one = make_key()
    _two, key_two, _secret_two = make_key()
    response = key_client(secret_one).post(f"/api/v1/api-keys/{key_two.pk}/revoke/")
    assert response.status_code == 404  # as for a key that does not exist: nothing says it is there
    key_two.refresh_from_db()
    assert key_two.revoked_at is None


def test_admins_create_integrations_and_keys_over_the_api(api_client_for, make_key, key_client):
    from tests.conftest import _with_role
    from tests.factories import UserFactory

    admin = _with_role(UserFactory(username="boss"), "Admin")
    client = api_client_for(admin)
    created = client.post(
        "/api/v1/integrations/",
        {"name": "拼多多店", "platform": "pinduoduo", "scopes": ["tickets:read", "orders:write"]},
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["scopes"] == ["tickets:read", "orders:write"]
    key = client.post(f"/api/v1/integrations/{created.json()['id']}/keys/", {"name": "prod"}, format="json")
    assert key.status_code == 201
    assert key_client(key.json()["key"]).get("/api/v1/tickets/").status_code == 200
    bad = client.post("/api/v1/integrations/", {"name": "x", "scopes": ["everything"]}, format="json")
    assert bad.status_code == 400 and "scopes[0]" in bad.json()["error"]["fields"]


def test_an_integration_created_over_the_api_comes_with_its_first_key_shown_once(
    admin_user, api_client_for, key_client
):
    from audit.models import AuditEntry

    client = api_client_for(admin_user)
    created = client.post(
        "/api/v1/integrations/", {"name": "抖音店", "platform": "douyin", "scopes": ["tickets:read"]}, format="json"
    )
    assert created.status_code == 201, created.content
    body = created.json()
    [listed] = body["keys"]
    assert listed["name"] == "default" and listed["state"] == "active"
    assert body["key"].startswith(listed["key_prefix"])  # the key itself, this once
    assert ApiKey.objects.get(pk=listed["id"]).key_hash == key_hash(body["key"])
    assert key_client(body["key"]).get("/api/v1/integrations/me/").json()["id"] == body["id"]
    assert AuditEntry.objects.filter(action="api_key_created", target_id=listed["id"]).exists()
    # Never again: reading the integration shows the key's prefix only.
    again = client.get(f"/api/v1/integrations/{body['id']}/").json()
    assert "key" not in again and body["key"] not in json.dumps(again)


def test_agents_cannot_manage_integrations(agent_api):
    assert agent_api.get("/api/v1/integrations/").status_code == 403
    assert agent_api.get("/api/v1/integrations/me/").status_code == 403


def test_admin_create_shows_the_key_once(admin_client):
    response = admin_client.post(
        "/admin/integrations/integration/add/",
        {
            "name": "京东店",
            "platform": "jd",
            "scopes": ["tickets:read", "tickets:write"],
            "rate_limit_per_minute": 600,
            "is_active": "on",
            "notes": "",
            "keys-TOTAL_FORMS": "0",
            "keys-INITIAL_FORMS": "0",
        },
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    key = ApiKey.objects.get(integration__name="京东店")
    shown = re.search(r"hdk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}", page)
    assert shown and shown.group().startswith(f"hdk_{key.prefix}_")  # shown in the message, this once
    assert key.key_hash == key_hash(shown.group())
    assert shown.group() not in admin_client.get(f"/admin/integrations/apikey/{key.pk}/change/").content.decode()
    assert (
        shown.group()
        not in admin_client.get(f"/admin/integrations/integration/{key.integration_id}/change/").content.decode()
    )


def test_every_api_view_checks_key_scopes_or_is_admin_only():
    """A new endpoint cannot forget scopes: each API view either runs ApiKeyScope or admits admins only."""
    from django.urls import get_resolver
    from drf_spectacular.views import SpectacularSwaggerSplitView

    from accounts.api.views import TokenCreateApi
    from helpdesk.schema_view import SchemaApi
    from integrations.api.views import IsAdmin
    from integrations.permissions import ApiKeyScope

    def walk(patterns, prefix=""):  # type: ignore[no-untyped-def]
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern), getattr(pattern.callback, "view_class", None)

    exempt = {TokenCreateApi, SchemaApi, SpectacularSwaggerSplitView}  # password login, public schema
    unguarded = [
        path
        for path, view in walk(get_resolver().url_patterns)
        if path.startswith("api/v1/") and view is not None and view not in exempt
        if ApiKeyScope not in view.permission_classes and IsAdmin not in view.permission_classes
    ]
    assert unguarded == []


def test_admin_refuses_a_name_that_differs_only_in_case_with_a_form_error(admin_client, make_key):
    make_key(name="Shop Middleware")
    response = admin_client.post(
        "/admin/integrations/integration/add/",
        {
            "name": "shop middleware",
            "platform": "",
            "scopes": ["tickets:read"],
            "rate_limit_per_minute": 600,
            "notes": "",
            "keys-TOTAL_FORMS": "0",
            "keys-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "name" in response.context["adminform"].form.errors
