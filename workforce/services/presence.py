"""Presence (在线状态): whether an agent takes new tickets now. The agent chooses online, busy, away (小休) or
offline in the top bar; the page's heartbeat sets an idle agent away and back, and an agent whose every page is
gone (signed out, closed, lost) offline.

``_status_set_locked`` is the one writer of ``AgentProfile.status`` (STYLE.md rule 7, tests/test_architecture.py).
Every change writes a ``PresenceChange`` row (reports count online time from them) and, once committed, schedules
the auto-assignment its change makes possible: online means free for tickets, offline hands the agent's unanswered
tickets back to the queue in teams that want it.

Lock order: the agent's profile, then tickets (a hand-back locks each ticket). Auto-assignment takes team settings,
then profiles, then tickets: the same direction, so the two never wait on each other in a circle.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from core.errors import Forbidden, ValidationFailed
from tickets.enums import TicketStatus
from tickets.models import Team, Ticket
from tickets.services.assignment import ticket_assign_if_unchanged

from ..enums import AssignmentMode, PresenceReason, PresenceStatus
from ..models import AgentProfile, PresenceChange, PresenceSession
from .assignment import autoassign_after_commit
from .profiles import agent_profile_ensure

logger = logging.getLogger(__name__)

WORKING = (PresenceStatus.ONLINE, PresenceStatus.BUSY)
# An agent's choice (not the heartbeat's) that becomes the status they return to after being idle.
CHOOSING_REASONS = (PresenceReason.MANUAL, PresenceReason.MANAGER)
# The most idle time a heartbeat may report (a day): more is a broken client, not a longer absence.
IDLE_SECONDS_MAX = 24 * 3600


def idle_away_after() -> timedelta:
    return timedelta(minutes=float(getattr(settings, "PRESENCE_IDLE_AWAY_MINUTES", 10)))


def heartbeat_timeout() -> timedelta:
    return timedelta(seconds=float(getattr(settings, "PRESENCE_HEARTBEAT_TIMEOUT_SECONDS", 120)))


def presence_set(*, user: Any, status: str, reason: str, now: datetime | None = None) -> AgentProfile:
    """Set an agent's status (an agent or manager choosing it, or the heartbeat deciding).

    Preconditions: ``user`` is an agent (agents, managers, admins); ``status`` a ``PresenceStatus`` value,
    ``reason`` a ``PresenceReason`` value. Setting the status they already have changes nothing (though a
    choice of online or busy is remembered as the status to return to after being idle).

    Side effects: a ``PresenceChange`` row; becoming online schedules auto-assignment for the agent's teams;
    becoming offline hands their unanswered tickets back (see ``_hand_back``). Atomic; locks the profile row.
    """
    if status not in PresenceStatus.values:
        raise ValidationFailed(_("Unknown status."), fields={"status": [_("Choose online, busy, away or offline.")]})
    if not roles.is_agent(user):
        raise Forbidden(_("Only agents have a presence status."))
    now = now or timezone.now()
    with transaction.atomic():
        profile = _lock_profile(user)
        _status_set_locked(profile, status, reason, now)
    return profile


def presence_heartbeat(
    *, user: Any, session_key: str, idle_seconds: float, now: datetime | None = None
) -> AgentProfile:
    """A page of this session is open; its person last typed, moved the mouse or touched the screen
    ``idle_seconds`` ago.

    Records the session's heartbeat. An online or busy agent idle for PRESENCE_IDLE_AWAY_MINUTES in every session
    becomes away (reason ``idle``); an agent the heartbeat set away who is active again returns to the status they
    chose (reason ``active``). A status the agent chose themselves (away, offline) is left alone: the heartbeat
    never brings an offline agent online. Precondition: ``user`` is an agent.
    """
    if not roles.is_agent(user):
        raise Forbidden(_("Only agents have a presence status."))
    now = now or timezone.now()
    idle = min(max(float(idle_seconds), 0.0), IDLE_SECONDS_MAX)
    with transaction.atomic():
        PresenceSession.objects.update_or_create(
            user=user,
            session_key=session_key,
            defaults={"last_seen_at": now, "last_input_at": now - timedelta(seconds=idle)},
        )
        profile = _lock_profile(user)
        profile.last_seen_at = now
        profile.save(update_fields=["last_seen_at"])
        # Active in any of their pages counts: two browsers open, typing in one.
        last_input = PresenceSession.objects.filter(user=user).aggregate(latest=Max("last_input_at"))["latest"]
        idle_for = now - (last_input or now)
        if profile.status in WORKING and idle_for >= idle_away_after():
            _status_set_locked(profile, PresenceStatus.AWAY, PresenceReason.IDLE, now)
        elif profile.status == PresenceStatus.AWAY and idle_for < idle_away_after() and _went_away_idle(user):
            back = profile.chosen_status if profile.chosen_status in WORKING else PresenceStatus.ONLINE
            _status_set_locked(profile, back, PresenceReason.ACTIVE, now)
    return profile


def presence_session_end(*, user: Any, session_key: str | None, now: datetime | None = None) -> None:
    """The person signed out of this session: its heartbeat row goes and, when it was their last session, an agent
    becomes offline (reason ``logout``). Signing in never changes the status (the agent chooses it)."""
    now = now or timezone.now()
    with transaction.atomic():
        if session_key:
            PresenceSession.objects.filter(user=user, session_key=session_key).delete()
        if PresenceSession.objects.filter(user=user).exists():
            return
        profile = AgentProfile.objects.select_for_update().filter(user=user).first()
        if profile is not None and profile.status != PresenceStatus.OFFLINE:
            _status_set_locked(profile, PresenceStatus.OFFLINE, PresenceReason.LOGOUT, now)


def presence_sweep(*, now: datetime | None = None) -> int:
    """Beat, every 30 s: sessions quiet for longer than PRESENCE_HEARTBEAT_TIMEOUT_SECONDS (page closed, laptop
    asleep, network gone) are removed, and agents who are not offline with no session left become offline (reason
    ``heartbeat_lost``). Safe to run twice at once: each agent is decided holding their profile lock. Returns how
    many agents went offline."""
    now = now or timezone.now()
    PresenceSession.objects.filter(last_seen_at__lt=now - heartbeat_timeout()).delete()
    with_session = PresenceSession.objects.values("user_id")
    stale = list(
        AgentProfile.objects.exclude(status=PresenceStatus.OFFLINE)
        .exclude(user_id__in=with_session)
        .values_list("pk", flat=True)
    )
    went_offline = 0
    for pk in stale:
        with transaction.atomic():
            profile = AgentProfile.objects.select_for_update().select_related("user").get(pk=pk)
            # A heartbeat may have arrived since the list was read.
            if (
                profile.status == PresenceStatus.OFFLINE
                or PresenceSession.objects.filter(user_id=profile.user_id).exists()
            ):
                continue
            _status_set_locked(profile, PresenceStatus.OFFLINE, PresenceReason.HEARTBEAT_LOST, now)
            went_offline += 1
    return went_offline


# --- internals ----------------------------------------------------------------------------------------------


def _lock_profile(user: Any) -> AgentProfile:
    profile = agent_profile_ensure(user=user)
    locked = AgentProfile.objects.select_for_update().get(pk=profile.pk)
    locked.user = user
    return locked


def _went_away_idle(user: Any) -> bool:
    """Whether the heartbeat (not the agent) set them away: only then does activity bring them back."""
    last = PresenceChange.objects.filter(user=user).order_by("-at", "-id").values_list("reason", flat=True).first()
    return last == PresenceReason.IDLE


def _status_set_locked(profile: AgentProfile, status: str, reason: str, now: datetime) -> None:
    """The one writer of ``AgentProfile.status``. Call inside a transaction holding the profile's row lock."""
    fields = []
    if reason in CHOOSING_REASONS and status in WORKING and profile.chosen_status != status:
        profile.chosen_status = status
        fields.append("chosen_status")
    old = profile.status
    if old != status:
        profile.status = status
        profile.status_since = now
        fields += ["status", "status_since"]
    if fields:
        profile.save(update_fields=fields)
    if old == status:
        return
    PresenceChange.objects.create(user_id=profile.user_id, old_status=old, new_status=status, reason=reason, at=now)
    if status == PresenceStatus.ONLINE:
        autoassign_after_commit(_auto_teams(profile.user_id))
    elif status == PresenceStatus.OFFLINE:
        _hand_back(profile.user_id)


