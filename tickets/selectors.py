"""Every non-trivial read of tickets."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts import roles

from .access import ticket_readers, visible_tickets_q
from .enums import UNRESOLVED_STATUSES, AuthorType, EscalationTarget, MessageVisibility, TicketStatus
from .models import (
    REFERENCE_PREFIX,
    BusinessCalendar,
    Escalation,
    Message,
    SlaPolicy,
    Team,
    Ticket,
    TicketEvent,
    TicketQuerySet,
)

INBOX_VIEWS = ("mine", "team", "open")
_REFERENCE_RE = re.compile(rf"^\s*(?:{REFERENCE_PREFIX})?0*(\d{{1,12}})\s*$", re.IGNORECASE)


def ticket_pk_from_reference(text: str) -> int | None:
    match = _REFERENCE_RE.match(text)
    return int(match.group(1)) if match else None


def _base() -> TicketQuerySet:
    return Ticket.objects.select_related(
        "customer", "assignee", "team", "team__calendar", "sla_policy", "sla_policy__calendar"
    )


def ticket_inbox(*, user: Any, view: str = "mine", filters: dict[str, Any] | None = None) -> TicketQuerySet:
    """The agent's inbox, nearest SLA deadline first (tickets without a running clock last).

    - ``mine``: unresolved tickets assigned to the user;
    - ``team``: unassigned unresolved tickets of the user's teams (of every team for managers without one);
    - ``open``: every unresolved ticket.
    Only tickets the user may see (``tickets.access``), in every view and count.
    Filters (each optional): kind, status, priority, team (id), assignee (id, or "none"), overdue (bool), q.
    """
    filters = filters or {}
    queryset = _base().filter(visible_tickets_q(user))
    status = filters.get("status")
    if status:
        queryset = queryset.filter(status=status)
    else:
        queryset = queryset.filter(status__in=UNRESOLVED_STATUSES)

    if view == "mine":
        queryset = queryset.filter(assignee=user)
    elif view == "team":
        team_ids = list(Team.objects.filter(Q(members=user) | Q(managers=user)).values_list("id", flat=True).distinct())
        queryset = queryset.filter(assignee__isnull=True)
        if team_ids or not roles.is_manager(user):
            queryset = queryset.filter(team_id__in=team_ids)

    if filters.get("kind"):
        queryset = queryset.filter(kind=filters["kind"])
    if filters.get("priority"):
        queryset = queryset.filter(priority=filters["priority"])
    if filters.get("team"):
        queryset = queryset.filter(team_id=filters["team"])
    assignee = filters.get("assignee")
    if assignee == "none":
        queryset = queryset.filter(assignee__isnull=True)
    elif assignee:
        queryset = queryset.filter(assignee_id=assignee)
    if filters.get("overdue"):
        queryset = queryset.overdue(timezone.now())
    query = (filters.get("q") or "").strip()
    if query:
        pk = ticket_pk_from_reference(query)
        text = Q(subject__icontains=query) | Q(customer__name__icontains=query) | Q(order__order_number=query)
        queryset = queryset.filter(text | Q(pk=pk)) if pk else queryset.filter(text)
    return queryset.order_by(F("sla_next_due_at").asc(nulls_last=True), "received_at", "id")


def ticket_get_for_agent(*, pk: int, user: Any) -> Ticket | None:
    """The ticket with everything its page and the API show, or None when it does not exist *or* the user may
    not see it (the caller answers 404 either way)."""
    return (
        _base()
        .filter(visible_tickets_q(user))
        .select_related("order", "created_by")
        .prefetch_related(
            "order__lines",
            Prefetch("messages", queryset=Message.objects.select_related("author").prefetch_related("attachments")),
            Prefetch("events", queryset=TicketEvent.objects.select_related("actor")),
            Prefetch("escalations", queryset=Escalation.objects.select_related("acknowledged_by", "requested_by")),
        )
        .filter(pk=pk)
        .first()
    )


def ticket_timeline(*, ticket: Ticket) -> list[dict[str, Any]]:
    """Messages and events merged in time order, for the ticket page. Uses prefetched rows when present."""
    items: list[dict[str, Any]] = []
    messages = {message.pk: message for message in ticket.messages.all()}
    shown_messages: set[int] = set()
    for event in ticket.events.all():
        message_id = event.data.get("message_id") if isinstance(event.data, dict) else None
        if message_id in messages:
            shown_messages.add(message_id)
            items.append({"kind": "message", "at": event.created_at, "message": messages[message_id], "event": event})
        else:
            items.append({"kind": "event", "at": event.created_at, "event": event})
    for pk, message in messages.items():
        if pk not in shown_messages:
            items.append({"kind": "message", "at": message.created_at, "message": message, "event": None})
    items.sort(key=lambda item: item["at"])
    return items


def customer_earlier_tickets(*, ticket: Ticket, user: Any, limit: int = 10) -> list[Ticket]:
    """The buyer's other tickets that the user may see."""
    return list(
        Ticket.objects.filter(visible_tickets_q(user), customer_id=ticket.customer_id)
        .exclude(pk=ticket.pk)
        .only("id", "subject", "status", "kind", "created_at")
        .order_by("-created_at")[:limit]
    )


