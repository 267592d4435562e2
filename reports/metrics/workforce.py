"""Work distribution (issue 15): the agents' online time, the tickets assigned to each (auto, manual, by
handover) and the completeness of the shift handover book. Definitions in ``reports/metrics/__init__.py``."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy

from tickets.access import visible_tickets_q
from tickets.enums import EventType
from tickets.models import TicketEvent
from workforce.enums import PresenceStatus
from workforce.models import Handover, HandoverAck, PresenceChange, Shift

from .. import registry
from ..aggregates import rate
from ..filters import ReportFilters
from ..registry import ReportResult, report, report_result
from .cohort import none_last, user_names_by_id

# The statuses whose time is counted (offline is not time at work).
COUNTED_STATUSES = (PresenceStatus.ONLINE, PresenceStatus.BUSY, PresenceStatus.AWAY)


# --- (a) online time ------------------------------------------------------------------------------------------


def presence_seconds(filters: ReportFilters, *, now: datetime | None = None) -> dict[int, dict[str, int]]:
    """Seconds each agent spent online, busy and away in the period, from the presence log.

    The period runs from ``start_at`` to ``end_at`` or ``now``, whichever is earlier (the future has no
    status yet). An agent's status when the period opens is the ``new_status`` of their last change before
    it (offline without one); each change ends the interval before it and opens the next, and the last one
    runs to the period's end. Two queries however many agents."""
    start_at = filters.start_at
    end_at = min(filters.end_at, now or timezone.now())
    if end_at <= start_at:
        return {}
    changes = PresenceChange.objects.filter(at__gte=start_at, at__lt=end_at)
    before = PresenceChange.objects.filter(at__lt=start_at)
    if filters.team_id:
        members = get_user_model().objects.filter(teams=filters.team_id).values("pk")
        changes = changes.filter(user__in=members)
        before = before.filter(user__in=members)
    # Each agent's status as the period opens: the last change before it (by time, then id).
    opening = {
        row["user"]: row["status"]
        for row in before.order_by()
        .values("user")
        .distinct()
        .annotate(
            status=Subquery(
                PresenceChange.objects.filter(user=OuterRef("user"), at__lt=start_at)
                .order_by("-at", "-id")
                .values("new_status")[:1]
            )
        )
        .values("user", "status")
    }
    timelines: dict[int, list[tuple[datetime, str]]] = defaultdict(list)
    for user_id, status in opening.items():
        timelines[user_id].append((start_at, status))
    for user_id, status, at in changes.order_by("user", "at", "id").values_list("user", "new_status", "at"):
        timelines[user_id].append((at, status))
    totals: dict[int, dict[str, int]] = {}
    for user_id, points in timelines.items():
        seconds: dict[str, float] = {str(status): 0.0 for status in COUNTED_STATUSES}
        for (at, status), (following, _next) in zip(points, [*points[1:], (end_at, "")], strict=True):
            if status in seconds:
                seconds[status] += (following - at).total_seconds()
        if any(seconds.values()):
            totals[user_id] = {status: round(value) for status, value in seconds.items()}
    return totals


@report(
    "agent_online",
    title=gettext_lazy("Agents' online time"),
    description=gettext_lazy(
        "Per agent: time online, busy and away in the period, from their status changes (up to now)."
    ),
    columns=registry.AGENT_ONLINE_COLUMNS,
)
def build_agent_online(filters: ReportFilters) -> ReportResult:
    totals = presence_seconds(filters)
    names = user_names_by_id(set(totals))
    rows = []
    for user_id in sorted(totals, key=lambda pk: names.get(pk, "")):
        seconds = totals[user_id]
        rows.append(
            {
                "agent_id": user_id,
                "agent": names.get(user_id, f"#{user_id}"),
                "online": seconds["online"],
                "busy": seconds["busy"],
                "away": seconds["away"],
                "signed_in": seconds["online"] + seconds["busy"] + seconds["away"],
            }
        )
    return report_result("agent_online", rows, filters)


# --- (b) tickets assigned per agent -----------------------------------------------------------------------------


def ticket_scope_q(filters: ReportFilters, prefix: str = "") -> Q:
    """The filters' team, kind, channel and reader on tickets, without the period (events have their own)."""
    condition = Q()
    if filters.team_id:
        condition &= Q(**{f"{prefix}team_id": filters.team_id})
    if filters.kind:
        condition &= Q(**{f"{prefix}kind": filters.kind})
    if filters.channel:
        condition &= Q(**{f"{prefix}channel": filters.channel})
    if filters.viewer is not None:
        condition &= visible_tickets_q(filters.viewer, prefix=prefix)
    return condition


