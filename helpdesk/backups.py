"""Backups of the database and the uploaded files (after-sales evidence), and their restore.

A backup is one file, ``helpdesk-backup-<UTC time>.tar.gz``, holding:

- ``manifest.json``: when, which database engine, how many files, each member's SHA-256;
- ``database.pgdump`` (PostgreSQL: ``pg_dump --format=custom``) or ``database.sqlite3`` (SQLite: a consistent
  copy made with SQLite's online backup API, safe while the helpdesk runs);
- ``media/…``: every file under ``HELPDESK_MEDIA_ROOT``.

A restore replaces the database and the uploaded files with the backup's: ``pg_restore --clean
--single-transaction`` (all or nothing) or the SQLite backup API in reverse, then the media folder's content.
Stop the web server and the workers first: a restore is for a disaster or a drill, not for a running system.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

FORMAT = 1
PREFIX = "helpdesk-backup-"
DUMP_NAMES = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}


class BackupError(Exception):
    """A backup or restore that cannot go on, with a message for the operator."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    vendor: str
    media_files: int
    size: int


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _vendor() -> str:
    if connection.vendor not in DUMP_NAMES:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}.")
    return connection.vendor


def _pg_environment() -> tuple[list[str], dict[str, str]]:
    """Connection arguments and environment for pg_dump / pg_restore, from Django's database settings."""
    db: dict[str, Any] = connection.settings_dict
    args = ["--dbname", str(db["NAME"])]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    environment = {**os.environ}
    if db.get("PASSWORD"):
        environment["PGPASSWORD"] = str(db["PASSWORD"])
    return args, environment


def _run(command: list[str], environment: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian: apt-get install postgresql-client).")
    result = subprocess.run(command, env=environment, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip() or result.returncode}")


def _dump_database(vendor: str, target: Path) -> None:
    if vendor == "postgresql":
        args, environment = _pg_environment()
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(target), *args], environment)
        return
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)
    finally:
        destination.close()


def _restore_database(vendor: str, source: Path) -> None:
    if vendor == "postgresql":
        connection.close()  # our own session must not hold a lock on a table being dropped
        args, environment = _pg_environment()
        command = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction"]
        _run([*command, "--exit-on-error", *args, str(source)], environment)
        return
    connection.ensure_connection()
    backup = sqlite3.connect(source)
    try:
        backup.backup(connection.connection)
    finally:
        backup.close()


def _media_files(media_root: Path) -> list[Path]:
    if not media_root.is_dir():
        return []
    return sorted(path for path in media_root.rglob("*") if path.is_file() and not path.is_symlink())


def _latest_migrations() -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        latest[app] = max(latest.get(app, ""), name)
    return dict(sorted(latest.items()))


def backup_create(*, output_dir: Path, keep: int | None = None) -> BackupResult:
    """Write one backup file into ``output_dir``; with ``keep``, delete all but the newest ``keep`` there."""
    vendor = _vendor()
    media_root = Path(settings.MEDIA_ROOT)
    output_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = output_dir / f"{PREFIX}{stamp}.tar.gz"
    with tempfile.TemporaryDirectory(prefix="helpdesk-backup-") as work:
        dump = Path(work) / DUMP_NAMES[vendor]
        _dump_database(vendor, dump)
        files = _media_files(media_root)
        manifest = {
            "format": FORMAT,
            "created_at": datetime.now(UTC).isoformat(),
            "database": {"vendor": vendor, "file": dump.name, "sha256": _sha256(dump)},
            "migrations": _latest_migrations(),
            "media": {
                str(file.relative_to(media_root)): {"size": file.stat().st_size, "sha256": _sha256(file)}
                for file in files
            },
        }
        manifest_path = Path(work) / "manifest.json"
        manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
        partial = path.with_name(path.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(manifest_path, arcname="manifest.json")
            archive.add(dump, arcname=dump.name)
            for file in files:
                archive.add(file, arcname=f"media/{file.relative_to(media_root).as_posix()}")
        partial.rename(path)  # a backup file that exists is complete
    if keep is not None:
        for old in sorted(output_dir.glob(f"{PREFIX}*.tar.gz"))[:-keep] if keep > 0 else []:
            old.unlink()
    return BackupResult(path=path, vendor=vendor, media_files=len(files), size=path.stat().st_size)


def backup_read_manifest(path: Path) -> dict[str, Any]:
    try:
        with tarfile.open(path, "r:gz") as archive:
            member = archive.extractfile("manifest.json")
            if member is None:
                raise KeyError("manifest.json")
            manifest: dict[str, Any] = json.loads(member.read())
    except FileNotFoundError as exc:
        raise BackupError(f"No backup at {path}.") from exc
    except (tarfile.TarError, KeyError, OSError, ValueError) as exc:
        raise BackupError(f"{path} is not a helpdesk backup (or it is damaged): {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path} has backup format {manifest.get('format')!r}; this helpdesk reads {FORMAT}.")
    return manifest


def backup_restore(*, path: Path) -> dict[str, Any]:
    """Replace the database and the uploaded files with the backup's. Returns its manifest."""
    manifest = backup_read_manifest(path)
    vendor = _vendor()
    if manifest["database"]["vendor"] != vendor:
        raise BackupError(
            f"This backup holds a {manifest['database']['vendor']} database; this helpdesk runs on {vendor}."
        )
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="helpdesk-restore-") as work:
        try:
            with tarfile.open(path, "r:gz") as archive:
                archive.extractall(work, filter="data")  # no absolute paths, no "..", no links out
        except (tarfile.TarError, OSError) as exc:
            raise BackupError(f"{path} could not be read: {exc}") from exc
        dump = Path(work) / manifest["database"]["file"]
        if not dump.is_file() or _sha256(dump) != manifest["database"]["sha256"]:
            raise BackupError(f"{path}: the database copy is missing or damaged (checksum).")
        extracted = Path(work) / "media"
        for name, facts in manifest["media"].items():
            file = extracted / name
            if not file.is_file() or _sha256(file) != facts["sha256"]:
                raise BackupError(f"{path}: the uploaded file {name} is missing or damaged (checksum).")
        # Everything checked: now replace, the database first (all or nothing on PostgreSQL).
        _restore_database(vendor, dump)
        media_root.mkdir(parents=True, exist_ok=True)
        for child in media_root.iterdir():
            shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
        if extracted.is_dir():
            for child in extracted.iterdir():
                shutil.move(str(child), media_root / child.name)
    return manifest
