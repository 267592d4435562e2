"""Every report download — CSV, XLSX from the dashboard, JSON from the API — is in the audit log: who, which
report, which format and filters, from where. A refused or unknown export records nothing."""

import pytest

from audit.models import AuditEntry
from integrations import services
from integrations.scopes import Scope

pytestmark = pytest.mark.django_db

NOVEMBER = {"start": "2026-11-01", "end": "2026-11-30", "team": None, "kind": "", "channel": ""}


def _exports():  # type: ignore[no-untyped-def]
    return AuditEntry.objects.filter(action="exported").order_by("id")


def _drain(response) -> None:  # type: ignore[no-untyped-def]
    if response.streaming:
        b"".join(response.streaming_content)


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_a_dashboard_download_is_recorded_with_its_format_and_filters(client, manager, extension):
    client.force_login(manager)
    response = client.get(f"/reports/sla.{extension}?start=2026-11-01&end=2026-11-30&kind=complaint")
    assert response.status_code == 200
    _drain(response)
    entry = _exports().get()
    assert (entry.actor, entry.source, entry.target_label) == (manager, "page", "sla")
    assert entry.details == {"format": extension, "filters": {**NOVEMBER, "kind": "complaint"}}


def test_a_report_read_over_the_api_is_recorded_as_a_json_export(manager_api, manager, key_client):
    response = manager_api.get("/api/v1/reports/tickets/?start=2026-11-01&end=2026-11-30")
    assert response.status_code == 200
    _drain(response)
    integration = services.integration_create(name="BI", platform="", scopes=[Scope.REPORTS_READ])
    key = key_client(services.api_key_create(integration=integration, name="bi").secret)
    _drain(key.get("/api/v1/reports/volume/?start=2026-11-01&end=2026-11-30"))
    people = [(entry.actor, entry.source, entry.target_label, entry.details["format"]) for entry in _exports()]
    assert people == [(manager, "api", "tickets", "json"), (integration.user, "api", "volume", "json")]
    assert _exports().first().request_id == response["X-Request-ID"]


def test_the_report_list_is_not_an_export(manager_api):
    assert manager_api.get("/api/v1/reports/").status_code == 200
    assert not _exports().exists()


def test_refused_bad_and_unknown_exports_record_nothing(client, agent, manager, manager_api):
    client.force_login(agent)
    assert client.get("/reports/sla.csv").status_code == 403
    client.force_login(manager)
    assert client.get("/reports/sla.csv?start=2026-13-40").status_code == 400
    assert client.get("/reports/nonsense.xlsx").status_code == 404
    assert manager_api.get("/api/v1/reports/nonsense/").status_code == 404
    assert not _exports().exists()
