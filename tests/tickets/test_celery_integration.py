"""A real Celery worker, on the real Redis broker, runs the sweep task."""

import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from helpdesk.celery import app
from tests.factories import make_ticket
from tickets.models import Escalation
from tickets.tasks import sla_sweep_task

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_worker_on_redis_runs_the_sweep_and_escalates(team, settings):
    assert app.conf.broker_url.startswith("redis://")
    ticket = make_ticket(team=team, received_at=timezone.now() - timedelta(minutes=30))
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        sla_sweep_task.delay()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not Escalation.objects.filter(ticket=ticket).exists():
            time.sleep(0.2)
    assert Escalation.objects.filter(ticket=ticket, target="first_response", level=1).count() == 1


@pytest.fixture(autouse=True)
def _close_worker_connections():
    """The worker thread keeps its own database connection; end it so the test database can be dropped. Only the
    connections opened during this test are the worker's: one a live server (or any other fixture) opened before
    must survive, or the tests that use it next find their connection closed."""
    from django.db import connection

    started = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT clock_timestamp()")
            started = cursor.fetchone()[0]
    yield
    if started is not None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_start >= %s",
                [started],
            )
