"""Benchmark: the auto-assignment decision with 200 agents and 10,000 waiting tickets.

Runs in a throw-away test database (created and dropped here) on whatever DATABASE_URL points to:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/helpdesk .venv/bin/python bench/assign_bench.py

One team in least-loaded mode (``--mode round_robin`` for the other), ``--agents`` agents of capacity
``--capacity``, ``--waiting`` unassigned tickets. Times (median of ``--repeat`` runs, with query counts):

  (1) nobody free: every agent is at capacity; a run (the 15 s safety sweep, or a trigger) assigns nothing;
  (2) one slot frees: one agent resolves a ticket; the run gives that agent the nearest-deadline ticket;
  (3) a new ticket arrives while one agent has a free slot (create + assignment on commit);
  (4) shift start: every agent comes online empty; one run fills every slot (agents × capacity tickets).
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402


def populate(*, agents: int, waiting: int, capacity: int, mode: str) -> tuple[object, list[object], object]:
    from django.contrib.auth.models import Group

    from accounts.models import User
    from customers.models import Customer
    from tickets.models import Team, Ticket
    from workforce.models import AgentProfile, TeamWorkSettings

    team = Team.objects.create(name="bench")
    TeamWorkSettings.objects.create(team=team, assignment_mode=mode)
    group, _ = Group.objects.get_or_create(name="Agent")
    users = User.objects.bulk_create(User(username=f"agent{n}", password="!") for n in range(agents))
    users = list(User.objects.filter(username__startswith="agent").order_by("id"))
    group.user_set.add(*users)
    team.members.add(*users)
    AgentProfile.objects.bulk_create(
        AgentProfile(user=user, capacity=capacity, status="offline", chosen_status="online") for user in users
    )
    customer = Customer.objects.create(name="bench", platform="taobao", platform_account_id="bench")
    now = timezone.now()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO tickets_ticket (
                    kind, category, subject, description, channel, priority, status, customer_id, team_id,
                    restricted, received_at, sla_clock_started_at, sla_elapsed, sla_paused_seconds,
                    escalation_level, next_reply_cycle, first_response_due_at, resolution_due_at,
                    sla_next_due_at, created_at, updated_at, source_platform, external_id
                )
                SELECT 'inquiry', 'other', 'bench ' || n, '', 'api', 'normal', 'new', %(customer)s, %(team)s,
                       false, r, r, interval '0', 0, 0, 0, r + interval '10 minutes', r + interval '24 hours',
                       r + interval '10 minutes', %(now)s, %(now)s, '', ''
                FROM (SELECT n, %(now)s - n * interval '1 second' AS r FROM generate_series(1, %(total)s) AS n) s
                """,
                {"customer": customer.pk, "team": team.pk, "now": now, "total": waiting},
            )
            cursor.execute("ANALYZE tickets_ticket")
    else:
        Ticket.objects.bulk_create(
            Ticket(
                kind="inquiry",
                subject=f"bench {n}",
                customer=customer,
                team=team,
                received_at=now - timedelta(seconds=n),
                sla_clock_started_at=now - timedelta(seconds=n),
                first_response_due_at=now - timedelta(seconds=n) + timedelta(minutes=10),
                resolution_due_at=now - timedelta(seconds=n) + timedelta(hours=24),
                sla_next_due_at=now - timedelta(seconds=n) + timedelta(minutes=10),
            )
            for n in range(waiting)
        )
    return team, users, customer


def timed(call, repeat: int) -> tuple[float, int, object]:  # type: ignore[no-untyped-def]
    """Median milliseconds and the query count of the last run."""
    times = []
    result = None
    queries = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            result = call()
            times.append((time.perf_counter() - started) * 1000)
        queries = len(captured)
    return statistics.median(times), queries, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--waiting", type=int, default=10_000)
    parser.add_argument("--capacity", type=int, default=8)
    parser.add_argument("--mode", default="least_loaded", choices=["least_loaded", "round_robin"])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    logging.disable(logging.WARNING)

    from django.db import transaction

    from customers.models import Customer
    from tickets.enums import TicketStatus
    from tickets.models import Ticket
    from tickets.services.intake import ticket_create
    from workforce.models import AgentProfile
    from workforce.services.assignment import autoassign_team

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        team, users, customer = populate(
            agents=args.agents, waiting=args.waiting, capacity=args.capacity, mode=args.mode
        )
        print(
            f"{connection.vendor}: {args.agents} agents (capacity {args.capacity}), {args.waiting} waiting tickets, "
            f"{args.mode} (populated in {time.perf_counter() - started:.1f}s)"
        )

        # (4) shift start, measured first because it fills every slot for the cases below.
        AgentProfile.objects.update(status="online")
        slots = args.agents * args.capacity
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            assigned = autoassign_team(team_id=team.pk)
        elapsed = time.perf_counter() - started
        print(
            f"(4) shift start, {args.agents} agents online at once: {len(assigned)} of {slots} slots filled in "
            f"{elapsed * 1000:.0f} ms ({elapsed / max(1, len(assigned)) * 1000:.2f} ms and "
            f"{len(captured) / max(1, len(assigned)):.1f} queries per assignment)"
        )

        # (1) nobody free.
        ms, queries, result = timed(lambda: autoassign_team(team_id=team.pk), args.repeat)
        print(f"(1) nobody free: {ms:.1f} ms, {queries} queries per run, {len(result)} assigned")  # type: ignore[arg-type]

        # (2) one slot frees: resolve one ticket of one agent (outside the timing), then run.
        def free_one_and_run() -> list[object]:
            victim = Ticket.objects.filter(assignee=users[0], status__in=["new", "open"]).first()
            assert victim is not None
            Ticket.objects.filter(pk=victim.pk).update(status=TicketStatus.RESOLVED, resolved_at=timezone.now())
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                result = autoassign_team(team_id=team.pk)
                free_one_and_run.ms.append((time.perf_counter() - started) * 1000)  # type: ignore[attr-defined]
            free_one_and_run.queries = len(captured)  # type: ignore[attr-defined]
            return result

        free_one_and_run.ms = []  # type: ignore[attr-defined]
        for _ in range(args.repeat):
            result = free_one_and_run()
            assert len(result) == 1, result
        print(
            f"(2) one slot frees: {statistics.median(free_one_and_run.ms):.1f} ms, "  # type: ignore[attr-defined]
            f"{free_one_and_run.queries} queries per run, 1 assigned"  # type: ignore[attr-defined]
        )

        # (3) a new ticket arrives while one agent has a free slot: create + assignment after commit.
        buyer = Customer.objects.get(pk=customer.pk)  # type: ignore[attr-defined]
        times = []
        for n in range(args.repeat):
            AgentProfile.objects.filter(user=users[1]).update(capacity=args.capacity + n + 1)
            started = time.perf_counter()
            with transaction.atomic():
                ticket_create(kind="inquiry", subject=f"new {n}", customer=buyer, team=team, channel="api")
            times.append((time.perf_counter() - started) * 1000)
        print(
            f"(3) a new ticket arrives with one slot free: {statistics.median(times):.1f} ms for the create and "
            f"the assignment after commit (the slot takes the nearest-deadline waiting ticket, not the new one)"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
