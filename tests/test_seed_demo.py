import pytest
from django.core.management import call_command

from tickets.models import Ticket
from tickets.services import sla_sweep

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_users_teams_and_some_overdue_tickets(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    for name in ("agent1", "agent2", "manager1", "admin"):
        assert name in out
    count = Ticket.objects.count()
    assert count >= 10
    assert len(sla_sweep()) >= 1  # some of the demo tickets are overdue
    from aftersales.models import AfterSalesRequest, Approval
    from complaints.models import Complaint

    assert AfterSalesRequest.objects.count() == 3
    assert Approval.objects.filter(decided_at__isnull=True).count() == 1
    assert Complaint.objects.filter(severity="critical").exists()
    call_command("seed_demo")  # idempotent
    assert Ticket.objects.count() == count
