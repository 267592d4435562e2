"""Import holidays and make-up working days into a business calendar.

manage.py calendar_import --calendar "China office hours" tickets/fixtures/holidays/cn-2026.csv
manage.py calendar_import --calendar "China office hours" --create --china-2026
"""

from datetime import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from core.errors import ValidationFailed
from tickets.models import BusinessCalendar, WorkingHours
from tickets.services.calendars import CHINA_HOLIDAYS_FILE, calendar_import_days

OFFICE_HOURS = ((time(9), time(12)), (time(13, 30), time(18)))


class Command(BaseCommand):
    help = "Import holidays and make-up working days (CSV: date,kind,name) into a business calendar."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="CSV file (date,kind,name; kind is holiday or workday)")
        parser.add_argument("--calendar", required=True, help="Name of the business calendar")
        parser.add_argument(
            "--create",
            action="store_true",
            help="Create the calendar if missing, with office hours Mon–Fri 09:00–12:00 and 13:30–18:00",
        )
        parser.add_argument("--china-2026", action="store_true", help="Use the shipped 2026 Chinese public holidays")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["china_2026"]:
            path = CHINA_HOLIDAYS_FILE
        elif options["file"]:
            path = Path(options["file"])
        else:
            raise CommandError("Give a CSV file or --china-2026.")
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        with transaction.atomic():
            calendar = BusinessCalendar.objects.filter(name=options["calendar"]).first()
            if calendar is None:
                if not options["create"]:
                    raise CommandError(f"No calendar named {options['calendar']!r} (add --create to make one).")
                calendar = BusinessCalendar.objects.create(name=options["calendar"])
                WorkingHours.objects.bulk_create(
                    WorkingHours(calendar=calendar, weekday=weekday, start=start, end=end)
                    for weekday in range(5)
                    for start, end in OFFICE_HOURS
                )
            try:
                result = calendar_import_days(calendar=calendar, text=text)
            except ValidationFailed as error:
                raise CommandError(f"{error.message} {' '.join(error.fields.get('file', []))}") from error
        self.stdout.write(f"{calendar}: {result.created} days added, {result.updated} updated.")
