"""SLA arithmetic. All due-time computation goes through a calendar's ``add`` and ``seconds_between``;
nothing else adds durations to SLA times, so business hours, holidays and 调休 live here and nowhere else.

The default calendar runs 24×7, so 10 minutes and 24 hours are wall-clock time. A ``WorkingCalendar`` runs
only in working time: weekly spans in a time zone (several a day, a lunch break is the gap between two),
holidays (no working time) and make-up working days (a weekend day with a weekday's hours).

The arithmetic walks whole days, not minutes: each local date becomes a short list of UTC intervals
(cached), and a day whose working time fits in what is left is consumed in one step. Times are converted
to UTC before any subtraction, so a day with a DST change has its real length.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from .enums import RUNNING_STATUSES

ZERO = timedelta(0)
DAY = timedelta(days=1)
# A calendar is refused when it has no working time at all; this bounds the walk for very sparse ones.
MAX_DAYS_WITHOUT_WORK = 400


class BusinessCalendar(Protocol):
    def add(self, start: datetime, seconds: float | timedelta) -> datetime: ...

    def subtract(self, end: datetime, seconds: float | timedelta) -> datetime: ...

    def seconds_between(self, start: datetime, end: datetime) -> float: ...

    def working_time_between(self, start: datetime, end: datetime) -> timedelta: ...

    def is_working(self, moment: datetime) -> bool: ...


def _delta(seconds: float | timedelta) -> timedelta:
    return seconds if isinstance(seconds, timedelta) else timedelta(seconds=seconds)


class AlwaysOpenCalendar:
    """24×7: every second counts."""

    def add(self, start: datetime, seconds: float | timedelta) -> datetime:
        return start + _delta(seconds)

    def subtract(self, end: datetime, seconds: float | timedelta) -> datetime:
        return end - _delta(seconds)

    def seconds_between(self, start: datetime, end: datetime) -> float:
        return max(0.0, (end - start).total_seconds())

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        return max(ZERO, end - start)

    def is_working(self, moment: datetime) -> bool:
        return True


@dataclass(frozen=True)
class Span:
    """Working time on one day, in local time. An end at or before the start runs past midnight (22:00–02:00);
    00:00–00:00 is the whole day."""

    start: time
    end: time


class WorkingCalendar:
    """Working hours in a time zone, with holidays and make-up working days. Immutable once built."""

    def __init__(
        self,
        *,
        time_zone: str = "Asia/Shanghai",
        weekly: Mapping[int, Sequence[Span | tuple[time, time]]],
        holidays: Iterable[date] = (),
        workdays: Iterable[date] = (),
        makeup_weekday: int = 0,
    ) -> None:
        self.tz = ZoneInfo(time_zone)
        self._weekly: dict[int, tuple[Span, ...]] = {
            weekday: tuple(sorted((s if isinstance(s, Span) else Span(*s) for s in spans), key=lambda s: s.start))
            for weekday, spans in weekly.items()
            if spans
        }
        if not self._weekly:
            raise ValueError("A calendar needs working hours on at least one weekday.")
        self._holidays = frozenset(holidays)
        self._workdays = frozenset(workdays) - self._holidays
        self._makeup_weekday = makeup_weekday if makeup_weekday in self._weekly else min(self._weekly)
        self._intervals_cache: dict[date, tuple[tuple[datetime, datetime], ...]] = {}

    # --- the days ---
    def spans_on(self, day: date) -> tuple[Span, ...]:
        if day in self._holidays:
            return ()
        if day in self._workdays:
            return self._weekly[self._makeup_weekday]
        return self._weekly.get(day.weekday(), ())

    def _raw_intervals(self, day: date) -> list[tuple[datetime, datetime]]:
        intervals = []
        for span in self.spans_on(day):
            start = datetime.combine(day, span.start, tzinfo=self.tz).astimezone(UTC)
            end_day = day if span.end > span.start else day + DAY
            end = datetime.combine(end_day, span.end, tzinfo=self.tz).astimezone(UTC)
            if end > start:
                intervals.append((start, end))
        return intervals

    def _intervals(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        """The working time within the local date ``day`` as UTC intervals: sorted, merged, none crossing
        midnight (a span that runs past midnight gives its tail to the next date's list)."""
        cached = self._intervals_cache.get(day)
        if cached is not None:
            return cached
        day_start = datetime.combine(day, time(0), tzinfo=self.tz).astimezone(UTC)
        day_end = datetime.combine(day + DAY, time(0), tzinfo=self.tz).astimezone(UTC)
        pieces = sorted(
            (max(start, day_start), min(end, day_end))
            for start, end in (*self._raw_intervals(day - DAY), *self._raw_intervals(day))
            if min(end, day_end) > max(start, day_start)
        )
        merged: list[tuple[datetime, datetime]] = []
        for start, end in pieces:
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        result = tuple(merged)
        self._intervals_cache[day] = result
        return result

    def _local_day(self, moment: datetime) -> date:
        return moment.astimezone(self.tz).date()

    # --- arithmetic ---
    def add(self, start: datetime, seconds: float | timedelta) -> datetime:
        """The moment ``seconds`` of working time after ``start``. Landing exactly on the end of a span gives
        that end (18:00), not the start of the next one; adding nothing gives ``start`` back."""
        remaining = _delta(seconds)
        if remaining < ZERO:
            return self.subtract(start, -remaining)
        if remaining == ZERO:
            return start
        cursor = start.astimezone(UTC)
        day = self._local_day(cursor)
        idle_days = 0
        while True:
            intervals = self._intervals(day)
            idle_days = idle_days + 1 if not intervals else 0
            if idle_days > MAX_DAYS_WITHOUT_WORK:
                raise ValueError("The calendar has no working time ahead.")
            for begin, end in intervals:
                if end <= cursor:
                    continue
                begin = max(begin, cursor)
                available = end - begin
                if remaining <= available:
                    return (begin + remaining).astimezone(start.tzinfo)
                remaining -= available
                cursor = end
            day += DAY

    def subtract(self, end: datetime, seconds: float | timedelta) -> datetime:
        """The moment ``seconds`` of working time before ``end`` (for a deadline that has already passed)."""
        remaining = _delta(seconds)
        if remaining < ZERO:
            return self.add(end, -remaining)
        if remaining == ZERO:
            return end
        cursor = end.astimezone(UTC)
        day = self._local_day(cursor)
        idle_days = 0
        while True:
            intervals = self._intervals(day)
            idle_days = idle_days + 1 if not intervals else 0
            if idle_days > MAX_DAYS_WITHOUT_WORK:
                raise ValueError("The calendar has no working time behind.")
            for begin, finish in reversed(intervals):
                if begin >= cursor:
                    continue
                finish = min(finish, cursor)
                available = finish - begin
                if remaining <= available:
                    return (finish - remaining).astimezone(end.tzinfo)
                remaining -= available
                cursor = begin
            day -= DAY

    def seconds_between(self, start: datetime, end: datetime) -> float:
        """Working seconds from ``start`` to ``end`` (0 when ``end`` is not later)."""
        return self.working_time_between(start, end).total_seconds()

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        start, end = start.astimezone(UTC), end.astimezone(UTC)
        if end <= start:
            return ZERO
        total = ZERO
        cursor = start
        day = self._local_day(start)
        last_day = self._local_day(end)
        while day <= last_day:
            for begin, finish in self._intervals(day):
                begin, finish = max(begin, cursor), min(finish, end)
                if finish > begin:
                    total += finish - begin
                    cursor = finish
            day += DAY
        return total

    def is_working(self, moment: datetime) -> bool:
        """Whether ``moment`` lies in working time (span ends included)."""
        moment = moment.astimezone(UTC)
        day = self._local_day(moment)
        return any(begin <= moment <= end for d in (day - DAY, day) for begin, end in self._intervals(d))


DEFAULT_CALENDAR: BusinessCalendar = AlwaysOpenCalendar()


# --- targets ------------------------------------------------------------------------------------------------

DEFAULT_FIRST_RESPONSE_MINUTES = 10
DEFAULT_RESOLUTION_MINUTES = 24 * 60
DEFAULT_WARNING_PERCENT = 80


@dataclass(frozen=True)
class SlaTargets:
    first_response: timedelta
    resolution: timedelta
    next_reply: timedelta | None
    warning_percent: int

    def length(self, target: str) -> timedelta | None:
        return {"first_response": self.first_response, "resolution": self.resolution, "next_reply": self.next_reply}[
            target
        ]


def sla_targets(policy) -> SlaTargets:  # type: ignore[no-untyped-def]
    """A policy's targets, or the house defaults (10 minutes, 24 hours) for a ticket without one."""
    if policy is None:
        return SlaTargets(
            timedelta(minutes=DEFAULT_FIRST_RESPONSE_MINUTES),
            timedelta(minutes=DEFAULT_RESOLUTION_MINUTES),
            None,
            DEFAULT_WARNING_PERCENT,
        )
    return SlaTargets(
        timedelta(minutes=policy.first_response_minutes),
        timedelta(minutes=policy.resolution_minutes),
        timedelta(minutes=policy.next_reply_minutes) if policy.next_reply_minutes else None,
        policy.warning_percent,
    )


def time_used(ticket, now: datetime, calendar: BusinessCalendar) -> timedelta:  # type: ignore[no-untyped-def]
    """The business time a ticket's clocks have run so far (pauses and stops excluded)."""
    used: timedelta = ticket.sla_elapsed
    if ticket.sla_clock_started_at is not None:
        used += calendar.working_time_between(ticket.sla_clock_started_at, now)
    return used


# --- what a clock looks like to a person -----------------------------------------------------------------

ON_TIME = "on_time"
CLOSE = "close"
OVERDUE = "overdue"
PAUSED = "paused"
MET = "met"
BREACHED_MET = "met_late"
STOPPED = "stopped"
IDLE = "idle"  # a next-reply clock with no unanswered customer message
CLOCK_STATES = (ON_TIME, CLOSE, OVERDUE, PAUSED, MET, BREACHED_MET, STOPPED, IDLE)

TARGETS = ("first_response", "next_reply", "resolution")


@dataclass(frozen=True)
class ClockState:
    target: str
    state: str
    due_at: datetime | None
    seconds_left: int | None  # wall-clock seconds to the due time; negative when overdue
    close_seconds: int | None = None  # the badge turns amber when fewer seconds than this are left
    target_seconds: int | None = None
    elapsed_seconds: int | None = None  # business time this clock has used (None when not computed)
    paused_seconds: int | None = None  # business time the ticket's clocks have been paused
    started_at: datetime | None = None
    met_at: datetime | None = None
    breached_at: datetime | None = None

    @property
    def remaining_seconds(self) -> int | None:
        """Business time left before the target (negative: over by that much)."""
        if self.target_seconds is None or self.elapsed_seconds is None:
            return None
        return self.target_seconds - self.elapsed_seconds


def clock_state(ticket, target: str, now: datetime, calendar: BusinessCalendar | None = None) -> ClockState:  # type: ignore[no-untyped-def]
    """The state of one SLA clock of a ticket, for badges, the ticket page and the API.

    With a ``calendar`` the business time used and paused is worked out too (the ticket page and the API);
    without one only the due time and the wall-clock countdown are (lists, where it must stay cheap).
    """
    targets = sla_targets(ticket.sla_policy)
    length = targets.length(target)
    target_seconds = int(length.total_seconds()) if length is not None else None
    start = timedelta(0)
    if target == "first_response":
        due_at, done_at, breached_at = (
            ticket.first_response_due_at,
            ticket.first_responded_at,
            ticket.first_response_breached_at,
        )
        started_at = ticket.received_at
    elif target == "resolution":
        due_at, done_at, breached_at = ticket.resolution_due_at, ticket.resolved_at, ticket.resolution_breached_at
        started_at = ticket.received_at
    else:
        due_at, done_at, breached_at = ticket.next_reply_due_at, None, ticket.next_reply_breached_at
        started_at = ticket.next_reply_started_at
        start = ticket.next_reply_offset or timedelta(0)

    elapsed = paused = None
    if calendar is not None:
        paused_total = ticket.sla_paused_seconds
        if ticket.sla_paused_at is not None:
            paused_total += int(calendar.seconds_between(ticket.sla_paused_at, now))
        paused = paused_total
        if target == "first_response" and done_at is not None:
            elapsed = int(calendar.seconds_between(ticket.received_at, done_at))
        elif target == "next_reply" and started_at is None:
            elapsed = None
        else:
            elapsed = int((time_used(ticket, now, calendar) - start).total_seconds())
    details = {
        "target_seconds": target_seconds,
        "elapsed_seconds": elapsed,
        "paused_seconds": paused,
        "started_at": started_at,
        "met_at": done_at,
        "breached_at": breached_at,
    }

    if target == "next_reply" and (started_at is None or length is None):
        return ClockState(target, IDLE, None, None, **details)
    if done_at is not None:
        late = due_at is not None and done_at > due_at
        return ClockState(target, BREACHED_MET if late else MET, due_at, None, **details)
    if due_at is None:
        return ClockState(target, STOPPED, None, None, **details)
    if ticket.sla_paused_at is not None:
        return ClockState(target, PAUSED, due_at, int((due_at - ticket.sla_paused_at).total_seconds()), **details)
    if ticket.status not in RUNNING_STATUSES:
        return ClockState(target, STOPPED, due_at, None, **details)
    seconds_left = int((due_at - now).total_seconds())
    close_window = (target_seconds or 0) * (100 - targets.warning_percent) / 100
    if seconds_left <= 0:
        state = OVERDUE
    elif elapsed is not None and target_seconds is not None:
        state = CLOSE if elapsed >= target_seconds * targets.warning_percent / 100 else ON_TIME
    elif seconds_left <= close_window:
        state = CLOSE
    else:
        state = ON_TIME
    return ClockState(target, state, due_at, seconds_left, int(close_window), **details)


def ticket_clocks(ticket, now: datetime, calendar: BusinessCalendar) -> list[ClockState]:  # type: ignore[no-untyped-def]
    """Every clock of a ticket, in the order they matter: first response, next reply (when the policy has
    that target), resolution."""
    clocks = [clock_state(ticket, target, now, calendar) for target in TARGETS]
    return [clock for clock in clocks if clock.target != "next_reply" or clock.target_seconds is not None]


def next_clock_state(ticket, now: datetime) -> ClockState:  # type: ignore[no-untyped-def]
    """The clock that matters most now: first response until it is given, then a pending next reply, then
    resolution."""
    first = clock_state(ticket, "first_response", now)
    if first.state in (ON_TIME, CLOSE, OVERDUE, PAUSED):
        return first
    reply = clock_state(ticket, "next_reply", now)
    if reply.state in (ON_TIME, CLOSE, OVERDUE, PAUSED):
        return reply
    return clock_state(ticket, "resolution", now)
