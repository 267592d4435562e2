"""The audit log as CSV: streamed row by row (``core.exports``: UTF-8 with the BOM for Excel, text that a
spreadsheet would run as a formula quoted)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import tzinfo

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exports import csv_lines, safe_text

from .models import AuditEntry
from .presentation import entry_row


def csv_chunks(entries: QuerySet[AuditEntry], *, zone: tzinfo) -> Iterator[str]:
    """Times in ``zone`` (the reader's, captured by the view: the body is made after it returned)."""
    header = [
        _("Time"),
        _("User name"),
        _("Who"),
        _("Action code"),
        _("What"),
        _("Source"),
        _("Object type"),
        _("Object id"),
        _("Object"),
        _("Context"),
        _("Details"),
        _("Details (JSON)"),
        _("Request id"),
        _("IP address"),
    ]
    return csv_lines(header, (_row(entry, zone) for entry in entries.iterator(chunk_size=1000)))


def _row(entry: AuditEntry, zone: tzinfo) -> list[str]:
    shown = entry_row(entry)
    values = [
        timezone.localtime(entry.created_at, zone).isoformat(timespec="seconds"),
        entry.actor.get_username() if entry.actor is not None else entry.actor_label,
        shown["who"],
        entry.action,
        str(shown["action"]),
        str(shown["source"]),
        entry.target_type,
        "" if entry.target_id is None else str(entry.target_id),
        shown["object"],
        shown["context"],
        shown["details"],
        json.dumps(entry.details, ensure_ascii=False, sort_keys=True) if entry.details else "",
        entry.request_id,
        entry.ip_address or "",
    ]
    return [safe_text(value) for value in values]
