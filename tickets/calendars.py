"""Business calendars as the SLA arithmetic sees them: built from the database once and cached per process.

A cached calendar is reused while the row's ``updated_at`` is unchanged. That is checked at most once per
``RECHECK_SECONDS`` per calendar (so a sweep of a thousand tickets on one calendar asks once, not a thousand
times); every edit (admin, import) touches ``updated_at`` and calls ``calendar_forget`` in its own process,
so another process computes with an edited calendar at most a second late.
"""

from __future__ import annotations

import threading
import time
from datetime import date, datetime
from typing import Any

from .models import BusinessCalendar, CalendarDayKind
from .sla import DEFAULT_CALENDAR, WorkingCalendar
from .sla import BusinessCalendar as CalendarProtocol

RECHECK_SECONDS = 1.0
_cache: dict[int, tuple[datetime, WorkingCalendar, float]] = {}
_lock = threading.Lock()


def build_calendar(calendar: BusinessCalendar) -> WorkingCalendar:
    """The arithmetic for one calendar row (reads its hours and days)."""
    weekly: dict[int, list[tuple[Any, Any]]] = {}
    for hours in calendar.hours.all():
        weekly.setdefault(hours.weekday, []).append((hours.start, hours.end))
    holidays: list[date] = []
    workdays: list[date] = []
    for day in calendar.days.all():
        (holidays if day.kind == CalendarDayKind.HOLIDAY else workdays).append(day.date)
    return WorkingCalendar(
        time_zone=calendar.time_zone,
        weekly=weekly,
        holidays=holidays,
        workdays=workdays,
        makeup_weekday=calendar.makeup_day_hours,
    )


def calendar_get(calendar_id: int | None) -> CalendarProtocol:
    """The calendar with this id, or 24×7 for ``None`` (or a calendar with no working hours yet)."""
    if calendar_id is None:
        return DEFAULT_CALENDAR
    cached = _cache.get(calendar_id)
    if cached is not None and time.monotonic() - cached[2] < RECHECK_SECONDS:
        return cached[1]
    updated_at = BusinessCalendar.objects.filter(pk=calendar_id).values_list("updated_at", flat=True).first()
    if updated_at is None:
        return DEFAULT_CALENDAR
    if cached is not None and cached[0] == updated_at:
        with _lock:
            _cache[calendar_id] = (updated_at, cached[1], time.monotonic())
        return cached[1]
    row = BusinessCalendar.objects.prefetch_related("hours", "days").get(pk=calendar_id)
    try:
        built = build_calendar(row)
    except ValueError:
        return DEFAULT_CALENDAR  # no working hours yet: the admin is still setting it up
    with _lock:
        _cache[calendar_id] = (row.updated_at, built, time.monotonic())
    return built


def calendar_forget(calendar_id: int | None = None) -> None:
    """Drop this process's copy after an edit (all copies with ``None``), so the next lookup reads the new
    hours and days."""
    with _lock:
        if calendar_id is None:
            _cache.clear()
        else:
            _cache.pop(calendar_id, None)


def calendar_id_for(*, policy: Any, team: Any) -> int | None:
    """Which calendar runs a ticket's clocks: its SLA policy's, else its team's, else none (24×7)."""
    if policy is not None and policy.calendar_id is not None:
        return int(policy.calendar_id)
    if team is not None and team.calendar_id is not None:
        return int(team.calendar_id)
    return None


def calendar_for_ticket(ticket: Any) -> CalendarProtocol:
    return calendar_get(calendar_id_for(policy=ticket.sla_policy, team=ticket.team))
