"""Reads of the shift-handover book (交接班记录本): whose shift it is, who comes next, the book, the overview."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Prefetch, Q, QuerySet, Value
from django.utils import timezone

from accounts import roles
from tickets.access import NOTHING, visible_tickets_q
from tickets.enums import UNRESOLVED_STATUSES
from tickets.models import Team, Ticket
from tickets.selectors import ticket_pk_from_reference

from .models import Handover, HandoverAck, HandoverItem, Shift
from .shifts import current_shifts, next_shift, recently_ended, shift_window, team_time_zone

# A shift's handover may be written up to this long after it ended (agents finish a chat first).
JUST_ENDED = timedelta(hours=2)
# Handovers older than this are no longer "unread" for anybody: a newcomer is not greeted by a year of them.
UNREAD_WINDOW = timedelta(days=7)


def handover_teams(user: Any) -> QuerySet[Team]:
    """The teams whose book ``user`` reads: admins, integrations and managers of no team every team (as for
    tickets, tickets/access.py); everyone else the teams they belong to or manage."""
    if roles.is_admin(user) or roles.is_integration(user):
        return Team.objects.all()
    if not roles.is_agent(user):
        return Team.objects.none()
    own = Team.objects.filter(Q(members=user) | Q(managers=user)).distinct()
    if roles.is_manager(user) and not own.exists():
        return Team.objects.all()
    return Team.objects.filter(pk__in=own.values("pk"))


def handover_author_teams(user: Any) -> QuerySet[Team]:
    """The teams ``user`` may write a handover for: the teams they are a member of."""
    if not roles.is_agent(user):
        return Team.objects.none()
    return Team.objects.filter(members=user).order_by("name")


@dataclass
class ShiftMoment:
    """The handover's shift (and the date it started), and the one after it with its agents."""

    shift: Shift | None
    shift_date: date
    next_shift: Shift | None
    next_date: date | None
    next_agents: list[Any] = field(default_factory=list)


def handover_moment(*, team: Team, author: Any, now: datetime | None = None) -> ShiftMoment:
    """The author's current shift in the team, or the one of theirs that ended in the last two hours (failing
    both: the team's running shift, then the team's one that just ended); its start date in the team's time
    zone; and the next shift with its members but the author. A team without shifts has no shift, and its next
    agents are all its other active agents."""
    now = now or timezone.now()
    tz = team_time_zone(team)
    shifts = list(Shift.objects.filter(team=team).prefetch_related("members").order_by("start_time"))
    if not shifts:
        members = team.members.filter(is_active=True).exclude(pk=author.pk).order_by("username")
        agents = [user for user in members if roles.is_agent(user)]
        return ShiftMoment(None, now.astimezone(tz).date(), None, None, agents)
    mine = [shift for shift in shifts if any(member.pk == author.pk for member in shift.members.all())]
    found: tuple[Shift, date] | None = None
    for candidates in (mine, shifts):
        running = current_shifts(candidates, now, tz)
        if running:
            found = running[0]
            break
        ended = [(shift, day) for shift in candidates if (day := recently_ended(shift, now, tz, JUST_ENDED))]
        if ended:
            found = max(ended, key=lambda pair: shift_window(pair[0], pair[1], tz)[1])
            break
    if found is None:
        upcoming = next_shift(shifts, now, tz)
        following = upcoming
        current_date = now.astimezone(tz).date()
    else:
        current_date = found[1]
        _start, end = shift_window(found[0], found[1], tz)
        # The shift that starts when this one ends (or the first after it).
        following = next_shift(shifts, end - timedelta(minutes=1), tz)
    next_agents: list[Any] = []
    if following is not None:
        next_agents = sorted(
            (user for user in following[0].members.all() if user.is_active and user.pk != author.pk),
            key=lambda user: user.username,
        )
    return ShiftMoment(
        found[0] if found else None,
        current_date,
        following[0] if following else None,
        following[1] if following else None,
        next_agents,
    )


def handover_open_tickets(*, author: Any) -> QuerySet[Ticket]:
    """The author's open tickets (not resolved or closed), the ones a handover form lists."""
    return (
        Ticket.objects.filter(assignee=author, status__in=UNRESOLVED_STATUSES)
        .select_related("sla_policy", "team")
        .order_by("received_at", "id")
    )


def _visible_column(user: Any) -> Any:
    rule = visible_tickets_q(user, prefix="ticket__")
    if rule == Q():
        return Value(True, output_field=BooleanField())
    if rule == NOTHING:
        return Value(False, output_field=BooleanField())
    return ExpressionWrapper(rule, output_field=BooleanField())


def _items_for(user: Any) -> Prefetch:
    """Each item with ``ticket_visible``: whether ``user`` may see its ticket (else only its reference is shown,
    without its subject or the item's note)."""
    return Prefetch(
        "items",
        queryset=HandoverItem.objects.select_related("ticket", "to_agent").annotate(
            ticket_visible=_visible_column(user)
        ),
    )


