"""Two sweeps racing on the real PostgreSQL: every due ticket is escalated exactly once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.concurrency import race
from tests.factories import make_ticket
from tickets.models import Escalation
from tickets.services.escalation import sla_sweep

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_sweeps_racing_in_threads_escalate_each_ticket_once(team):
    past = timezone.now() - timedelta(hours=25)
    tickets = [make_ticket(team=team, received_at=past) for _ in range(40)]
    results = race(*[lambda: sla_sweep(batch_size=7)] * 4)
    escalated = [(r.ticket_id, r.target) for batch in results for r in batch]
    assert len(escalated) == len(set(escalated)) == 80  # 40 tickets × (first response, resolution)
    assert Escalation.objects.count() == 80
    assert {t.pk for t in tickets} == {ticket_id for ticket_id, _ in escalated}


def test_racing_sweeps_fire_each_chain_level_and_each_warning_once(team, agent):
    from accounts.roles import Role
    from notifications.models import Notification
    from tests.browser import staff_user
    from tickets.models import EscalationStep, SlaPolicy

    head = staff_user("head", Role.MANAGER)  # a manager of no team: sees every ticket
    policy = SlaPolicy.objects.first() or SlaPolicy.objects.create(name="Default")  # flushed in transactional tests
    step = EscalationStep.objects.create(policy=policy, level=2, after_minutes=1)
    step.notify_users.add(head)
    now = timezone.now()
    late = [make_ticket(team=team, received_at=now - timedelta(minutes=30)) for _ in range(12)]
    warned = [make_ticket(team=team, assignee=agent, received_at=now - timedelta(minutes=9)) for _ in range(12)]

    race(*[lambda: sla_sweep(now=now, batch_size=5)] * 4)
    assert Escalation.objects.filter(level=1).count() == len(late)
    assert Notification.objects.filter(verb="sla_warning", recipient=agent).count() == len(warned)

    results = race(*[lambda: sla_sweep(now=now + timedelta(minutes=2), batch_size=5)] * 4)
    level_two = [(r.ticket_id, r.level) for batch in results for r in batch if r.level == 2]
    assert len(level_two) == len(set(level_two)) == len(late)
    assert Escalation.objects.filter(level=2).count() == len(late)
    assert Notification.objects.filter(recipient=head, verb="escalated").count() == len(late)
