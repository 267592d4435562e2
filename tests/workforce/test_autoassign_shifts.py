"""A team with shifts gives tickets only to members of a running shift, by the team calendar's clock."""

from __future__ import annotations

from datetime import datetime, time

import pytest
import time_machine

from tickets.models import BusinessCalendar
from workforce.enums import PresenceStatus
from workforce.models import Shift
from workforce.services.assignment import autoassign_team

from .assign_helpers import make_agent, make_team, waiting_ticket

pytestmark = pytest.mark.django_db


def _setup(time_zone: str = "Asia/Shanghai"):  # type: ignore[no-untyped-def]
    team = make_team(mode="round_robin")
    team.calendar = BusinessCalendar.objects.create(name=f"cal {time_zone}", time_zone=time_zone)
    team.save()
    day = make_agent("day", status=PresenceStatus.ONLINE, team=team)
    night = make_agent("night", status=PresenceStatus.ONLINE, team=team)
    Shift.objects.create(team=team, name="早班", start_time=time(8), end_time=time(16)).members.add(day)
    Shift.objects.create(team=team, name="夜班", start_time=time(22), end_time=time(6)).members.add(night)
    return team


def _who_gets_one(team, moment: str) -> list[str]:  # type: ignore[no-untyped-def]
    with time_machine.travel(datetime.fromisoformat(moment), tick=False):
        ticket = waiting_ticket(team)
        autoassign_team(team_id=team.pk)
    ticket.refresh_from_db()
    return [ticket.assignee.username] if ticket.assignee else []


def test_only_members_of_a_running_shift_get_tickets():
    team = _setup()
    assert _who_gets_one(team, "2026-03-02T09:00:00+08:00") == ["day"]
    assert _who_gets_one(team, "2026-03-02T23:30:00+08:00") == ["night"]
    assert _who_gets_one(team, "2026-03-02T18:00:00+08:00") == []  # between shifts: the ticket waits


def test_a_shift_past_midnight_covers_the_early_hours_of_the_next_day():
    team = _setup()
    assert _who_gets_one(team, "2026-03-03T05:59:00+08:00") == ["night"]
    assert _who_gets_one(team, "2026-03-03T06:00:00+08:00") == []


def test_shifts_are_read_in_the_team_calendar_s_time_zone():
    team = _setup("Europe/London")
    # 17:00 in Shanghai is 09:00 in London: the day shift there.
    assert _who_gets_one(team, "2026-03-02T17:00:00+08:00") == ["day"]
    assert _who_gets_one(team, "2026-03-02T09:00:00+08:00") == ["night"]  # 01:00 in London


def test_a_team_without_shifts_assigns_at_any_hour():
    team = make_team(mode="round_robin")
    make_agent("any", status=PresenceStatus.ONLINE, team=team)
    assert _who_gets_one(team, "2026-03-02T03:00:00+08:00") == ["any"]
