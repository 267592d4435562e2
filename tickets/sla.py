"""SLA arithmetic. All due-time computation goes through ``add_business_time``; nothing else adds durations
to SLA times, so a business calendar (working hours, holidays, 调休) plugs in here and nowhere else.

The default calendar runs 24×7, so 10 minutes and 24 hours are wall-clock time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from .enums import RUNNING_STATUSES


class BusinessCalendar(Protocol):
    def add(self, start: datetime, seconds: float) -> datetime: ...

    def seconds_between(self, start: datetime, end: datetime) -> float: ...


class AlwaysOpenCalendar:
    """24×7: every second counts."""

    def add(self, start: datetime, seconds: float) -> datetime:
        return start + timedelta(seconds=seconds)

    def seconds_between(self, start: datetime, end: datetime) -> float:
        return max(0.0, (end - start).total_seconds())


DEFAULT_CALENDAR: BusinessCalendar = AlwaysOpenCalendar()


def add_business_time(start: datetime, seconds: float, *, calendar: BusinessCalendar | None = None) -> datetime:
    return (calendar or DEFAULT_CALENDAR).add(start, seconds)


def business_seconds_between(start: datetime, end: datetime, *, calendar: BusinessCalendar | None = None) -> float:
    return (calendar or DEFAULT_CALENDAR).seconds_between(start, end)


# --- what a clock looks like to a person -----------------------------------------------------------------

ON_TIME = "on_time"
CLOSE = "close"
OVERDUE = "overdue"
PAUSED = "paused"
MET = "met"
BREACHED_MET = "met_late"
STOPPED = "stopped"


@dataclass(frozen=True)
class ClockState:
    target: str
    state: str
    due_at: datetime | None
    seconds_left: int | None  # negative when overdue
    close_seconds: int | None = None  # the badge turns amber when fewer seconds than this are left


def clock_state(ticket, target: str, now: datetime) -> ClockState:  # type: ignore[no-untyped-def]
    """The state of one SLA clock of a ticket (first response or resolution), for badges and the API."""
    if target == "first_response":
        due_at, done_at = ticket.first_response_due_at, ticket.first_responded_at
        target_minutes = ticket.sla_policy.first_response_minutes if ticket.sla_policy else 10
    else:
        due_at, done_at = ticket.resolution_due_at, ticket.resolved_at
        target_minutes = ticket.sla_policy.resolution_minutes if ticket.sla_policy else 24 * 60
    if done_at is not None:
        late = due_at is not None and done_at > due_at
        return ClockState(target, BREACHED_MET if late else MET, due_at, None)
    if due_at is None:
        return ClockState(target, STOPPED, None, None)
    if ticket.sla_paused_at is not None:
        return ClockState(target, PAUSED, due_at, int((due_at - ticket.sla_paused_at).total_seconds()))
    if ticket.status not in RUNNING_STATUSES:
        return ClockState(target, STOPPED, due_at, None)
    seconds_left = int((due_at - now).total_seconds())
    warning_percent = ticket.sla_policy.warning_percent if ticket.sla_policy else 80
    close_window = target_minutes * 60 * (100 - warning_percent) / 100
    if seconds_left <= 0:
        state = OVERDUE
    elif seconds_left <= close_window:
        state = CLOSE
    else:
        state = ON_TIME
    return ClockState(target, state, due_at, seconds_left, int(close_window))


def next_clock_state(ticket, now: datetime) -> ClockState:  # type: ignore[no-untyped-def]
    """The clock that matters most now: first response until it is given, then resolution."""
    first = clock_state(ticket, "first_response", now)
    if first.state in (ON_TIME, CLOSE, OVERDUE, PAUSED):
        return first
    return clock_state(ticket, "resolution", now)
