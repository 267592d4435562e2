import pytest
from django.core.management import call_command

from tickets.models import Ticket
from tickets.services.escalation import sla_sweep

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_users_teams_and_some_overdue_tickets(capsys, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    call_command("seed_demo")
    out = capsys.readouterr().out
    for name in ("agent1", "agent2", "manager1", "admin"):
        assert name in out
    count = Ticket.objects.count()
    assert count >= 10
    escalated = sla_sweep()
    assert len(escalated) >= 1  # some of the live demo tickets are overdue
    history = Ticket.objects.filter(description="（历史演示数据）")
    assert not history.filter(pk__in=[result.ticket_id for result in escalated]).exists()
    assert history.count() >= 900 and not history.exclude(status__in=["resolved", "closed"]).exists()
    from aftersales.models import AfterSalesRequest, Approval
    from complaints.models import Complaint
    from surveys.models import SurveyResponse

    assert SurveyResponse.objects.count() >= 200  # the dashboard has satisfaction to show
    assert AfterSalesRequest.objects.exclude(ticket__in=history).count() == 3
    assert Approval.objects.filter(decided_at__isnull=True).count() == 1
    assert Complaint.objects.filter(severity="critical").exists()
    call_command("seed_demo")  # idempotent
    assert Ticket.objects.count() == count


def test_seed_demo_prints_a_working_api_key_for_the_demo_integration(capsys, settings, tmp_path):
    from rest_framework.test import APIClient

    settings.VAR_DIR = tmp_path
    call_command("seed_demo")
    key = (tmp_path / "demo-api-key.txt").read_text().strip()
    assert key in capsys.readouterr().out
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get("/api/v1/integrations/me/").json()["name"].startswith("演示淘宝店")
    call_command("seed_demo")  # the same key again, not a new one
    assert (tmp_path / "demo-api-key.txt").read_text().strip() == key
