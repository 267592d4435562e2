from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts import roles
from tickets.access import visible_tickets_q
from tickets.enums import UNRESOLVED_STATUSES
from tickets.models import Team, Ticket
from tickets.tracking import tracking_url

from .enums import SEVERITY_RANK, Severity
from .models import ApologyTemplate, Complaint, FollowUp, SeverityRule

QUEUE_VIEWS = ("mine", "open", "all")
DEFAULT_APOLOGY = gettext_noop(
    "{customer}, we are sorry for the trouble. We have received your complaint ({reference}); a manager will "
    "follow it up and tell you the result within 24 hours. Follow its progress here: {track_url}"
)


def severity_for_text(text: str) -> tuple[str, str]:
    """The highest severity whose keyword appears in the text, and the keyword (or normal, "")."""
    best, reason = Severity.NORMAL.value, ""
    for rule in SeverityRule.objects.filter(is_active=True):
        if rule.keyword and rule.keyword.lower() in text.lower() and SEVERITY_RANK[rule.severity] > SEVERITY_RANK[best]:
            best, reason = rule.severity, rule.keyword
    return best, reason


def apology_text(*, ticket: Ticket) -> str:
    template = (
        ApologyTemplate.objects.filter(is_active=True, category=ticket.category).order_by("id").first()
        or ApologyTemplate.objects.filter(is_active=True, category="").order_by("id").first()
    )
    body = template.body if template else _(DEFAULT_APOLOGY)
    values = {"customer": ticket.customer.name, "reference": ticket.reference, "track_url": tracking_url(ticket)}
    try:
        return body.format(**values)
    except (KeyError, IndexError, ValueError):
        # A template with a stray brace still goes out, unformatted, rather than blocking the complaint.
        return body


def complaint_queue(*, user: Any, view: str = "open", severity: str = "") -> QuerySet[Complaint]:
    """Complaints for the managers' queue, most severe first, then nearest resolution deadline.

    - ``mine``: unresolved complaints the user owns;
    - ``open``: unresolved complaints of the teams the user manages (every team for admins and for
      managers without a team; agents see their teams');
    - ``all``: every complaint, resolved ones included, newest first.
    """
    queryset = Complaint.objects.select_related(
        "ticket", "ticket__customer", "ticket__team", "ticket__assignee", "ticket__sla_policy", "owner"
    ).filter(visible_tickets_q(user, prefix="ticket__"))
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


def follow_up_list(*, user: Any, due_only: bool = True, now: Any = None) -> QuerySet[FollowUp]:
    """Follow-up calls still to make (due ones with ``due_only``), earliest first, of tickets the user sees."""
    queryset = FollowUp.objects.select_related(
        "complaint", "complaint__ticket", "complaint__ticket__customer", "complaint__owner", "done_by"
    ).filter(visible_tickets_q(user, prefix="complaint__ticket__"))
    if due_only:
        return queryset.filter(done_at__isnull=True, due_at__lte=now or timezone.now()).order_by("due_at", "id")
    return queryset.filter(done_at__isnull=True).order_by("due_at", "id")


def follow_ups_done(*, user: Any, limit: int = 50) -> list[FollowUp]:
    return list(
        FollowUp.objects.select_related("complaint__ticket", "complaint__ticket__customer", "done_by")
        .filter(visible_tickets_q(user, prefix="complaint__ticket__"), done_at__isnull=False)
        .order_by("-done_at")[:limit]
    )