def _auto_teams(user_id: int) -> list[int]:
    """The agent's teams that assign automatically (teams without the setting on have nothing to run)."""
    return list(
        Team.objects.filter(members=user_id)
        .exclude(work_settings__assignment_mode=AssignmentMode.OFF)
        .exclude(work_settings__isnull=True)
        .values_list("pk", flat=True)
    )


def _hand_back(user_id: int) -> None:
    """Give the agent's unanswered tickets (new or open, no first response yet) back to their team's queue, in
    teams whose ``hand_back_on_offline`` is on (a team without settings has the default: on). A ticket someone
    reassigned meanwhile is left alone (``ticket_assign_if_unchanged``). The teams' auto-assignment runs after
    commit, so another online agent gets them."""
    tickets = list(
        Ticket.objects.filter(
            assignee_id=user_id,
            first_responded_at__isnull=True,
            status__in=[TicketStatus.NEW, TicketStatus.OPEN],
            team__isnull=False,
        )
        .filter(Q(team__work_settings__hand_back_on_offline=True) | Q(team__work_settings__isnull=True))
        .values_list("pk", "team_id")
    )
    teams = set()
    for ticket_id, team_id in tickets:
        handed = ticket_assign_if_unchanged(
            ticket=ticket_id,
            expect_assignee_id=user_id,
            assignee=None,
            actor=None,
            via="handback",
            reason="offline",
        )
        if handed is not None:
            teams.add(team_id)
    if teams:
        autoassign_after_commit(sorted(teams))
