"""Who sees which tickets: the one access model every read path applies (pages, the API, queues, search,
profiles, exports, reports, evidence files). A ticket outside the reader's scope answers 404, never a hint
that it exists.

- **Admins** see every ticket.
- **Managers** see their teams' tickets (teams they manage or belong to), the tickets assigned to them, and
  tickets no team owns yet (someone must route them). A manager of no team sees every ticket (the head of
  customer service).
- **Agents** see what their ``ticket_scope`` says (set by an admin; default *teams*):
  *all* tickets, their *teams'* tickets plus those assigned to them, or only those *assigned* to them.
- **Restricted** tickets are seen only by their team, their assignee, managers of that team and admins,
  whatever an agent's scope.
- **Integrations** (the service account of an API key) see the tickets of buyers on their platform; an
  integration with no platform (several platforms) sees every buyer's. Internal notes reach an integration
  only with the ``notes:read`` scope. The legacy integration account (a token, no integration) sees every
  ticket and no notes.
- Anyone else sees nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, Q

from accounts import roles
from accounts.models import TicketScope
from integrations.access import integration_may_read_notes, integration_platform

from .models import Team, Ticket, TicketQuerySet

NOTHING = Q(pk__in=[])


def user_team_ids(user: Any) -> list[int]:
    """The teams ``user`` belongs to or manages, read once per user object (apps above share it)."""
    return _team_ids(user)


def _team_ids(user: Any) -> list[int]:
    cached = getattr(user, "_ticket_team_ids", None)
    if cached is None:
        cached = list(Team.objects.filter(Q(members=user) | Q(managers=user)).values_list("id", flat=True).distinct())
        user._ticket_team_ids = cached
    return cached


def visible_tickets_q(user: Any, prefix: str = "") -> Q:
    """The tickets ``user`` may see, as a filter on Ticket (or, with ``prefix`` such as ``"ticket__"``, on a
    model that points at a ticket)."""

    def q(**lookups: Any) -> Q:
        return Q(**{f"{prefix}{key}": value for key, value in lookups.items()})

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    if roles.is_admin(user):
        return Q()
    platform = integration_platform(user)
    if platform is not None:
        return q(customer__platform=platform) if platform else Q()
    teams = _team_ids(user)
    own = q(team_id__in=teams) | q(assignee=user)
    if roles.is_manager(user):
        return Q() if not teams else own | q(team__isnull=True)
    if not roles.is_agent(user):
        return NOTHING
    scope = getattr(user, "ticket_scope", TicketScope.TEAMS)
    if scope == TicketScope.ALL:
        return q(restricted=False) | own
    if scope == TicketScope.ASSIGNED:
        return q(assignee=user)
    return own


def tickets_visible_to(user: Any, queryset: TicketQuerySet | None = None) -> TicketQuerySet:
    queryset = queryset if queryset is not None else Ticket.objects.all()
    return queryset.filter(visible_tickets_q(user))


def ticket_visible_to(user: Any, ticket: Ticket) -> bool:
    return Ticket.objects.filter(visible_tickets_q(user), pk=ticket.pk).exists()


def may_read_notes(user: Any) -> bool:
    """Internal notes are for staff; an integration reads them only with the ``notes:read`` scope."""
    if not roles.is_integration(user):
        return roles.is_agent(user)
    return integration_may_read_notes(user)


def ticket_readers(ticket: Ticket, users: Iterable[Any]) -> list[Any]:
    """Of ``users``, those who may see ``ticket``, in their order, each once. A notification or an e-mail
    about a ticket goes only to them: its reference and subject would otherwise reach someone the ticket page
    answers 404 (an escalation step that names a group, a team member whose scope is *assigned*).

    Four queries however many users (their roles, their teams as members and as managers, then each one's
    rule as a column of one row of the ticket): the sweep warns whole teams."""
    people: dict[int, Any] = {}
    for user in users:
        if user is not None and user.pk not in people:
            people[user.pk] = user
    if not people:
        return []
    roles.roles_prefetch(list(people.values()))
    _team_ids_prefetch(list(people.values()))
    columns: dict[str, Any] = {}
    readers: set[int] = set()
    for pk, user in people.items():
        rule = visible_tickets_q(user)
        if rule == Q():
            readers.add(pk)
        elif rule != NOTHING:
            columns[f"reader_{pk}"] = ExpressionWrapper(rule, output_field=BooleanField())
    if columns:
        row = Ticket.objects.filter(pk=ticket.pk).annotate(**columns).values(*columns).first() or {}
        readers.update(int(name.removeprefix("reader_")) for name, visible in row.items() if visible)
    return [user for pk, user in people.items() if pk in readers]


def _team_ids_prefetch(users: list[Any]) -> None:
    """Each user's teams (member or manager) in one query, for ``_team_ids``."""
    todo = [user for user in users if getattr(user, "_ticket_team_ids", None) is None]
    if not todo:
        return
    teams: dict[int, set[int]] = {user.pk: set() for user in todo}
    for through in (Team.members.through, Team.managers.through):
        for user_id, team_id in through.objects.filter(user_id__in=list(teams)).values_list("user_id", "team_id"):
            teams[user_id].add(team_id)
    for user in todo:
        user._ticket_team_ids = sorted(teams[user.pk])
