"""What starts auto-assignment and ends presence, plugged in from ``WorkforceConfig.ready`` (the ticket core never
imports workforce):

- a domain event listener on every ticket: a ticket created, moved to a team, unassigned, taken from someone,
  resolved or closed (capacity freed) or reopened schedules the teams concerned for a run after commit. It runs
  holding the ticket's lock, so it only reads and schedules (``autoassign_after_commit``), never locks.
- signing out ends that session's presence (``presence_session_end``).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_out

from tickets.enums import EventType, TicketStatus
from tickets.hooks import register_event_listener
from tickets.models import Team, Ticket, TicketEvent

from .enums import AssignmentMode
from .services.assignment import autoassign_after_commit
from .services.presence import presence_session_end

FREEING_STATUSES = (TicketStatus.RESOLVED, TicketStatus.CLOSED)
WAITING_STATUSES = (TicketStatus.NEW, TicketStatus.OPEN)


def _agent_auto_teams(user_id: int | None) -> list[int]:
    """An agent's teams that assign automatically: where a ticket freed from them makes room."""
    if not user_id:
        return []
    return list(
        Team.objects.filter(members=user_id, work_settings__assignment_paused=False)
        .exclude(work_settings__assignment_mode=AssignmentMode.OFF)
        .values_list("pk", flat=True)
    )


def _on_ticket_event(ticket: Ticket, event: TicketEvent) -> None:
    data = event.data or {}
    teams: list[int | None] = []
    if event.type == EventType.CREATED:
        teams.append(ticket.team_id)
    elif event.type == EventType.TEAM_CHANGED:
        teams.append(data.get("new"))
    elif event.type == EventType.ASSIGNED:
        if data.get("new") is None:
            teams.append(ticket.team_id)
        if data.get("old") is not None:
            teams += _agent_auto_teams(data["old"])
    elif event.type == EventType.STATUS_CHANGED:
        new = data.get("new")
        if new in FREEING_STATUSES and ticket.assignee_id:
            teams += _agent_auto_teams(ticket.assignee_id)
        elif new in WAITING_STATUSES and not ticket.assignee_id:
            teams.append(ticket.team_id)
    ids = [team_id for team_id in teams if team_id]
    if ids:
        autoassign_after_commit(ids)


def _on_logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is None or request is None:
        return
    presence_session_end(user=user, session_key=getattr(request.session, "session_key", None))


def register() -> None:
    register_event_listener(_on_ticket_event)
    user_logged_out.connect(_on_logged_out, dispatch_uid="workforce.presence_session_end")
