"""GET /api/v1/reports/ and /api/v1/reports/{name}/: managers and keys with reports:read; streamed bodies."""

from __future__ import annotations

import json

import pytest

from integrations.scopes import Scope
from reports import registry
from reports.registry import COLUMN_TYPES, REPORTS

from .fakes import FAKE_ROWS, register_fake


def _json(response):  # type: ignore[no-untyped-def]
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return json.loads(body)


@pytest.fixture
def reports_key(db, key_client):  # type: ignore[no-untyped-def]
    from integrations import services

    integration = services.integration_create(name="BI", platform="", scopes=[Scope.REPORTS_READ])
    return key_client(services.api_key_create(integration=integration, name="bi").secret)


def test_report_list_names_every_report_with_its_columns(manager_api):
    response = manager_api.get("/api/v1/reports/")
    assert response.status_code == 200
    reports = {report["name"]: report for report in response.json()}
    assert set(reports) == set(REPORTS)
    for report in reports.values():
        assert report["title"] and report["description"]
        assert report["columns"], report["name"]
        assert all(set(column) == {"key", "label", "type"} for column in report["columns"])
        assert all(column["type"] in COLUMN_TYPES for column in report["columns"])
    assert [column["key"] for column in reports["sla"]["columns"]] == [c.key for c in registry.SLA_COLUMNS]
    assert reports["tickets"]["on_dashboard"] is False


def test_report_body_has_the_filters_columns_and_raw_rows(manager_api, team, monkeypatch):
    register_fake(monkeypatch)
    response = manager_api.get(f"/api/v1/reports/fake/?start=2026-11-01&end=2026-11-23&team={team.pk}&kind=complaint")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = _json(response)
    assert body["name"] == "fake" and body["title"] == "假报表 Fake"
    assert body["filters"] == {
        "start": "2026-11-01",
        "end": "2026-11-23",
        "team": team.pk,
        "kind": "complaint",
        "channel": "",
    }
    assert body["columns"][2] == {"key": "rate", "label": "Rate", "type": "rate"}
    assert body["rows"] == FAKE_ROWS  # rates as fractions, seconds as seconds, null where nothing is measured


def test_report_body_is_streamed_and_valid_json_for_many_rows(manager_api, monkeypatch):
    from .fakes import fake_rows

    register_fake(monkeypatch, rows=lambda: fake_rows(1234))
    response = manager_api.get("/api/v1/reports/fake/")
    assert response.streaming
    rows = _json(response)["rows"]
    assert len(rows) == 1234 and rows[-1]["tickets"] == 1234


def test_empty_report_has_an_empty_rows_list(manager_api, monkeypatch):
    register_fake(monkeypatch, rows=[])
    assert _json(manager_api.get("/api/v1/reports/fake/"))["rows"] == []


def test_default_period_is_the_last_30_days(manager_api):
    filters = _json(manager_api.get("/api/v1/reports/sla/"))["filters"]
    from datetime import date

    assert (date.fromisoformat(filters["end"]) - date.fromisoformat(filters["start"])).days == 29


def _check_value(column, value):  # type: ignore[no-untyped-def]
    if value is None:
        assert column["type"] != "int", column
        return
    kind = column["type"]
    if kind == "int":
        assert isinstance(value, int) and not isinstance(value, bool)
    elif kind == "rate":
        assert isinstance(value, (int, float)) and 0 <= value <= 1
    elif kind == "seconds":
        assert isinstance(value, (int, float)) and value >= 0
    elif kind == "score":
        assert isinstance(value, (int, float)) and 1 <= value <= 5
    else:
        assert isinstance(value, str)


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_every_report_answers_with_rows_shaped_like_its_columns(manager_api, name):
    response = manager_api.get(f"/api/v1/reports/{name}/?period=last_90_days")
    assert response.status_code == 200
    assert response.streaming
    body = _json(response)
    assert body["name"] == name
    keys = [column["key"] for column in body["columns"]]
    assert len(keys) == len(set(keys))
    for row in body["rows"]:
        assert list(row) == keys
        for column in body["columns"]:
            _check_value(column, row[column["key"]])


def test_unknown_report_is_a_404_error_body(manager_api):
    response = manager_api.get("/api/v1/reports/nonsense/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_bad_filters_are_a_400_naming_each_field(manager_api):
    response = manager_api.get("/api/v1/reports/sla/?period=someday&start=2026-02-30&team=abc&kind=x&channel=y")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert set(error["fields"]) == {"period", "start", "team", "kind", "channel"}


def test_end_before_start_is_a_400_on_end(manager_api):
    response = manager_api.get("/api/v1/reports/sla/?start=2026-11-10&end=2026-11-01")
    assert response.status_code == 400 and set(response.json()["error"]["fields"]) == {"end"}


def test_agents_and_integration_accounts_are_refused(agent_api, api):
    assert agent_api.get("/api/v1/reports/").status_code == 403
    assert agent_api.get("/api/v1/reports/sla/").status_code == 403
    assert api.get("/api/v1/reports/sla/").status_code == 403


def test_anonymous_callers_must_authenticate(client):
    assert client.get("/api/v1/reports/").status_code == 401
    assert client.get("/api/v1/reports/sla/").status_code == 401


def test_session_managers_may_read_reports(client, manager):
    client.force_login(manager)
    assert client.get("/api/v1/reports/sla/").status_code == 200


def test_api_key_with_reports_read_may_read_reports(reports_key):
    assert reports_key.get("/api/v1/reports/").status_code == 200
    response = reports_key.get("/api/v1/reports/tickets/")
    assert response.status_code == 200 and response.streaming


def test_api_key_without_reports_read_gets_missing_scope(db, key_client):
    from integrations import services

    integration = services.integration_create(name="Shop", platform="taobao", scopes=[Scope.TICKETS_READ])
    client = key_client(services.api_key_create(integration=integration, name="shop").secret)
    response = client.get("/api/v1/reports/sla/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "missing_scope"
    assert response.json()["error"]["required_scope"] == "reports:read"


def test_reports_read_is_a_known_scope():
    from integrations.scopes import ALL_SCOPES

    assert "reports:read" in ALL_SCOPES