def _with_reading(queryset: QuerySet[Handover], user: Any) -> QuerySet[Handover]:
    mine = HandoverAck.objects.filter(handover=OuterRef("pk"), user_id=user.pk)
    since = timezone.now() - UNREAD_WINDOW
    return queryset.annotate(
        acknowledged=Exists(mine),
        unread=ExpressionWrapper(
            ~Exists(mine) & ~Q(author_id=user.pk) & Q(created_at__gte=since), output_field=BooleanField()
        ),
    )


@dataclass
class BookFilters:
    team: Team | None = None
    date_from: date | None = None
    date_to: date | None = None
    author_id: int | None = None
    ticket: str = ""
    unread_only: bool = False


def handover_list(*, user: Any, filters: BookFilters | None = None) -> QuerySet[Handover]:
    """The handovers ``user`` may read (the books of ``handover_teams``), unread first (not acknowledged by
    them, not theirs, from the last seven days), then newest first. ``ticket`` (a reference, ``T-000042`` or
    ``42``) finds the handovers with that ticket among their items, if ``user`` may see it."""
    filters = filters or BookFilters()
    queryset = Handover.objects.filter(team__in=handover_teams(user))
    if filters.team is not None:
        queryset = queryset.filter(team=filters.team)
    if filters.date_from:
        queryset = queryset.filter(shift_date__gte=filters.date_from)
    if filters.date_to:
        queryset = queryset.filter(shift_date__lte=filters.date_to)
    if filters.author_id:
        queryset = queryset.filter(author_id=filters.author_id)
    if filters.ticket:
        ticket_pk = ticket_pk_from_reference(filters.ticket)
        if ticket_pk is None:
            return Handover.objects.none()
        items = HandoverItem.objects.filter(
            visible_tickets_q(user, prefix="ticket__"), handover=OuterRef("pk"), ticket_id=ticket_pk
        )
        queryset = queryset.filter(Exists(items))
    queryset = _with_reading(queryset, user)
    if filters.unread_only:
        queryset = queryset.filter(Q(unread=True))
    return (
        queryset.select_related("team", "shift", "author")
        .prefetch_related(_items_for(user), Prefetch("acks", queryset=HandoverAck.objects.select_related("user")))
        .order_by("-unread", "-created_at", "-id")
    )


def handover_get(*, user: Any, pk: int) -> Handover | None:
    """One handover ``user`` may read (None otherwise: the caller answers 404)."""
    return handover_list(user=user).filter(pk=pk).first()


def handover_unread_count(*, user: Any) -> int:
    """How many handovers wait for ``user``'s acknowledgement (one query)."""
    if not roles.is_agent(user):
        return 0
    return (
        Handover.objects.filter(
            Q(team__members=user) | Q(team__managers=user), created_at__gte=timezone.now() - UNREAD_WINDOW
        )
        .exclude(author=user)
        .exclude(Exists(HandoverAck.objects.filter(handover=OuterRef("pk"), user=user)))
        .values("pk")
        .distinct()
        .count()
    )


def handover_latest_for_ticket(ticket: Ticket) -> HandoverItem | None:
    """The ticket's latest handover item (the ticket page's card)."""
    return (
        HandoverItem.objects.filter(ticket=ticket)
        .select_related("handover__author", "to_agent")
        .order_by("-handover__created_at", "-id")
        .first()
    )


@dataclass
class OverviewRow:
    day: date
    shift: Shift | None
    members: list[Any]
    handovers: list[Handover]
    missing: list[Any]  # members of the shift who wrote no handover that day


def handover_overview(*, user: Any, team: Team, date_from: date, date_to: date) -> list[OverviewRow]:
    """Per day (newest first) and shift: who is in the shift (its members now), who handed over, who
    acknowledged each handover. Handovers written outside any shift get a row of their own. A few queries
    whatever the range (at most 31 days)."""
    shifts = list(Shift.objects.filter(team=team).prefetch_related("members").order_by("start_time"))
    handovers = list(
        handover_list(user=user, filters=BookFilters(team=team, date_from=date_from, date_to=date_to)).order_by(
            "created_at", "id"
        )
    )
    rows: list[OverviewRow] = []
    day = date_to
    while day >= date_from:
        for shift in [*shifts, None]:
            written = [h for h in handovers if h.shift_date == day and h.shift_id == (shift.pk if shift else None)]
            if shift is None and not written:
                continue
            members = sorted(shift.members.all(), key=lambda u: u.username) if shift else []
            authors = {h.author_id for h in written}
            rows.append(OverviewRow(day, shift, members, written, [m for m in members if m.pk not in authors]))
        day -= timedelta(days=1)
    return rows


def user_by_id(pk: int) -> Any:
    return get_user_model().objects.filter(pk=pk).first()
