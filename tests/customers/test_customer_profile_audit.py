"""Opening a buyer's profile — the page /customers/<id>/ or GET /api/v1/customers/<id>/ — is in the audit log:
who, when, which buyer, from where (page or API) and the request id."""

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _views():  # type: ignore[no-untyped-def]
    return AuditEntry.objects.filter(action="customer_viewed")


def test_opening_the_profile_page_is_recorded(client, agent):
    customer = CustomerFactory(name="王小明", platform_account_id="tb_wxm")
    client.force_login(agent)
    before = timezone.now()
    response = client.get(f"/customers/{customer.pk}/", HTTP_X_REQUEST_ID="profile-page-0001")
    assert response.status_code == 200
    entry = _views().get()
    assert (entry.actor, entry.source, entry.request_id) == (agent, "page", "profile-page-0001")
    assert (entry.target_type, entry.target_id, entry.target_label) == (
        "customers.customer",
        customer.pk,
        "王小明 · taobao tb_wxm",
    )
    assert entry.created_at >= before
    assert "13812345678" not in f"{entry.target_label} {entry.context} {entry.details}"


def test_reading_the_profile_over_the_api_is_recorded(agent_api, agent):
    customer = CustomerFactory()
    response = agent_api.get(f"/api/v1/customers/{customer.pk}/")
    assert response.status_code == 200
    entry = _views().get()
    assert (entry.actor, entry.source, entry.target_id) == (agent, "api", customer.pk)
    assert entry.request_id == response["X-Request-ID"]


def test_an_integration_reading_a_profile_is_recorded_as_its_service_account(key_client):
    customer = CustomerFactory()
    assert key_client(["customers:read"]).get(f"/api/v1/customers/{customer.pk}/").status_code == 200
    entry = _views().get()
    assert entry.actor is not None and entry.actor.integration.name == "Order sync 1"
    assert entry.source == "api"


def test_refused_and_missing_profiles_record_nothing(client, agent_api):
    customer = CustomerFactory()
    assert client.get(f"/customers/{customer.pk}/").status_code == 302  # not logged in
    assert agent_api.get("/api/v1/customers/999999/").status_code == 404
    assert not _views().exists()


def test_the_profile_list_is_not_a_profile_view(agent_api):
    CustomerFactory()
    assert agent_api.get("/api/v1/customers/").status_code == 200
    assert not _views().exists()
