"""Helpers of the presence and auto-assignment tests: a team that assigns automatically, agents in it, tickets."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.roles import Role
from tests.factories import CustomerFactory, TeamFactory, UserFactory
from tickets.enums import EventType
from tickets.models import Ticket, TicketEvent
from tickets.services.intake import ticket_create
from workforce.enums import PresenceReason, PresenceStatus
from workforce.models import AgentProfile, TeamWorkSettings


def make_agent(username: str, *, capacity: int = 8, status: str = PresenceStatus.OFFLINE, team: Any = None) -> Any:
    user = UserFactory(username=username, ticket_scope="all")
    user.groups.add(Group.objects.get_or_create(name=Role.AGENT)[0])
    AgentProfile.objects.create(user=user, capacity=capacity, status=status)
    if team is not None:
        team.members.add(user)
    return user


def make_team(name: str = "售前 Pre-sales", *, mode: str = "least_loaded", **settings: Any) -> Any:
    team = TeamFactory(name=name)
    TeamWorkSettings.objects.create(team=team, assignment_mode=mode, **settings)
    return team


def waiting_ticket(team: Any, *, due_in_minutes: float | None = None, assignee: Any = None, **fields: Any) -> Ticket:
    """A new ticket in the team; ``due_in_minutes`` sets its nearest SLA deadline (None: no deadline)."""
    ticket = ticket_create(
        kind="inquiry", subject="什么时候发货？", customer=CustomerFactory(), team=team, assignee=assignee, **fields
    )
    due = timezone.now() + timedelta(minutes=due_in_minutes) if due_in_minutes is not None else None
    Ticket.objects.filter(pk=ticket.pk).update(sla_next_due_at=due)
    ticket.refresh_from_db()
    return ticket


def set_status(user: Any, status: str) -> None:
    """Put an agent in a status without the service's side effects (set-up only)."""
    AgentProfile.objects.filter(user=user).update(status=status)


def auto_assigned_events(ticket: Ticket | None = None) -> list[TicketEvent]:
    events = TicketEvent.objects.filter(type=EventType.ASSIGNED, data__via="auto").order_by("id")
    if ticket is not None:
        events = events.filter(ticket=ticket)
    return list(events)


__all__ = ["PresenceReason", "PresenceStatus"]
