from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from accounts import roles
from tickets.enums import UNRESOLVED_STATUSES
from tickets.models import Team

from .enums import Severity
from .models import Complaint, FollowUp

QUEUE_VIEWS = ("mine", "open", "all")


def complaint_queue(*, user: Any, view: str = "open", severity: str = "") -> QuerySet[Complaint]:
    """Complaints for the managers' queue, most severe first, then nearest resolution deadline.

    - ``mine``: unresolved complaints the user owns;
    - ``open``: unresolved complaints of the teams the user manages (every team for admins and for
      managers without a team; agents see their teams');
    - ``all``: every complaint, resolved ones included, newest first.
    """
    queryset = Complaint.objects.select_related(
        "ticket", "ticket__customer", "ticket__team", "ticket__assignee", "ticket__sla_policy", "owner"
    )
    if severity:
        queryset = queryset.filter(severity=severity)
    if view == "all":
        return queryset.order_by("-ticket__received_at", "-id")
    queryset = queryset.filter(ticket__status__in=UNRESOLVED_STATUSES)
    if view == "mine":
        queryset = queryset.filter(owner=user)
    else:
        team_ids = list(Team.objects.filter(Q(managers=user) | Q(members=user)).values_list("id", flat=True).distinct())
        if team_ids and not roles.is_admin(user):
            queryset = queryset.filter(Q(ticket__team_id__in=team_ids) | Q(ticket__team__isnull=True) | Q(owner=user))
    rank = Case(
        When(severity=Severity.CRITICAL, then=Value(0)),
        When(severity=Severity.SERIOUS, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return queryset.order_by(rank, "ticket__resolution_due_at", "id")


def follow_up_list(*, due_only: bool = True, now: Any = None) -> QuerySet[FollowUp]:
    """Follow-up calls still to make (due ones with ``due_only``), earliest first; or the latest done ones."""
    queryset = FollowUp.objects.select_related(
        "complaint", "complaint__ticket", "complaint__ticket__customer", "complaint__owner", "done_by"
    )
    if due_only:
        from django.utils import timezone

        return queryset.filter(done_at__isnull=True, due_at__lte=now or timezone.now()).order_by("due_at", "id")
    return queryset.filter(done_at__isnull=True).order_by("due_at", "id")


def follow_ups_done(*, limit: int = 50) -> list[FollowUp]:
    return list(
        FollowUp.objects.select_related("complaint__ticket", "complaint__ticket__customer", "done_by")
        .filter(done_at__isnull=False)
        .order_by("-done_at")[:limit]
    )
