"""Reads of the audit log: the filtered list behind the audit page and its CSV export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from core.integers import parse_id

from .models import AuditEntry

# The buyer filter matches entries about a buyer account; other apps name their models, not the audit app.
CUSTOMER_TARGET = "customers.customer"


@dataclass(frozen=True)
class AuditFilters:
    """Every field optional. ``who``: part of a login name or display name (or the name typed at a failed
    log-in); ``buyer``: a buyer's id, or part of their name or account id; dates are the reader's local days,
    both inclusive."""

    who: str = ""
    action: str = ""
    start: date | None = None
    end: date | None = None
    buyer: str = ""


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def audit_entries(*, filters: AuditFilters) -> QuerySet[AuditEntry]:
    """Newest first, with the actor joined."""
    entries = AuditEntry.objects.select_related("actor").order_by("-created_at", "-id")
    if filters.who:
        entries = entries.filter(
            Q(actor_label__icontains=filters.who)
            | Q(actor__username__icontains=filters.who)
            | Q(actor__display_name__icontains=filters.who)
        )
    if filters.action:
        entries = entries.filter(action=filters.action)
    if filters.start:
        entries = entries.filter(created_at__gte=_local_midnight(filters.start))
    if filters.end:
        entries = entries.filter(created_at__lt=_local_midnight(filters.end + timedelta(days=1)))
    if filters.buyer:
        about_buyer = Q(target_label__icontains=filters.buyer)
        buyer_id = parse_id(filters.buyer)
        if buyer_id is not None:
            about_buyer |= Q(target_id=buyer_id)
        entries = entries.filter(about_buyer, target_type=CUSTOMER_TARGET)
    return entries
