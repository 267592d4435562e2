"""Whole numbers from clients (core.integers): ASCII digits only, within the id range. "²" is a digit to
``str.isdigit`` and not to ``int``: each place that checked with the one and converted with the other was a 500."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.integers import MAX_ID, parse_id, parse_int
from notifications.models import Notification
from tests.factories import CustomerFactory, make_ticket

ROOT = Path(__file__).resolve().parents[2]
NOT_IDS = ["²", "①", "٣", "３", " 3", "3\n", "+3", "3.0", "", "0", "-1", str(MAX_ID + 1), "1" * 40, "0x10"]


def test_only_ascii_digits_in_range_are_ids():
    assert parse_id("1") == 1 and parse_id(str(MAX_ID)) == MAX_ID and parse_id("007") == 7
    assert [value for value in NOT_IDS if parse_id(value) is not None] == []
    assert parse_id(None) is None and parse_id(3) is None  # text only
    assert parse_int("-5", minimum=-10, maximum=10) == -5 and parse_int("11", minimum=-10, maximum=10) is None


def test_no_module_converts_text_with_isdigit_then_int():
    """The helper is the one place: no app checks with ``isdigit`` (or ``isnumeric``) and converts itself."""
    offenders = []
    for path in ROOT.glob("*/**/*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith((".venv/", "node_modules/", "tests/", "bench/")) or "/migrations/" in relative:
            continue
        if re.search(r"\.is(digit|numeric|decimal)\(", path.read_text(encoding="utf-8")):
            offenders.append(relative)
    assert offenders == []


@pytest.mark.django_db
def test_a_report_team_that_is_not_an_id_is_a_400_naming_it(manager_api, manager, client):
    response = manager_api.get("/api/v1/reports/tickets/?team=%C2%B2", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["team"] == ["Give the team's id, a whole number."]
    client.force_login(manager)
    for path in ("/reports/", "/reports/tickets.csv", "/reports/section/volume/"):
        assert client.get(f"{path}?team=%C2%B2").status_code == 400, path


@pytest.mark.django_db
def test_the_bell_ignores_a_resume_point_that_is_not_an_id(client, agent):
    client.force_login(agent)
    assert client.get("/notifications/summary/?after=%C2%B2").status_code == 200
    assert client.get("/notifications/stream/?after=%C2%B2", HTTP_LAST_EVENT_ID="²").status_code == 200


@pytest.mark.django_db
def test_marking_read_ignores_ids_that_are_not_ids(client, agent):
    mine = Notification.objects.create(recipient=agent, verb="test", message="test")
    client.force_login(agent)
    response = client.post("/notifications/read/", {"id": ["²", str(mine.pk)]})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.read_at is not None


@pytest.mark.django_db
def test_unlink_goes_back_to_the_account_itself_when_back_is_not_an_id(client, agent):
    customer = CustomerFactory()
    client.force_login(agent)
    response = client.post(f"/customers/{customer.pk}/unlink/", {"back": "²"})
    assert response.status_code == 302 and response["Location"] == f"/customers/{customer.pk}/"


@pytest.mark.django_db
def test_a_new_aftersales_request_page_ignores_an_order_that_is_not_an_id(client, agent, team):
    ticket = make_ticket(kind="aftersales", category="return_refund", team=team)
    client.force_login(agent)
    assert client.get(f"/aftersales/tickets/{ticket.pk}/new/?order=%C2%B2").status_code == 200
    assert client.post(f"/aftersales/tickets/{ticket.pk}/new/", {"order": "²"}).status_code == 200
