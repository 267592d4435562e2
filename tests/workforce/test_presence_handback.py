"""Going offline hands the agent's unanswered tickets back to the queue, where the team wants it."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tickets.enums import TicketStatus
from tickets.models import Ticket
from tickets.services.assignment import ticket_assign
from workforce.enums import PresenceReason, PresenceStatus
from workforce.models import TeamWorkSettings
from workforce.services.presence import presence_set

from .assign_helpers import make_agent, make_team, waiting_ticket

pytestmark = pytest.mark.django_db


def _assignee(ticket):  # type: ignore[no-untyped-def]
    ticket.refresh_from_db()
    return ticket.assignee


def test_going_offline_hands_back_only_unanswered_new_or_open_tickets():
    team = make_team(mode="off")
    agent = make_agent("a", team=team)
    presence_set(user=agent, status=PresenceStatus.ONLINE, reason=PresenceReason.MANUAL)
    unanswered = waiting_ticket(team, assignee=agent)
    answered = waiting_ticket(team, assignee=agent)
    Ticket.objects.filter(pk=answered.pk).update(first_responded_at=timezone.now())
    resolved = waiting_ticket(team, assignee=agent)
    Ticket.objects.filter(pk=resolved.pk).update(status=TicketStatus.RESOLVED)

    presence_set(user=agent, status=PresenceStatus.OFFLINE, reason=PresenceReason.MANUAL)

    assert _assignee(unanswered) is None
    assert _assignee(answered) == agent
    assert _assignee(resolved) == agent
    event = unanswered.events.filter(type="assigned").order_by("-id").first()
    assert (event.data["via"], event.data["reason"], event.data["new"]) == ("handback", "offline", None)


def test_no_hand_back_when_the_team_setting_is_off():
    team = make_team(mode="least_loaded", hand_back_on_offline=False)
    agent = make_agent("a", status=PresenceStatus.ONLINE, team=team)
    ticket = waiting_ticket(team, assignee=agent)
    presence_set(user=agent, status=PresenceStatus.OFFLINE, reason=PresenceReason.MANUAL)
    assert _assignee(ticket) == agent


def test_away_or_busy_keeps_the_tickets():
    team = make_team(mode="least_loaded")
    agent = make_agent("a", status=PresenceStatus.ONLINE, team=team)
    ticket = waiting_ticket(team, assignee=agent)
    presence_set(user=agent, status=PresenceStatus.AWAY, reason=PresenceReason.MANUAL)
    presence_set(user=agent, status=PresenceStatus.BUSY, reason=PresenceReason.MANUAL)
    assert _assignee(ticket) == agent


def test_a_handed_back_ticket_goes_to_another_online_agent(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    team = make_team(mode="least_loaded")
    leaving = make_agent("leaving", status=PresenceStatus.ONLINE, team=team)
    staying = make_agent("staying", status=PresenceStatus.ONLINE, team=team)
    ticket = waiting_ticket(team)
    ticket_assign(ticket=ticket, assignee=leaving, actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        presence_set(user=leaving, status=PresenceStatus.OFFLINE, reason=PresenceReason.LOGOUT)
    assert _assignee(ticket) == staying
    assert TeamWorkSettings.objects.get(team=team).hand_back_on_offline is True
