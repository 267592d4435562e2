"""A complaint id too large for the database is "not found" (404), never a 500: the schemathesis contract test
(tests/test_api_contract.py) found PATCH /api/v1/complaints/<2**108>/ answering 500 on SQLite."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

HUGE = 293812709177948216643919357673472


@pytest.mark.parametrize("method", ["get", "patch"])
def test_the_api_answers_404_for_an_id_beyond_the_database_range(agent_api, method):
    response = getattr(agent_api, method)(f"/api/v1/complaints/{HUGE}/", {}, format="json")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("path", [f"/complaints/{HUGE}/details/", f"/complaints/{HUGE}/resolve/"])
def test_the_pages_answer_404_for_an_id_beyond_the_database_range(manager, path):
    client = Client()
    client.force_login(manager)
    assert client.post(path, {}).status_code == 404
