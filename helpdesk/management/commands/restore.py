"""``python manage.py restore FILE``: put back the database and the uploaded files of a backup."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from helpdesk.backups import BackupError, backup_read_manifest, backup_restore


class Command(BaseCommand):
    help = (
        "Replace the database and the uploaded files with those of a backup made by `manage.py backup`. "
        "Stop the web server and the workers first."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("backup", type=Path, help="A helpdesk-backup-<time>.tar.gz file.")
        parser.add_argument(
            "--no-input", "--noinput", action="store_false", dest="interactive", help="Do not ask for confirmation."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["backup"]
        try:
            manifest = backup_read_manifest(path)
            if options["interactive"]:
                answer = input(
                    f"This replaces the whole database and every uploaded file with the backup of "
                    f"{manifest['created_at']}. Type 'yes' to go on: "
                )
                if answer.strip().lower() != "yes":
                    raise CommandError("Restore cancelled.")
            manifest = backup_restore(path=path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restored the {manifest['database']['vendor']} database and {len(manifest['media'])} uploaded file(s) "
            f"from the backup of {manifest['created_at']}. Run `manage.py migrate` if this code is newer than the backup."
        )
