"""Business calendars: importing holidays and make-up working days."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date as date_type
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ValidationFailed

from ..calendars import calendar_forget
from ..models import BusinessCalendar as BusinessCalendarRow
from ..models import (
    CalendarDay,
    CalendarDayKind,
)
from .clocks import enqueue_sla_reevaluation

CHINA_HOLIDAYS_FILE = Path(__file__).resolve().parents[1] / "fixtures" / "holidays" / "cn-2026.csv"


@dataclass(frozen=True)
class CalendarImportResult:
    created: int
    updated: int


def calendar_import_days(*, calendar: BusinessCalendarRow, text: str) -> CalendarImportResult:
    """Import holidays and make-up working days from CSV text (``date,kind,name``; ``#`` lines are comments).

    All or nothing: any bad line refuses the whole file, naming the line. A date already in the calendar is
    updated. The calendar's ``updated_at`` moves, so every process recomputes with the new days.
    """

    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    rows: dict[date_type, tuple[str, str]] = {}
    errors: list[str] = []
    for number, record in enumerate(csv.reader(lines), start=1):
        if number == 1 and record and record[0].strip().lower() == "date":
            continue  # header
        if len(record) < 2:
            errors.append(_("Line %(n)s: expected date,kind,name.") % {"n": number})
            continue
        raw_date, kind = record[0].strip(), record[1].strip().lower()
        name = record[2].strip() if len(record) > 2 else ""
        try:
            day = date_type.fromisoformat(raw_date)
        except ValueError:
            errors.append(_("Line %(n)s: “%(value)s” is not a date (YYYY-MM-DD).") % {"n": number, "value": raw_date})
            continue
        if kind not in CalendarDayKind.values:
            errors.append(
                _("Line %(n)s: kind must be “holiday” or “workday”, not “%(value)s”.") % {"n": number, "value": kind}
            )
            continue
        rows[day] = (kind, name[:100])
    if errors:
        raise ValidationFailed(_("The file was not imported."), fields={"file": errors[:20]})
    if not rows:
        raise ValidationFailed(
            _("The file has no dates."), fields={"file": [_("Add lines such as 2026-10-01,holiday,国庆节.")]}
        )
    created = updated = 0
    with transaction.atomic():
        existing = {day.date: day for day in CalendarDay.objects.select_for_update().filter(calendar=calendar)}
        for day, (kind, name) in sorted(rows.items()):
            row = existing.get(day)
            if row is None:
                CalendarDay.objects.create(calendar=calendar, date=day, kind=kind, name=name)
                created += 1
            elif (row.kind, row.name) != (kind, name):
                row.kind, row.name = kind, name
                row.save(update_fields=["kind", "name"])
                updated += 1
        BusinessCalendarRow.objects.filter(pk=calendar.pk).update(updated_at=timezone.now())
        calendar_forget(calendar.pk)
        calendar_id = calendar.pk
        transaction.on_commit(lambda: enqueue_sla_reevaluation(reason="calendar_changed", calendar_id=calendar_id))
    return CalendarImportResult(created, updated)
