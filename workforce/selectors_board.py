"""Reads of the team board and the work settings: which teams and agents a manager looks after, and the live
board (presence, load against capacity, the waiting queue, tickets close to an SLA breach).

Who looks after what: admins (and an integration key with no platform, the helpdesk's own tooling) every team;
a manager the teams they manage (``Team.managers``); nobody else any team. The board's tickets go through
``tickets.access`` as every other read of tickets does."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Min, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from accounts import roles
from integrations.access import integration_platform
from tickets.access import tickets_visible_to
from tickets.enums import RUNNING_STATUSES, TicketStatus
from tickets.models import Team, Ticket

from .enums import AssignmentMode, PresenceStatus
from .models import AgentProfile, Skill, TeamWorkSettings
from .selectors import agent_loads, effective_capacity

# The board flags tickets whose next SLA deadline falls within this window.
AT_RISK_WINDOW = timedelta(minutes=10)
# At most this many at-risk and this many overdue tickets are listed per board (their counts are exact).
BOARD_TICKET_LIMIT = 50
WAITING_STATUSES = (TicketStatus.NEW, TicketStatus.OPEN)


def sees_every_team(user: Any) -> bool:
    """Admins, and an integration with no platform (its key's scopes were checked by the API)."""
    return roles.is_admin(user) or integration_platform(user) == ""


def may_use_work_settings(user: Any) -> bool:
    """The work-settings pages, the board and their API: managers and admins (and a platform-free key)."""
    return roles.is_manager(user) or sees_every_team(user)


def managed_teams(user: Any) -> QuerySet[Team]:
    """The teams ``user`` looks after, by name."""
    if sees_every_team(user):
        return Team.objects.all()
    if not roles.is_manager(user):
        return Team.objects.none()
    return Team.objects.filter(managers=user)


def may_manage_team(user: Any, team: Team) -> bool:
    return sees_every_team(user) or (roles.is_manager(user) and team.managers.filter(pk=user.pk).exists())


def managed_agents(user: Any) -> QuerySet[Any]:
    """The agents (active people with the agent, manager or admin role) ``user`` may set capacity and skills
    for: every agent for admins, the members of their teams for managers."""
    User = get_user_model()
    agents = User.objects.filter(is_active=True).filter(
        Q(groups__name__in=[roles.Role.AGENT, roles.Role.MANAGER, roles.Role.ADMIN]) | Q(is_superuser=True)
    )
    if not sees_every_team(user):
        if not roles.is_manager(user):
            return User.objects.none()
        agents = agents.filter(teams__managers=user)
    return agents.distinct().order_by("username")


def may_manage_agent(user: Any, agent: Any) -> bool:
    if sees_every_team(user):
        return True
    return roles.is_manager(user) and Team.objects.filter(managers=user, members=agent).exists()


def skill_list() -> QuerySet[Skill]:
    """Every skill by name, with ``agent_count``: how many agents have it."""
    return Skill.objects.annotate(agent_count=Count("agents")).order_by("name")


# --- the settings pages ---------------------------------------------------------------------------------------


@dataclass
class TeamSettingsRow:
    team: Team
    settings: TeamWorkSettings  # unsaved defaults when the team has no row yet (a read never writes)
    members_count: int


def team_settings_rows(*, user: Any) -> list[TeamSettingsRow]:
    """Each team ``user`` looks after with its assignment settings and member count. Two queries."""
    teams = managed_teams(user).select_related("work_settings").annotate(members_count=Count("members", distinct=True))
    return [
        TeamSettingsRow(team=team, settings=team_settings_or_default(team), members_count=team.members_count)  # type: ignore[attr-defined]
        for team in teams.order_by("name")
    ]


def team_settings_or_default(team: Team) -> TeamWorkSettings:
    try:
        return team.work_settings  # type: ignore[no-any-return]
    except TeamWorkSettings.DoesNotExist:
        return TeamWorkSettings(team=team)


@dataclass
class AgentRow:
    user: Any
    profile: AgentProfile
    skills: list[Skill]
    teams: list[Team]
    load: int


def agent_rows(*, user: Any, agents: list[Any] | None = None) -> list[AgentRow]:
    """The agents ``user`` looks after (or the given ones), each with capacity, skills, teams and open load.
    Five queries however many agents."""
    people = agents if agents is not None else list(managed_agents(user))
    profiles = _profiles_by_user([person.pk for person in people], with_skills=True)
    loads = agent_loads(person.pk for person in people)
    team_map = _teams_by_user([person.pk for person in people])
    return [
        AgentRow(
            user=person,
            profile=profiles.get(person.pk) or AgentProfile(user=person),
            skills=list(profiles[person.pk].skills.all()) if person.pk in profiles else [],
            teams=team_map.get(person.pk, []),
            load=loads.get(person.pk, 0),
        )
        for person in people
    ]


def _profiles_by_user(user_ids: list[int], *, with_skills: bool = False) -> dict[int, AgentProfile]:
    profiles = AgentProfile.objects.filter(user_id__in=user_ids)
    if with_skills:
        profiles = profiles.prefetch_related(Prefetch("skills", queryset=Skill.objects.order_by("name")))
    return {profile.user_id: profile for profile in profiles}


def _teams_by_user(user_ids: list[int]) -> dict[int, list[Team]]:
    through = Team.members.through
    rows = through.objects.filter(user_id__in=user_ids).select_related("team").order_by("team__name")
    found: dict[int, list[Team]] = {}
    for row in rows:
        found.setdefault(row.user_id, []).append(row.team)
    return found


def agent_profile_or_default(agent: Any) -> AgentProfile:
    try:
        return agent.agent_profile  # type: ignore[no-any-return]
    except AgentProfile.DoesNotExist:
        return AgentProfile(user=agent)


# --- the board ------------------------------------------------------------------------------------------------


@dataclass
class BoardAgent:
    user: Any
    status: str
    status_label: str
    status_since: datetime | None
    status_seconds: int | None  # how long in this status
    load: int
    capacity: int

    @property
    def over_capacity(self) -> bool:
        return self.load >= self.capacity


@dataclass
class BoardTicket:
    ticket: Ticket
    due_at: datetime
    seconds: int  # until the deadline (at risk) or since it passed (overdue)


@dataclass
class BoardTeam:
    team: Team
    settings: TeamWorkSettings
    agents: list[BoardAgent]
    waiting_count: int = 0
    oldest_waiting_since: datetime | None = None
    oldest_wait_seconds: int | None = None
    at_risk: list[BoardTicket] = field(default_factory=list)
    overdue: list[BoardTicket] = field(default_factory=list)
    at_risk_count: int = 0
    overdue_count: int = 0

    @property
    def online_count(self) -> int:
        return sum(1 for agent in self.agents if agent.status == PresenceStatus.ONLINE)

    @property
    def auto_assignment_on(self) -> bool:
        return self.settings.assignment_mode != AssignmentMode.OFF and not self.settings.assignment_paused


@dataclass
class Board:
    now: datetime
    teams: list[BoardTeam]


# The board's own words for presence (在线 / 忙碌 / 小休 / 离线), with a context so they stay its own.
PRESENCE_LABELS = {
    PresenceStatus.ONLINE: pgettext_lazy("team board", "Online"),
    PresenceStatus.BUSY: pgettext_lazy("team board", "Busy"),
    PresenceStatus.AWAY: pgettext_lazy("team board", "Away"),
    PresenceStatus.OFFLINE: pgettext_lazy("team board", "Offline"),
}
_STATUS_ORDER: dict[str, int] = {
    PresenceStatus.ONLINE: 0,
    PresenceStatus.BUSY: 1,
    PresenceStatus.AWAY: 2,
    PresenceStatus.OFFLINE: 3,
}


def team_board(*, user: Any, team_ids: list[int] | None = None, now: datetime | None = None) -> Board:
    """The live board of the teams ``user`` looks after (narrowed to ``team_ids`` if given).

    Per team: its agents (active members with a staff role) with presence, open load and effective capacity;
    the waiting queue (unassigned new or open tickets: how many, since when the oldest waits); tickets whose
    running SLA clock falls due within ``AT_RISK_WINDOW``, and those already overdue. Only tickets ``user`` may
    see count. A fixed number of queries however many agents and tickets (about ten)."""
    now = now or timezone.now()
    teams_qs = managed_teams(user).select_related("work_settings").order_by("name")
    if team_ids is not None:
        teams_qs = teams_qs.filter(pk__in=team_ids)
    User = get_user_model()
    teams = list(
        teams_qs.prefetch_related(
            Prefetch(
                "members", queryset=User.objects.filter(is_active=True).order_by("username"), to_attr="board_members"
            )
        )
    )
    people = {member.pk: member for team in teams for member in team.board_members}  # type: ignore[attr-defined]
    roles.roles_prefetch(list(people.values()))
    agents = {pk: person for pk, person in people.items() if roles.is_agent(person)}
    profiles = _profiles_by_user(list(agents))
    loads = agent_loads(agents)
    board_teams: list[BoardTeam] = []
    by_id: dict[int, BoardTeam] = {}
    for team in teams:
        settings = team_settings_or_default(team)
        members = []
        for person in team.board_members:  # type: ignore[attr-defined]
            if person.pk not in agents:
                continue
            profile = profiles.get(person.pk) or AgentProfile(user=person)  # no row yet: the defaults, offline
            status = PresenceStatus(profile.status)
            members.append(
                BoardAgent(
                    user=person,
                    status=status.value,
                    status_label=str(PRESENCE_LABELS[status]),
                    status_since=profile.status_since if person.pk in profiles else None,
                    status_seconds=(
                        max(0, int((now - profile.status_since).total_seconds())) if person.pk in profiles else None
                    ),
                    load=loads.get(person.pk, 0),
                    capacity=effective_capacity(profile, settings),
                )
            )
        members.sort(key=lambda agent: (_STATUS_ORDER.get(agent.status, 9), agent.user.get_username()))
        row = BoardTeam(team=team, settings=settings, agents=members)
        board_teams.append(row)
        by_id[team.pk] = row
    if by_id:
        _board_tickets(user=user, by_id=by_id, now=now)
    return Board(now=now, teams=board_teams)


def _board_tickets(*, user: Any, by_id: dict[int, BoardTeam], now: datetime) -> None:
    visible = tickets_visible_to(user).filter(team_id__in=list(by_id))
    waiting = (
        visible.filter(assignee__isnull=True, status__in=WAITING_STATUSES)
        .values("team_id")
        .annotate(n=Count("id"), oldest=Min("received_at"))
        .order_by()
    )
    for row in waiting:
        team = by_id[row["team_id"]]
        team.waiting_count = row["n"]
        team.oldest_waiting_since = row["oldest"]
        team.oldest_wait_seconds = max(0, int((now - row["oldest"]).total_seconds())) if row["oldest"] else None
    running = visible.filter(status__in=RUNNING_STATUSES, sla_paused_at__isnull=True, sla_next_due_at__isnull=False)
    at_risk_q = running.filter(sla_next_due_at__gt=now, sla_next_due_at__lte=now + AT_RISK_WINDOW)
    overdue_q = running.filter(sla_next_due_at__lte=now)
    for name, queryset in (("at_risk", at_risk_q), ("overdue", overdue_q)):
        for row in queryset.values("team_id").annotate(n=Count("id")).order_by():
            setattr(by_id[row["team_id"]], f"{name}_count", row["n"])
        ordered = queryset.select_related("assignee", "customer").order_by("sla_next_due_at", "id")
        for ticket in ordered[:BOARD_TICKET_LIMIT]:
            due = ticket.sla_next_due_at
            assert due is not None
            seconds = int((due - now).total_seconds()) if name == "at_risk" else int((now - due).total_seconds())
            getattr(by_id[ticket.team_id], name).append(BoardTicket(ticket=ticket, due_at=due, seconds=max(0, seconds)))  # type: ignore[index]