def assignment_counts(filters: ReportFilters) -> dict[int, dict[str, int]]:
    """Per agent given tickets in the period: ``assigned`` events with a new assignee, by ``via``.

    ``auto``: auto-assignment; ``handover``: a shift handover; ``manual``: everything else (a person's choice,
    taking it, claiming it by working it, and events older than ``via``, which were all manual)."""
    events = (
        TicketEvent.objects.filter(
            ticket_scope_q(filters, "ticket__"),
            type=EventType.ASSIGNED,
            created_at__gte=filters.start_at,
            created_at__lt=filters.end_at,
        )
        .exclude(data__new=None)
        .order_by()
        .values("data__new", "data__via")
        .annotate(n=Count("id"))
    )
    counts: dict[int, dict[str, int]] = defaultdict(lambda: {"auto": 0, "manual": 0, "handover": 0})
    for row in events:
        user_id = row["data__new"]
        if not isinstance(user_id, int):
            continue  # an event written by hand without an id
        via = row["data__via"]
        bucket = via if via in ("auto", "handover") else "manual"
        counts[user_id][bucket] += row["n"]
    return dict(counts)


@report(
    "assignments",
    title=gettext_lazy("Tickets assigned per agent"),
    description=gettext_lazy(
        "Per agent: tickets given to them in the period, by auto-assignment, by a person, or at a handover."
    ),
    columns=registry.ASSIGNMENT_COLUMNS,
)
def build_assignments(filters: ReportFilters) -> ReportResult:
    counts = assignment_counts(filters)
    names = user_names_by_id(set(counts))
    rows = []
    for user_id in sorted(counts, key=none_last(lambda pk: names.get(pk, ""))):
        by_via = counts[user_id]
        assigned = by_via["auto"] + by_via["manual"] + by_via["handover"]
        rows.append(
            {
                "agent_id": user_id,
                "agent": names.get(user_id, f"#{user_id}"),
                "assigned": assigned,
                "manual": by_via["manual"],
                "auto": by_via["auto"],
                "handover": by_via["handover"],
                "auto_rate": rate(by_via["auto"], assigned),
            }
        )
    return report_result("assignments", rows, filters)


# --- (c) handover completeness ----------------------------------------------------------------------------------


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=offset) for offset in range((end - start).days + 1)]


@report(
    "handovers",
    title=gettext_lazy("Handover completeness"),
    description=gettext_lazy(
        "Per day and shift: how many of the shift's agents wrote a handover, and how many handovers the next "
        "shift acknowledged."
    ),
    columns=registry.HANDOVER_COLUMNS,
)
def build_handovers(filters: ReportFilters) -> ReportResult:
    today = timezone.localdate(timezone=filters.start_at.tzinfo)
    last_day = min(filters.end, today)  # a shift that has not come yet has nothing to hand over
    queryset = Shift.objects.select_related("team").prefetch_related("members").order_by("team__name", "start_time")
    if filters.team_id:
        queryset = queryset.filter(team_id=filters.team_id)
    shifts = list(queryset)
    if not shifts or last_day < filters.start:
        return report_result("handovers", [], filters)
    handovers = list(
        Handover.objects.filter(shift__in=shifts, shift_date__gte=filters.start, shift_date__lte=last_day).values(
            "id", "shift_id", "shift_date", "author_id"
        )
    )
    # Acknowledged: read by someone other than its author.
    acknowledged_ids = set(
        HandoverAck.objects.filter(handover_id__in=[row["id"] for row in handovers])
        .exclude(user_id=Subquery(Handover.objects.filter(pk=OuterRef("handover_id")).values("author_id")[:1]))
        .values_list("handover_id", flat=True)
    )
    by_shift_day: dict[tuple[int | None, date], list[Any]] = defaultdict(list)
    for row in handovers:
        by_shift_day[(row["shift_id"], row["shift_date"])].append(row)
    rows = []
    for day in _days(filters.start, last_day):
        for shift in shifts:
            members = {user.pk for user in shift.members.all()}
            written = by_shift_day.get((shift.pk, day), [])
            wrote = len({row["author_id"] for row in written} & members)
            acknowledged = sum(1 for row in written if row["id"] in acknowledged_ids)
            rows.append(
                {
                    "date": day.isoformat(),
                    "team": str(shift.team),
                    "shift": shift.name,
                    "agents": len(members),
                    "wrote": wrote,
                    "written_rate": rate(wrote, len(members)),
                    "handovers": len(written),
                    "acknowledged": acknowledged,
                    "acknowledged_rate": rate(acknowledged, len(written)),
                }
            )
    if not any(row["agents"] or row["handovers"] for row in rows):
        rows = []
    return report_result("handovers", rows, filters)
