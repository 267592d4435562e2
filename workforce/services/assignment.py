"""Auto-assignment (自动分配): a team's waiting tickets go to its online agents with free capacity.

``autoassign_team`` is one run for one team; ``autoassign_after_commit`` schedules runs for when the current
transaction commits (ticket created, unassigned, resolved; an agent online; capacity raised; a team resumed), and
``autoassign_sweep`` (beat, every 15 s) is the safety net that finds whatever a lost trigger left waiting.

Concurrency. Several web processes and workers may run a team (or two teams sharing agents) at once; an agent's
load must never pass their capacity and a ticket must never be given twice. One run is one transaction that locks,
in this order: the team's ``TeamWorkSettings`` row (one run per team at a time), the candidate agents'
``AgentProfile`` rows by id (a run of another team that wants the same agent waits, then counts again), then each
ticket as it is given (``ticket_assign_if_unchanged``: only if still unassigned). Loads are counted after the
profile locks are held, so they include every committed auto-assignment. Ticket services hold a ticket's lock while
their hooks run; hooks therefore never lock profiles or team settings (that would be the opposite order, a
deadlock): they only *schedule* a run for after commit.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts import roles
from tickets.enums import TicketStatus
from tickets.models import Team, Ticket
from tickets.services.assignment import ticket_assign_if_unchanged

from ..enums import AssignmentMode, PresenceStatus
from ..models import AgentProfile, Shift, TeamWorkSettings, TicketRouting
from ..selectors import agent_loads, effective_capacity
from ..shifts import current_shifts, team_time_zone
from .profiles import team_settings_ensure

logger = logging.getLogger(__name__)

WAITING_STATUSES = (TicketStatus.NEW, TicketStatus.OPEN)
# The most waiting tickets one run looks at (the nearest deadlines); the next run takes the rest.
WAITING_BATCH = 500


@dataclass(frozen=True)
class Assignment:
    ticket_id: int
    user_id: int
    reason: str
    load: int
    capacity: int


@dataclass
class _Candidate:
    profile: AgentProfile
    user: Any
    capacity: int
    load: int
    skills: set[int] = field(default_factory=set)
    in_team: bool = True

    @property
    def free(self) -> bool:
        return self.load < self.capacity


# --- scheduling -----------------------------------------------------------------------------------------------


class _Batch:
    """The teams to run once the current transaction commits, shared by every callback registered in it."""

    def __init__(self) -> None:
        self.team_ids: set[int] = set()
        self.done = False


class _RunAfterCommit:
    def __init__(self, batch: _Batch) -> None:
        self.batch = batch

    def __call__(self) -> None:
        # Several triggers in one transaction each registered a callback; the first to run does the batch.
        if self.batch.done:
            return
        self.batch.done = True
        for team_id in sorted(self.batch.team_ids):
            try:
                autoassign_team(team_id=team_id)
            except Exception:  # a failed run never fails the request that triggered it; the sweep retries
                logger.exception("auto-assignment of team %s failed", team_id)


def autoassign_after_commit(team_ids: Iterable[int]) -> None:
    """Once the current transaction commits, give these teams' waiting tickets to free agents (synchronously,
    in this process: it works without a Celery worker, and the agent sees the ticket at once). Outside a
    transaction it runs now. Triggers within one transaction are merged: one run per team per commit. A run that
    fails is logged, never raised."""
    ids = {int(team_id) for team_id in team_ids if team_id}
    if not ids:
        return
    connection = transaction.get_connection()
    batch = None
    if connection.in_atomic_block:
        for _sids, func, *_rest in connection.run_on_commit:
            if isinstance(func, _RunAfterCommit) and not func.batch.done:
                batch = func.batch
                break
    if batch is None:
        batch = _Batch()
    batch.team_ids |= ids
    # A callback per trigger (cheap, the batch runs once): a savepoint rolled back drops only its own callbacks,
    # and a test that captures the callbacks of one block sees one.
    transaction.on_commit(_RunAfterCommit(batch))


# --- one run ------------------------------------------------------------------------------------------------------


def autoassign_team(*, team_id: int, now: datetime | None = None) -> list[Assignment]:
    """Give the team's waiting tickets to its free agents; returns what was given.

    Waiting: the team's unassigned tickets that are new or open, nearest SLA deadline first (no deadline last,
    then oldest received). Eligible: the team's active agents who are online, in a running shift when the team has
    shifts, with the ticket's required skill, and an open load below their capacity (the team's override if set).
    A ticket's named owner gets it first when online with free capacity. Round-robin gives the next eligible agent
    after the last one by user id; least-loaded the lowest load/capacity, then load, then id. Nothing happens when
    the team's mode is off or it is paused.

    Precondition: call holding no ticket lock (from ``autoassign_after_commit`` or a task, never from a ticket
    hook). Atomic; the lock order is described in the module docstring.
    """
    now = now or timezone.now()
    # Most teams assign by hand (no settings row means mode off): one query, no lock, for every ticket created.
    mode = TeamWorkSettings.objects.filter(team_id=team_id).values_list("assignment_mode", "assignment_paused").first()
    if mode is None or mode[0] == AssignmentMode.OFF or mode[1]:
        return []
    team = Team.objects.select_related("calendar").filter(pk=team_id).first()
    if team is None:
        return []
    team_settings_ensure(team=team)
    given: list[Assignment] = []
    # One transaction per batch of waiting tickets, so the locks are held for one batch at a time; a shift
    # start (every agent online at once) fills every slot in one call.
    while True:
        batch, more = _autoassign_batch(team, now)
        given += batch
        if not more:
            return given


def _autoassign_batch(team: Team, now: datetime) -> tuple[list[Assignment], bool]:
    """One batch of ``autoassign_team``: what was given, and whether another batch may find more to give."""
    with transaction.atomic():
        settings = TeamWorkSettings.objects.select_for_update().get(team=team)
        if settings.assignment_mode == AssignmentMode.OFF or settings.assignment_paused:
            return [], False
        waiting = list(
            Ticket.objects.filter(team=team, assignee__isnull=True, status__in=WAITING_STATUSES)
            .order_by(F("sla_next_due_at").asc(nulls_last=True), "received_at", "id")
            .values_list("pk", flat=True)[:WAITING_BATCH]
        )
        if not waiting:
            return [], False
        routing = {
            row.ticket_id: row
            for row in TicketRouting.objects.filter(ticket_id__in=waiting).only("ticket_id", "required_skill", "owner")
        }
        members = _eligible_member_ids(team, now)
        owners = {row.owner_id for row in routing.values() if row.owner_id} - members
        candidates = _lock_candidates(members | owners, members, settings)
        if not candidates:
            return [], False
        given = []
        for ticket_id in waiting:
            if not any(candidate.free for candidate in candidates.values()):
                break
            route = routing.get(ticket_id)
            choice = _choose(route, candidates, settings)
            if choice is None:
                continue
            candidate, reason = choice
            if not _still_waiting(ticket_id):
                continue
            details = {"load": candidate.load + 1, "capacity": candidate.capacity}
            assigned = ticket_assign_if_unchanged(
                ticket=ticket_id,
                expect_assignee_id=None,
                assignee=candidate.user,
                actor=None,
                via="auto",
                reason=reason,
                details=details,
            )
            if assigned is None:
                continue
            candidate.load += 1
            if reason == AssignmentMode.ROUND_ROBIN:
                settings.last_assigned_user = candidate.user
            given.append(Assignment(ticket_id, candidate.user.pk, reason, candidate.load, candidate.capacity))
        if settings.assignment_mode == AssignmentMode.ROUND_ROBIN and given:
            settings.save(update_fields=["last_assigned_user", "updated_at"])
        more = len(waiting) == WAITING_BATCH and any(candidate.free for candidate in candidates.values())
    return given, bool(given) and more


def autoassign_sweep(*, now: datetime | None = None) -> int:
    """Beat, every 15 s: run every team whose auto-assignment is on and not paused (the safety net for a trigger
    lost to a crash between commit and run). Returns how many tickets were given."""
    teams = TeamWorkSettings.objects.exclude(assignment_mode=AssignmentMode.OFF).filter(assignment_paused=False)
    given = 0
    for team_id in teams.order_by("team_id").values_list("team_id", flat=True):
        try:
            given += len(autoassign_team(team_id=team_id, now=now))
        except Exception:  # one team's failure does not stop the others
            logger.exception("auto-assignment sweep of team %s failed", team_id)
    return given


# --- internals ----------------------------------------------------------------------------------------------------


def _eligible_member_ids(team: Team, now: datetime) -> set[int]:
    """The team's members who may get tickets now by the clock: all of them, or, when the team has shifts, the
    members of a running shift (in the team calendar's time zone; a shift past midnight counts on both days)."""
    members = set(team.members.filter(is_active=True).values_list("pk", flat=True))
    shifts = list(Shift.objects.filter(team=team).prefetch_related("members"))
    if not shifts:
        return members
    on_shift: set[int] = set()
    for shift, _started in current_shifts(shifts, now, team_time_zone(team)):
        on_shift |= {user.pk for user in shift.members.all()}
    return members & on_shift


def _lock_candidates(user_ids: set[int], members: set[int], settings: TeamWorkSettings) -> dict[int, _Candidate]:
    """Lock the online candidates' profiles (by id, so two runs lock in the same order), then count their loads."""
    if not user_ids:
        return {}
    online = AgentProfile.objects.filter(user_id__in=user_ids, status=PresenceStatus.ONLINE).values_list(
        "pk", flat=True
    )
    profiles = list(
        AgentProfile.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(pk__in=list(online))
        .order_by("pk")
    )
    # Re-read under the lock: the status may have changed while we waited for it.
    profiles = [p for p in profiles if p.status == PresenceStatus.ONLINE and p.user.is_active]
    users = [p.user for p in profiles]
    roles.roles_prefetch(users)
    profiles = [p for p in profiles if roles.is_agent(p.user)]
    if not profiles:
        return {}
    loads = agent_loads(p.user_id for p in profiles)
    skills: dict[int, set[int]] = {p.pk: set() for p in profiles}
    for profile_id, skill_id in AgentProfile.skills.through.objects.filter(
        agentprofile_id__in=list(skills)
    ).values_list("agentprofile_id", "skill_id"):
        skills[profile_id].add(skill_id)
    return {
        p.user_id: _Candidate(
            profile=p,
            user=p.user,
            capacity=effective_capacity(p, settings),
            load=loads[p.user_id],
            skills=skills[p.pk],
            in_team=p.user_id in members,
        )
        for p in profiles
    }


def _choose(
    route: TicketRouting | None, candidates: dict[int, _Candidate], settings: TeamWorkSettings
) -> tuple[_Candidate, str] | None:
    skill_id = route.required_skill_id if route else None
    owner = candidates.get(route.owner_id) if route and route.owner_id else None
    if owner is not None and owner.free:
        return owner, "owner"
    pool = [c for c in candidates.values() if c.in_team and c.free and (skill_id is None or skill_id in c.skills)]
    if not pool:
        return None
    if settings.assignment_mode == AssignmentMode.ROUND_ROBIN:
        pool.sort(key=lambda c: c.user.pk)
        last = settings.last_assigned_user_id or 0
        after = [c for c in pool if c.user.pk > last]
        return (after or pool)[0], AssignmentMode.ROUND_ROBIN.value
    best = min(pool, key=lambda c: (Fraction(c.load, c.capacity), c.load, c.user.pk))
    return best, AssignmentMode.LEAST_LOADED.value


def _still_waiting(ticket_id: int) -> bool:
    """Lock the ticket (the last lock of the order) and check it still waits: a ticket resolved since the list was
    read is not given (``ticket_assign_if_unchanged`` itself only checks the assignee and closed)."""
    locked = Ticket.objects.select_for_update(of=("self",)).filter(
        pk=ticket_id, assignee__isnull=True, status__in=WAITING_STATUSES
    )
    return bool(list(locked.values_list("pk", flat=True)))
