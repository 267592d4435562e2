"""Benchmark: one SLA sweep over many open tickets, with some due and with none due.

Runs in a throw-away test database (created and dropped here), on whatever DATABASE_URL points to:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/helpdesk .venv/bin/python bench/sla_sweep_bench.py --open 1000000 --due 10000
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402


def populate(total: int, due: int) -> None:
    """``total`` open tickets whose clocks run, ``due`` of them 30 minutes old (first response breached, a
    warning point passed), the rest one minute old (nothing due, every warning point still ahead)."""
    from customers.models import Customer
    from tickets.models import Ticket

    customer = Customer.objects.create(name="bench", platform="taobao", platform_account_id="bench")
    now = timezone.now()
    if connection.vendor == "postgresql":
        # One INSERT … SELECT: a million rows in seconds rather than minutes of bulk_create.
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO tickets_ticket (
                    kind, category, subject, description, channel, priority, status, customer_id,
                    received_at, sla_clock_started_at, sla_elapsed, sla_paused_seconds, escalation_level,
                    next_reply_cycle, first_response_due_at, resolution_due_at, sla_next_due_at, sla_warn_at,
                    created_at, updated_at
                )
                SELECT 'inquiry', 'other', 'bench ' || n, '', 'api', 'normal', 'new', %(customer)s,
                       r, r, interval '0', 0, 0, 0,
                       r + interval '10 minutes', r + interval '24 hours', r + interval '10 minutes',
                       r + interval '8 minutes', %(now)s, %(now)s
                FROM (
                    SELECT n, CASE WHEN n <= %(due)s THEN %(now)s - interval '30 minutes'
                                   ELSE %(now)s - interval '1 minute' END AS r
                    FROM generate_series(1, %(total)s) AS n
                ) AS source
                """,
                {"customer": customer.pk, "now": now, "due": due, "total": total},
            )
            cursor.execute("ANALYZE tickets_ticket")
        return
    batch: list[Ticket] = []
    for n in range(total):
        received = now - timedelta(minutes=30) if n < due else now - timedelta(minutes=1)
        batch.append(
            Ticket(
                kind="inquiry",
                subject=f"bench {n}",
                customer=customer,
                received_at=received,
                sla_clock_started_at=received,
                first_response_due_at=received + timedelta(minutes=10),
                resolution_due_at=received + timedelta(hours=24),
                sla_next_due_at=received + timedelta(minutes=10),
                sla_warn_at=received + timedelta(minutes=8),
            )
        )
        if len(batch) == 5000:
            Ticket.objects.bulk_create(batch)
            batch.clear()
    Ticket.objects.bulk_create(batch)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--open", type=int, default=1_000_000, help="open tickets")
    parser.add_argument("--due", type=int, default=10_000, help="of which due")
    args = parser.parse_args()
    logging.getLogger("tickets").setLevel(logging.WARNING)  # one line per escalation would swamp the output

    from tickets.services.escalation import sla_sweep

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        populate(args.open, args.due)
        print(
            f"{connection.vendor}: {args.open} open tickets, {args.due} due (populated in {time.perf_counter() - started:.1f}s)"
        )
        started = time.perf_counter()
        escalated = sla_sweep()
        print(f"sweep with {args.due} due: {len(escalated)} escalated in {time.perf_counter() - started:.2f}s")
        started = time.perf_counter()
        runs = 20
        for _ in range(runs):
            assert sla_sweep() == []
        print(f"sweep with none due: {(time.perf_counter() - started) / runs * 1000:.1f} ms per sweep (mean of {runs})")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