ESCALATION_KINDS = ("sla", "help")


def escalation_list(*, user: Any, open_only: bool = True, kind: str = "") -> QuerySet[Escalation]:
    """Escalations for the manager's view: their teams' (or every team's for admins and team-less managers).
    ``kind`` "sla" keeps the SLA breaches, "help" the agents' help requests; anything else keeps both."""
    queryset = Escalation.objects.select_related(
        "ticket",
        "ticket__customer",
        "ticket__assignee",
        "ticket__team",
        "ticket__sla_policy",
        "team",
        "acknowledged_by",
        "requested_by",
    )
    if kind == "sla":
        queryset = queryset.exclude(target=EscalationTarget.REQUESTED)
    elif kind == "help":
        queryset = queryset.filter(target=EscalationTarget.REQUESTED)
    if open_only:
        queryset = queryset.filter(acknowledged_at__isnull=True).exclude(ticket__status=TicketStatus.CLOSED)
    managed = list(Team.objects.filter(managers=user).values_list("id", flat=True))
    if managed and not roles.is_admin(user):
        queryset = queryset.filter(Q(ticket__team_id__in=managed) | Q(ticket__team__isnull=True))
    return queryset.filter(visible_tickets_q(user, prefix="ticket__")).order_by("-escalated_at", "-id")


def assignable_users() -> QuerySet[Any]:
    User = get_user_model()
    return (
        User.objects.filter(is_active=True)
        .filter(Q(groups__name__in=[roles.Role.AGENT, roles.Role.MANAGER, roles.Role.ADMIN]) | Q(is_superuser=True))
        .distinct()
        .order_by("username")
    )


def ticket_managers(*, ticket: Ticket, fallback_to_all: bool = True) -> list[Any]:
    """Who answers for a ticket above the agents: the active managers of its team; without a team, or with a
    team without managers, every active manager and admin who may see the ticket (unless ``fallback_to_all``
    is off). Every caller notifies them, so nobody outside the ticket's audience is named."""
    if ticket.team_id is not None:
        # ``ticket.team`` is usually loaded already (the sweep selects it with the ticket).
        managers = list(ticket.team.managers.filter(is_active=True).order_by("id"))  # type: ignore[union-attr]
        if managers or not fallback_to_all:
            return managers
    if not fallback_to_all:
        return []
    User = get_user_model()
    everyone = User.objects.filter(is_active=True, groups__name__in=[roles.Role.MANAGER, roles.Role.ADMIN])
    return ticket_readers(ticket, everyone.distinct().order_by("id"))


def ticket_sla_calendar(*, ticket: Ticket) -> BusinessCalendar | None:
    """The business calendar a ticket's clocks run on (its policy's, else its team's); None means 24×7."""
    from .calendars import calendar_id_for

    calendar_id = calendar_id_for(policy=ticket.sla_policy, team=ticket.team)
    if calendar_id is None:
        return None
    if ticket.sla_policy is not None and ticket.sla_policy.calendar_id == calendar_id:
        return ticket.sla_policy.calendar
    return ticket.team.calendar if ticket.team is not None else None


def sla_policy_for(
    *, kind: str, priority: str, channel: str = "", team_id: int | None = None, customer_tier: str = ""
) -> SlaPolicy | None:
    """The first active policy, in position order, whose conditions all match (a blank condition matches all)."""
    for policy in SlaPolicy.objects.filter(is_active=True).order_by("position", "id"):
        if policy.matches(kind=kind, priority=priority, channel=channel, team_id=team_id, customer_tier=customer_tier):
            return policy
    return None


def ticket_latest_buyer_messages(*, ticket: Ticket, limit: int = 3) -> list[str]:
    """The text of the buyer's latest public messages, newest first: what the ticket is about now, for the
    suggestions (articles, canned replies). Read once per ticket instance: several panels of one page ask."""
    cache: dict[int, list[str]] = ticket.__dict__.setdefault("_latest_buyer_messages", {})
    if limit not in cache:
        cache[limit] = list(
            ticket.messages.filter(visibility=MessageVisibility.PUBLIC, author_type=AuthorType.CUSTOMER)
            .order_by("-created_at", "-pk")
            .values_list("body", flat=True)[:limit]
        )
    return cache[limit]
