from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Max, Q, QuerySet

from .models import Notification


def notification_unread_count(*, user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


@dataclass(frozen=True)
class BellState:
    unread: int
    latest_id: int


def notification_bell(*, user: Any) -> BellState:
    """The bell at page load: the unread count, and the newest id, after which the page's stream resumes
    (so a notification created while the page loads still arrives). One query."""
    row = Notification.objects.filter(recipient=user).aggregate(
        unread=Count("pk", filter=Q(read_at__isnull=True)), latest_id=Max("pk")
    )
    return BellState(unread=row["unread"] or 0, latest_id=row["latest_id"] or 0)


def notification_list(*, user: Any, unread_only: bool = False) -> QuerySet[Notification]:
    queryset = Notification.objects.filter(recipient=user)
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    return queryset


def notification_ids_since(*, user_id: int, up_to_id: int, since: datetime) -> dict[int, datetime]:
    """Ids (with creation times) of the user's notifications created since ``since`` with an id up to
    ``up_to_id``: those a stream resuming after ``up_to_id`` counts as delivered already."""
    rows = Notification.objects.filter(recipient_id=user_id, pk__lte=up_to_id, created_at__gte=since)
    return dict(rows.values_list("pk", "created_at"))


def notification_news(
    *, user_id: int, after_id: int, late_since: datetime | None = None, known_ids: Collection[int] = (), limit: int = 20
) -> list[Notification]:
    """The user's notifications after ``after_id``, oldest first, at most ``limit``.

    Ids are handed out when a row is inserted but become visible when its transaction commits, so a row can
    appear after a newer one was already seen. With ``late_since``, rows created since then with a lower id
    are included too, unless their id is in ``known_ids`` (already delivered).
    """
    condition = Q(pk__gt=after_id)
    if late_since is not None:
        condition |= Q(pk__lte=after_id, created_at__gte=late_since)
    queryset = Notification.objects.filter(condition, recipient_id=user_id)
    if known_ids:
        queryset = queryset.exclude(pk__in=list(known_ids))
    return list(queryset.order_by("pk")[:limit])
