"""Every write to notifications."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import Notification


def notifications_create(
    *,
    recipients: Iterable[Any],
    verb: str,
    message: str,
    params: dict[str, Any] | None = None,
    url: str = "",
    dedupe_key: str | None = None,
) -> int:
    """Create one notification per recipient; returns how many were new.

    ``message`` is an untranslated message id (mark it with ``gettext_noop``). With a ``dedupe_key``, a
    recipient who already has a notification with that key is skipped, so callers may retry freely.
    """
    rows = [
        Notification(recipient=user, verb=verb, message=message, params=params or {}, url=url, dedupe_key=dedupe_key)
        for user in {user.pk: user for user in recipients}.values()
    ]
    if not rows:
        return 0
    with transaction.atomic():
        if dedupe_key is None:
            return len(Notification.objects.bulk_create(rows))
        existing = set(
            Notification.objects.filter(
                dedupe_key=dedupe_key, recipient__in=[row.recipient for row in rows]
            ).values_list("recipient_id", flat=True)
        )
        new_rows = [row for row in rows if row.recipient.pk not in existing]
        Notification.objects.bulk_create(new_rows, ignore_conflicts=True)
        return len(new_rows)


def notifications_mark_read(*, user: Any, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all unread ones when ``ids`` is None). Others' are untouched."""
    queryset = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        queryset = queryset.filter(pk__in=list(ids))
    return queryset.update(read_at=timezone.now())
