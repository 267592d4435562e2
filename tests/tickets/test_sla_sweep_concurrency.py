"""Two sweeps racing on the real PostgreSQL: every due ticket is escalated exactly once."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tests.factories import make_ticket
from tickets import services
from tickets.models import Escalation

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_sweeps_racing_in_threads_escalate_each_ticket_once(team):
    past = timezone.now() - timedelta(hours=25)
    tickets = [make_ticket(team=team, received_at=past) for _ in range(40)]
    barrier = threading.Barrier(4)
    results: list[list] = []
    errors: list[BaseException] = []

    def run():
        try:
            barrier.wait()
            results.append(services.sla_sweep(batch_size=7))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert not errors
    escalated = [(r.ticket_id, r.target) for batch in results for r in batch]
    assert len(escalated) == len(set(escalated)) == 80  # 40 tickets × (first response, resolution)
    assert Escalation.objects.count() == 80
    assert {t.pk for t in tickets} == {ticket_id for ticket_id, _ in escalated}
