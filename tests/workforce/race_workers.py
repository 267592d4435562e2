"""The child processes of tests/workforce/test_autoassign_race.py. No Django import at module level: a spawned
child imports this module before it has set Django up."""

from __future__ import annotations

import os
import traceback
from typing import Any


def _setup(db_name: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
    import django
    from django.conf import settings

    settings.DATABASES["default"]["NAME"] = db_name  # the test database, not the one DATABASE_URL names
    django.setup()
    from django.db import connections

    connections["default"].settings_dict["NAME"] = db_name
    connections.close_all()


def run(role: str, db_name: str, team_ids: list[int], rounds: int, barrier: Any, errors: Any) -> None:
    try:
        _setup(db_name)
        barrier.wait(timeout=60)
        {"create": _create, "resolve": _resolve, "assign": _assign}[role](team_ids, rounds)
    except BaseException:  # noqa: BLE001 - reported to the test process
        errors.put(f"{role}: {traceback.format_exc()}")
    finally:
        from django.db import connections

        connections.close_all()


def _create(team_ids: list[int], rounds: int) -> None:
    from tests.factories import CustomerFactory
    from tickets.models import Team
    from tickets.services.intake import ticket_create

    teams = list(Team.objects.filter(pk__in=team_ids).order_by("pk"))
    for n in range(rounds):
        # ticket_create's listener runs the team's auto-assignment in this process after the commit.
        buyer = CustomerFactory(platform_account_id=f"race_{os.getpid()}_{n}")  # factory sequences repeat per process
        ticket_create(kind="inquiry", subject=f"race {os.getpid()} {n}", customer=buyer, team=teams[n % 2])


def _resolve(team_ids: list[int], rounds: int) -> None:
    from tickets.enums import TicketStatus
    from tickets.models import Ticket
    from tickets.services.transitions import ticket_transition

    done = 0
    for _ in range(rounds * 20):
        ticket = (
            Ticket.objects.filter(team_id__in=team_ids, assignee__isnull=False, status__in=["new", "open"])
            .select_related("assignee")
            .order_by("?")
            .first()
        )
        if ticket is None:
            continue
        ticket_transition(ticket=ticket, to_status=TicketStatus.RESOLVED, actor=ticket.assignee)
        done += 1
        if done >= rounds:
            return


def _assign(team_ids: list[int], rounds: int) -> None:
    from workforce.services.assignment import autoassign_team

    for n in range(rounds * 10):  # many short runs: the window between counting and giving is small
        autoassign_team(team_id=team_ids[n % 2])
