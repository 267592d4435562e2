"""``python manage.py backup``: the database and the uploaded files in one file (see helpdesk/backups.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from helpdesk.backups import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database (PostgreSQL: pg_dump custom format; SQLite: the online backup API) and the uploaded "
        "files (HELPDESK_MEDIA_ROOT) into one helpdesk-backup-<time>.tar.gz. Safe while the helpdesk runs."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--output",
            type=Path,
            default=None,
            help="Folder for the backup file (default: HELPDESK_BACKUP_DIR, else var/backups).",
        )
        parser.add_argument("--keep", type=int, default=None, help="Then delete all but the newest KEEP backups there.")

    def handle(self, *args: Any, **options: Any) -> None:
        output = options["output"] or Path(settings.HELPDESK_BACKUP_DIR)
        if options["keep"] is not None and options["keep"] < 1:
            raise CommandError("--keep must be at least 1.")
        try:
            result = backup_create(output_dir=output, keep=options["keep"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Backed up the {result.vendor} database and {result.media_files} uploaded file(s) to {result.path} "
            f"({result.size:,} bytes)."
        )
