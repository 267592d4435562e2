"""Shift arithmetic (pure: no database writes). Shifts are wall-clock times in the team calendar's time zone;
one whose end is at or before its start runs past midnight (16:00–00:00, 22:00–06:00)."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings

DEFAULT_TIME_ZONE = "Asia/Shanghai"


def team_time_zone(team: Any) -> zoneinfo.ZoneInfo:
    """The team calendar's time zone (the project's when the team has no calendar)."""
    calendar = getattr(team, "calendar", None)
    name = getattr(calendar, "time_zone", "") or settings.TIME_ZONE or DEFAULT_TIME_ZONE
    return zoneinfo.ZoneInfo(name)


def shift_minutes(start: time, end: time) -> tuple[int, int]:
    """(start, end) in minutes from the start day's midnight; end > start (past midnight adds a day)."""
    begin = start.hour * 60 + start.minute
    finish = end.hour * 60 + end.minute
    if finish <= begin:
        finish += 24 * 60
    return begin, finish


def shift_covers(shift: Any, local: datetime) -> date | None:
    """The date the shift started on if it is running at ``local`` (a time in the team's zone), else None.
    22:00–06:00 covers 03:00 of the 2nd as the shift of the 1st."""
    begin, finish = shift_minutes(shift.start_time, shift.end_time)
    minute = local.hour * 60 + local.minute
    if begin <= minute < finish:
        return local.date()
    if finish > 24 * 60 and minute < finish - 24 * 60:
        return local.date() - timedelta(days=1)
    return None


def shifts_overlap(a_start: time, a_end: time, b_start: time, b_end: time) -> bool:
    """Whether two daily shifts share any minute (on the same day or across midnight)."""
    a0, a1 = shift_minutes(a_start, a_end)
    b0, b1 = shift_minutes(b_start, b_end)
    day = 24 * 60
    return any(a0 < b1 + shift and b0 + shift < a1 for shift in (-day, 0, day))


def current_shifts(shifts: Iterable[Any], now: datetime, tz: zoneinfo.ZoneInfo) -> list[tuple[Any, date]]:
    """The shifts running at ``now`` with the date each started on."""
    local = now.astimezone(tz)
    running = []
    for shift in shifts:
        started = shift_covers(shift, local)
        if started is not None:
            running.append((shift, started))
    return running


def next_shift(shifts: Iterable[Any], now: datetime, tz: zoneinfo.ZoneInfo) -> tuple[Any, date] | None:
    """The shift that starts next after ``now`` (within a day), with its start date."""
    local = now.astimezone(tz)
    best: tuple[timedelta, Any, date] | None = None
    for shift in shifts:
        for day_offset in (0, 1):
            day = local.date() + timedelta(days=day_offset)
            start = datetime.combine(day, shift.start_time, tzinfo=tz)
            if start > local and (best is None or start - local < best[0]):
                best = (start - local, shift, day)
    return (best[1], best[2]) if best else None


def shift_window(shift: Any, started_on: date, tz: zoneinfo.ZoneInfo) -> tuple[datetime, datetime]:
    """The shift's start and end as aware datetimes for the run that started on ``started_on``."""
    begin, finish = shift_minutes(shift.start_time, shift.end_time)
    midnight = datetime.combine(started_on, time(0), tzinfo=tz)
    return midnight + timedelta(minutes=begin), midnight + timedelta(minutes=finish)


def recently_ended(shift: Any, now: datetime, tz: zoneinfo.ZoneInfo, within: timedelta) -> date | None:
    """The start date of the shift's run that ended in the ``within`` before ``now``, else None."""
    local = now.astimezone(tz)
    for day_offset in (0, -1, -2):
        day = local.date() + timedelta(days=day_offset)
        _start, end = shift_window(shift, day, tz)
        if end <= local < end + within:
            return day
    return None


def shift_label(name: str, start: time, end: time) -> str:
    """``晚班 16:00–24:00``: a shift ending at midnight reads 24:00, as people say it."""
    finish = "24:00" if end == time(0) else f"{end:%H:%M}"
    return f"{name} {start:%H:%M}–{finish}"
