"""The managers' escalations page, "All" tab: how late each target was, measured to when it was met or handled
(not to now), and what became of each handled escalation (never "handled by None")."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import UserFactory, make_ticket
from tickets.models import Escalation
from tickets.services.escalation import sla_sweep

pytestmark = pytest.mark.django_db


@pytest.fixture
def escalation(team):  # type: ignore[no-untyped-def]
    """An escalated first response, backdated: due 22 days ago."""
    make_ticket(team=team, received_at=timezone.now() - timedelta(minutes=25))
    sla_sweep()
    escalation = Escalation.objects.get()
    due_at = timezone.now() - timedelta(days=22)
    Escalation.objects.filter(pk=escalation.pk).update(due_at=due_at, escalated_at=due_at + timedelta(seconds=5))
    escalation.refresh_from_db()
    return escalation


def _all_tab(user, language: str = "en"):  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    response = client.get("/escalations/?all=1")
    assert response.status_code == 200
    return response


def test_a_handled_escalation_stays_as_late_as_it_was_when_handled(manager, escalation):
    """Handled 20 minutes after it was due, with no person recorded (the demo history, a deleted account)."""
    Escalation.objects.filter(pk=escalation.pk).update(acknowledged_at=escalation.due_at + timedelta(minutes=20))
    response = _all_tab(manager)
    [row] = response.context["rows"]
    assert row["late_seconds"] == 20 * 60
    html = response.content.decode()
    assert ">20m</span>" in html and "(when handled)" in html
    assert "22d" not in html
    assert "None" not in html
    assert "acknowledged at" in html and "(no person recorded)" in html
    zh = _all_tab(manager, "zh-hans").content.decode()
    assert "由 None" not in zh and "未记录处理人" in zh and "（截至处理时）" in zh


def test_a_met_escalation_is_as_late_as_when_it_was_met(manager, escalation):
    met_at = escalation.due_at + timedelta(minutes=7)
    Escalation.objects.filter(pk=escalation.pk).update(met_at=met_at, acknowledged_at=met_at + timedelta(hours=3))
    response = _all_tab(manager)
    [row] = response.context["rows"]
    assert row["late_seconds"] == 7 * 60
    html = response.content.decode()
    assert ">7m</span>" in html and "(since met)" in html
    # Handled with no person recorded, after the target was met by a reply: say so.
    assert "target met at" in html and "None" not in html
    assert "目标已于" in _all_tab(manager, "zh-hans").content.decode()


def test_a_handled_escalation_names_who_handled_it(manager, escalation):
    handler = UserFactory(username="manager2", first_name="", last_name="")
    acknowledged_at = escalation.due_at + timedelta(minutes=20)
    Escalation.objects.filter(pk=escalation.pk).update(acknowledged_at=acknowledged_at, acknowledged_by=handler)
    html = _all_tab(manager).content.decode()
    local = timezone.localtime(acknowledged_at).strftime("%m-%d %H:%M")
    assert f"handled by {handler} at {local}" in html
    assert f"由 {handler} 于 {local} 处理" in _all_tab(manager, "zh-hans").content.decode()


def test_an_open_escalation_is_late_until_now(manager, escalation):
    [row] = _all_tab(manager).context["rows"]
    assert row["late_seconds"] >= 22 * 86400 and row["late_until"] == ""
