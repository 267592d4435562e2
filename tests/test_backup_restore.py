"""Backups (seed 003: 定期的数据备份和恢复演练): `manage.py backup` and `manage.py restore`, and the drill —
back up, change the data and the uploaded files, restore, and find what was there at the backup."""

from __future__ import annotations

import io
import json
import subprocess
import tarfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from tests.factories import make_ticket
from tickets.models import Ticket

PHOTO = b"\x89PNG\r\n\x1a\n" + b"evidence of a broken kettle" * 100


@pytest.fixture
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def backup(tmp_path: Path, **options) -> Path:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    call_command("backup", output=tmp_path / "backups", stdout=out, **options)
    return Path(out.getvalue().split(" to ")[1].split(" (")[0])


def restore(path: Path) -> str:
    out = io.StringIO()
    call_command("restore", str(path), interactive=False, stdout=out)
    return out.getvalue()


def drill(tmp_path: Path, media: Path) -> None:
    kept = make_ticket(subject="退货运费谁出？")
    lost = make_ticket(subject="会被误删的工单")
    default_storage.save("evidence/2026/12/photo.png", ContentFile(PHOTO))

    path = backup(tmp_path)
    with tarfile.open(path) as archive:
        names = archive.getnames()
        manifest = json.load(archive.extractfile("manifest.json"))  # type: ignore[arg-type]
    assert "media/evidence/2026/12/photo.png" in names
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["media"]["evidence/2026/12/photo.png"]["size"] == len(PHOTO)

    # The disaster: a ticket deleted, another changed, one added; the photo gone, another file added.
    Ticket.objects.filter(pk=lost.pk).delete()
    Ticket.objects.filter(pk=kept.pk).update(subject="改坏了")
    added = make_ticket(subject="备份之后的新工单")
    default_storage.delete("evidence/2026/12/photo.png")
    default_storage.save("evidence/2026/12/after.png", ContentFile(b"later"))

    said = restore(path)
    assert "Restored" in said and "1 uploaded file" in said

    connection.close()  # a fresh connection reads the restored database
    assert Ticket.objects.get(pk=kept.pk).subject == "退货运费谁出？"
    assert Ticket.objects.get(pk=lost.pk).subject == "会被误删的工单"
    assert not Ticket.objects.filter(pk=added.pk).exists()
    assert (media / "evidence/2026/12/photo.png").read_bytes() == PHOTO
    assert not (media / "evidence/2026/12/after.png").exists()


@pytest.mark.django_db(transaction=True)
def test_restore_drill_brings_back_the_data_and_the_files(tmp_path, media):
    """On the suite's database: SQLite's backup API in the newcomer's run, pg_dump / pg_restore in CI's
    PostgreSQL run."""
    drill(tmp_path, media)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgresql_backups_are_pg_dump_custom_format_that_pg_restore_reads(tmp_path, media):
    assert connection.vendor == "postgresql"
    make_ticket(subject="退货运费谁出？")
    with tarfile.open(backup(tmp_path)) as archive:
        dump = archive.extractfile("database.pgdump").read()  # type: ignore[union-attr]
    assert dump.startswith(b"PGDMP")  # the custom format's signature
    (tmp_path / "database.pgdump").write_bytes(dump)
    listing = subprocess.run(
        ["pg_restore", "--list", str(tmp_path / "database.pgdump")], capture_output=True, text=True
    )
    assert listing.returncode == 0, listing.stderr
    assert "TABLE DATA public tickets_ticket" in listing.stdout


@pytest.mark.django_db(transaction=True)
def test_a_damaged_backup_is_refused_before_anything_changes(tmp_path, media):
    ticket = make_ticket(subject="原来的")
    default_storage.save("evidence/a.png", ContentFile(PHOTO))
    path = backup(tmp_path)
    # Rewrite the archive with the photo's bytes changed but the manifest kept.
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(path) as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == "media/evidence/a.png":
                data = b"tampered"
                member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    Ticket.objects.filter(pk=ticket.pk).update(subject="之后改的")
    with pytest.raises(CommandError, match="evidence/a.png is missing or damaged"):
        restore(damaged)
    assert Ticket.objects.get(pk=ticket.pk).subject == "之后改的"
    assert (media / "evidence/a.png").read_bytes() == PHOTO


@pytest.mark.django_db
def test_restoring_what_is_not_a_backup_says_so(tmp_path, media):
    with pytest.raises(CommandError, match="No backup at"):
        restore(tmp_path / "missing.tar.gz")
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a tar file")
    with pytest.raises(CommandError, match="is not a helpdesk backup"):
        restore(junk)


@pytest.mark.django_db(transaction=True)
def test_a_backup_of_another_database_engine_is_refused(tmp_path, media):
    path = backup(tmp_path)
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    relabelled = tmp_path / "other.tar.gz"
    with tarfile.open(path) as source, tarfile.open(relabelled, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == "manifest.json":
                manifest = json.loads(data)
                manifest["database"]["vendor"] = other
                data = json.dumps(manifest).encode()
                member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    with pytest.raises(CommandError, match=f"holds a {other} database; this helpdesk runs on {connection.vendor}"):
        restore(relabelled)


@pytest.mark.django_db(transaction=True)
def test_keep_deletes_all_but_the_newest_backups(tmp_path, media):
    made = [backup(tmp_path, keep=2) for _ in range(3)]
    assert sorted((tmp_path / "backups").glob("helpdesk-backup-*.tar.gz")) == made[1:]


@pytest.mark.django_db(transaction=True)
def test_restore_asks_first_and_a_no_changes_nothing(tmp_path, media, monkeypatch):
    ticket = make_ticket(subject="原来的")
    path = backup(tmp_path)
    Ticket.objects.filter(pk=ticket.pk).update(subject="之后改的")
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="Restore cancelled"):
        call_command("restore", str(path), stdout=io.StringIO())
    assert Ticket.objects.get(pk=ticket.pk).subject == "之后改的"
