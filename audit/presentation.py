"""Audit entries as people read them, on the page and in the CSV: labels in the reader's language and one line
of details per kind of entry. Building these never writes.

Entries keep what was written, codes included (a buyer's platform, where a contact was revealed, which report
was exported); they are put in words here, when they are read, in the reader's language. The apps that write
those codes (above the audit app, which cannot import them) register how to word them, from their
``AppConfig.ready()``: ``register_object_label``, ``register_export_title``, ``register_context_label``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import Role

from .enums import REFUSED_LOCKED, AuditAction, AuditSource
from .models import AuditEntry

# The object of the audit log's own CSV export (``audit.views``).
AUDIT_LOG_EXPORT = "audit_log"

_object_labels: dict[str, Callable[[str], str]] = {}
_export_titles: dict[str, str | Promise] = {AUDIT_LOG_EXPORT: gettext_lazy("Audit log")}
_context_labels: dict[str, str | Promise] = {}


def register_object_label(target_type: str, show: Callable[[str], str]) -> None:
    """``show(label)`` words the stored label of an object of ``target_type`` (``app_label.model``) for the
    reader; it returns a label it does not recognise unchanged."""
    _object_labels[target_type] = show


def register_export_title(name: str, title: str | Promise) -> None:
    """The title of what an export named ``name`` (the entry's label) contains, e.g. a report's."""
    _export_titles[name] = title


def register_context_label(code: str, label: str | Promise) -> None:
    """Words for a context code (where something happened, e.g. "profile"); other contexts, such as a ticket
    reference, are shown as they were written."""
    _context_labels[code] = label


def object_label(entry: AuditEntry) -> str:
    """What the entry is about, in the reader's words."""
    if entry.action == AuditAction.EXPORTED and entry.target_label in _export_titles:
        return str(_export_titles[entry.target_label])
    show = _object_labels.get(entry.target_type)
    return show(entry.target_label) if show is not None else entry.target_label


def context_label(entry: AuditEntry) -> tuple[str, bool]:
    """Where it happened, and whether that is words (else a reference as written, shown as code)."""
    if entry.context in _context_labels:
        return str(_context_labels[entry.context]), True
    return entry.context, False


FLAG_LABELS = {
    "is_superuser": gettext_lazy("superuser"),
    "is_staff": gettext_lazy("admin site access"),
    "is_active": gettext_lazy("active"),
}


def who(entry: AuditEntry) -> str:
    """The user as they are called now, or the name kept on the entry (a failed log-in's typed name)."""
    if entry.actor is not None:
        return str(entry.actor)
    return entry.actor_label or _("System")


def _yes_no(value: Any) -> str:
    return _("yes") if value else _("no")


def _role(name: str) -> str:
    return str(dict(Role.choices).get(name, name))


def _roles_changed(details: dict[str, Any]) -> str:
    parts = [f"+{_role(name)}" for name in details.get("groups_added", [])]
    parts += [f"−{_role(name)}" for name in details.get("groups_removed", [])]
    for flag, label in FLAG_LABELS.items():
        if flag in details:
            old, new = details[flag]
            parts.append(_("%(what)s: %(old)s → %(new)s") % {"what": label, "old": _yes_no(old), "new": _yes_no(new)})
    # Translators: between the changes of one role change ("+Manager; −Agent").
    return _("; ").join(parts)


def _exported(details: dict[str, Any]) -> str:
    parts = [str(details.get("format", "")).upper()]
    filters = details.get("filters") or {}
    start, end = filters.get("start"), filters.get("end")
    if start or end:
        parts.append(f"{start or '…'} – {end or '…'}")
    parts += [f"{key}={value}" for key, value in filters.items() if key not in ("start", "end") and value]
    return " · ".join(part for part in parts if part)


def _api_key(entry: AuditEntry) -> str:
    details = entry.details
    if entry.action == AuditAction.API_KEY_ROTATED and details.get("new_key"):
        return _("replaced by %(key)s") % {"key": details["new_key"]}
    return str(details.get("integration", ""))


def describe(entry: AuditEntry) -> str:
    """One line of what the entry's details say, for people (the CSV keeps the details as JSON too)."""
    action = entry.action
    if action == AuditAction.LOGIN_FAILED and entry.details.get("refused") == REFUSED_LOCKED:
        return _("refused: locked out")
    if action == AuditAction.ROLES_CHANGED:
        return _roles_changed(entry.details)
    if action == AuditAction.EXPORTED:
        return _exported(entry.details)
    if action in (AuditAction.API_KEY_CREATED, AuditAction.API_KEY_ROTATED, AuditAction.API_KEY_REVOKED):
        return _api_key(entry)
    return ""


def entry_row(entry: AuditEntry) -> dict[str, Any]:
    """What the audit page (and the CSV) shows of one entry."""
    context, context_in_words = context_label(entry)
    return {
        "entry": entry,
        "who": who(entry),
        "action": AuditAction(entry.action).label if entry.action in AuditAction.values else entry.action,
        "source": AuditSource(entry.source).label if entry.source in AuditSource.values else "",
        "object": object_label(entry),
        "context": context,
        "context_in_words": context_in_words,
        "details": describe(entry),
    }
