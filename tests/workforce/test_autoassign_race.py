"""Auto-assignment racing in several PROCESSES on the real PostgreSQL: tickets created, resolved and assigned at
once in two teams that share agents. No agent's open load ever passes their capacity, and no ticket is given twice.

Processes, not threads: each has its own connection and its own interpreter, as web processes and workers do.
"""

from __future__ import annotations

import multiprocessing
from collections import Counter

import pytest
from django.db import connection, connections

from tests.live_server import reload_migration_data
from tests.workforce import race_workers
from tickets.enums import UNRESOLVED_STATUSES, EventType, TicketStatus
from tickets.models import Ticket, TicketEvent
from workforce.enums import PresenceStatus
from workforce.services.assignment import autoassign_team

from .assign_helpers import make_agent, make_team

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CAPACITY = 2
ROUNDS = 20


def test_processes_racing_never_exceed_capacity_nor_give_a_ticket_twice():
    reload_migration_data()
    first = make_team("售前", mode="least_loaded")
    second = make_team("售后", mode="round_robin")
    agents = [make_agent(f"racer{i}", capacity=CAPACITY, status=PresenceStatus.ONLINE) for i in range(4)]
    first.members.add(*agents[:3])
    second.members.add(*agents[1:])  # two agents in both teams: two runs may want them at once
    team_ids = [first.pk, second.pk]
    db_name = connection.settings_dict["NAME"]
    connections.close_all()

    context = multiprocessing.get_context("spawn")
    roles = ["create", "create", "resolve", "assign", "assign", "assign"]
    barrier = context.Barrier(len(roles))
    errors = context.Queue()
    processes = [
        context.Process(target=race_workers.run, args=(role, db_name, team_ids, ROUNDS, barrier, errors))
        for role in roles
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(180)
    assert [p.exitcode for p in processes] == [0] * len(processes)
    problems = []
    while not errors.empty():
        problems.append(errors.get())
    assert problems == []

    autoassign_team(team_id=first.pk)  # whatever a lost race left waiting
    autoassign_team(team_id=second.pk)

    tickets = Ticket.objects.filter(team_id__in=team_ids)
    assert tickets.count() == roles.count("create") * ROUNDS
    open_loads = Counter(tickets.filter(status__in=UNRESOLVED_STATUSES).values_list("assignee_id", flat=True))
    for agent in agents:
        assert open_loads[agent.pk] <= CAPACITY, agent
    # Every ticket left waiting waits because every agent of its team is full.
    if open_loads[None]:
        assert all(open_loads[a.pk] == CAPACITY for a in agents)

    auto = list(TicketEvent.objects.filter(type=EventType.ASSIGNED, data__via="auto").order_by("id"))
    assert auto, "nothing was auto-assigned"
    # Given at most once each (nothing unassigned a ticket in between).
    assert max(Counter(event.ticket_id for event in auto).values()) == 1
    # Each run counted the load under the lock: the load it recorded is never above capacity.
    assert all(1 <= event.data["load"] <= event.data["capacity"] == CAPACITY for event in auto)
    # Given minus resolved, per agent, is their open load: within capacity.
    resolved = Counter(tickets.filter(status=TicketStatus.RESOLVED).values_list("assignee_id", flat=True))
    given = Counter(event.data["new"] for event in auto)
    for agent in agents:
        assert given[agent.pk] - resolved[agent.pk] == open_loads[agent.pk] <= CAPACITY
