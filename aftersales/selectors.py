"""Every non-trivial read of after-sales requests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from core.errors import ValidationFailed
from customers.models import Customer, Order, OrderLine
from tickets.access import visible_tickets_q
from tickets.models import Ticket

from . import policy
from .enums import LADDER, TERMINAL_STATUSES, ApprovalStatus
from .models import PROCESSING_TARGET, AfterSalesRequest, Approval, Evidence, Offer, RequestLine
from .policy import LadderStep, PolicyResult

QUEUE_VIEWS = ("open", "approval", "overdue", "all")


def request_lines(request: AfterSalesRequest) -> list[tuple[OrderLine, int]]:
    return [(line.order_line, line.quantity) for line in request.lines.select_related("order_line")]


def request_policy_check(*, request: AfterSalesRequest, now: datetime | None = None) -> policy.PolicyResult:
    """The policy check of an existing request (its own lines do not count against themselves). The return
    window is judged when the buyer asked (``created_at``), not when an agent gets to it."""
    now = min(now, request.created_at) if now else request.created_at
    return policy.policy_check(
        customer_id=request.ticket.customer_id,
        order=request.order,
        reason=request.reason,
        lines=request_lines(request),
        refund_amount=request.refund_amount,
        compensation_amount=request.compensation_amount,
        evidence_kinds=[e.kind for e in request.evidence.all()],
        evidence_tracking_number=request.evidence_tracking_number,
        exclude_request_id=request.pk,
        now=now,
    )


def approval_needed(*, request: AfterSalesRequest, actor: Any) -> list[str]:
    """Why ``actor`` may not approve ``request`` alone (empty: they may). Amounts beyond their limit need a
    manager; so does anything outside policy when the actor is not a manager."""
    why: list[str] = []
    limits = policy.limits_for(actor)
    if limits.max_compensation is not None and request.compensation_amount > limits.max_compensation:
        why.append(
            _("Compensation ¥%(amount)s is above the limit of ¥%(limit)s.")
            % {"amount": request.compensation_amount, "limit": limits.max_compensation}
        )
    if limits.max_refund is not None and request.refund_amount > limits.max_refund:
        why.append(
            _("Refund ¥%(amount)s is above the limit of ¥%(limit)s.")
            % {"amount": request.refund_amount, "limit": limits.max_refund}
        )
    if not roles.is_manager(actor):
        check = request_policy_check(request=request)
        why += [_("Outside policy: %(reason)s") % {"reason": reason} for reason in check.reasons]
    return why


def _base() -> QuerySet[AfterSalesRequest]:
    pending = Approval.objects.filter(request=OuterRef("pk"), status=ApprovalStatus.PENDING)
    return (
        AfterSalesRequest.objects.select_related("ticket", "ticket__customer", "ticket__assignee", "order", "reason")
        .prefetch_related(Prefetch("lines", queryset=RequestLine.objects.select_related("order_line")))
        .annotate(has_pending_approval=Exists(pending))
    )


def requests_visible_to(user: Any) -> QuerySet[AfterSalesRequest]:
    """The requests whose ticket the user may see (``tickets.access``)."""
    return AfterSalesRequest.objects.filter(visible_tickets_q(user, prefix="ticket__"))


def aftersales_queue(
    *, user: Any, view: str = "open", filters: dict[str, Any] | None = None, now: datetime | None = None
) -> QuerySet[AfterSalesRequest]:
    """The after-sales queue: open requests oldest first (the 24 h response and 3-day processing targets
    run from there); ``approval`` = waiting for a manager, ``overdue`` = approved more than 3 days ago and
    not finished."""
    now = now or timezone.now()
    queryset = _base().filter(visible_tickets_q(user, prefix="ticket__"))
    if view == "open":
        queryset = queryset.exclude(status__in=TERMINAL_STATUSES).order_by("created_at", "id")
    elif view == "approval":
        queryset = queryset.filter(
            Exists(Approval.objects.filter(request=OuterRef("pk"), status=ApprovalStatus.PENDING))
        ).order_by("created_at", "id")
    elif view == "overdue":
        queryset = queryset.exclude(status__in=TERMINAL_STATUSES).filter(approved_at__lt=now - PROCESSING_TARGET)
        queryset = queryset.order_by("approved_at", "id")
    else:
        queryset = queryset.order_by("-created_at", "-id")
    return aftersales_filter(queryset, filters or {})


def aftersales_filter(queryset: QuerySet[AfterSalesRequest], filters: dict[str, Any]) -> QuerySet[AfterSalesRequest]:
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    if filters.get("type"):
        queryset = queryset.filter(type=filters["type"])
    if filters.get("reason"):
        queryset = queryset.filter(reason__code=filters["reason"])
    if filters.get("order_number"):
        queryset = queryset.filter(order__order_number=filters["order_number"])
    if filters.get("ticket"):
        queryset = queryset.filter(ticket_id=filters["ticket"])
    if filters.get("q"):
        q = filters["q"].strip()
        queryset = queryset.filter(
            Q(order__order_number__icontains=q) | Q(ticket__customer__name__icontains=q) | Q(return_tracking_number=q)
        )
    return queryset


def aftersales_get(*, pk: int, user: Any) -> AfterSalesRequest | None:
    """The request with everything its panel and the API show; None when missing or not visible to the user."""
    return (
        _base()
        .filter(visible_tickets_q(user, prefix="ticket__"))
        .prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.order_by("id")),
            Prefetch("offers", queryset=Offer.objects.select_related("offered_by")),
            Prefetch("approvals", queryset=Approval.objects.select_related("requested_by", "decided_by")),
            "events__actor",
        )
        .filter(pk=pk)
        .first()
    )


def aftersales_for_ticket(*, ticket: Ticket, user: Any) -> AfterSalesRequest | None:
    pk = AfterSalesRequest.objects.filter(ticket=ticket).values_list("pk", flat=True).first()
    return aftersales_get(pk=pk, user=user) if pk else None


def approvals_visible_to(user: Any) -> QuerySet[Approval]:
    return Approval.objects.filter(visible_tickets_q(user, prefix="request__ticket__"))


def offers_visible_to(user: Any) -> QuerySet[Offer]:
    return Offer.objects.filter(visible_tickets_q(user, prefix="request__ticket__"))


def evidence_visible_to(user: Any) -> QuerySet[Evidence]:
    return Evidence.objects.filter(visible_tickets_q(user, prefix="request__ticket__"))


def pending_approvals(*, user: Any) -> QuerySet[Approval]:
    return (
        approvals_visible_to(user)
        .filter(status=ApprovalStatus.PENDING)
        .select_related(
            "request",
            "request__ticket",
            "request__ticket__customer",
            "request__order",
            "request__reason",
            "requested_by",
        )
        .order_by("requested_at", "id")
    )


def recent_approvals(*, user: Any, limit: int = 20) -> QuerySet[Approval]:
    return (
        approvals_visible_to(user)
        .exclude(status=ApprovalStatus.PENDING)
        .select_related("request", "request__ticket", "requested_by", "decided_by")
        .order_by("-decided_at", "-id")[:limit]
    )


@dataclass(frozen=True)
class RequestOverview:
    """Everything the request panel and the API show beyond the row itself."""

    policy: PolicyResult
    ladder: list[LadderStep]
    paid_for_lines: Decimal
    approval_needed_for_actor: list[str]
    pending_approval: Approval | None
    processing_seconds: int | None
    processing_on_time: bool | None
    processing_due_at: datetime | None


def aftersales_overview(*, request: AfterSalesRequest, actor: Any, now: datetime | None = None) -> RequestOverview:
    now = now or timezone.now()
    check = request_policy_check(request=request, now=now)
    paid = policy.paid_for_lines(request.order, request_lines(request))
    window_ok = policy.window_reason(order=request.order, reason=request.reason, now=request.created_at) is None
    steps = policy.ladder(paid=paid, window_ok=window_ok)
    assert [s.resolution for s in steps] == list(LADDER)
    pending = next((a for a in request.approvals.all() if a.status == ApprovalStatus.PENDING), None)
    return RequestOverview(
        policy=check,
        ladder=steps,
        paid_for_lines=paid,
        approval_needed_for_actor=approval_needed(request=request, actor=actor) if actor is not None else [],
        pending_approval=pending,
        processing_seconds=request.processing_seconds(now),
        processing_on_time=request.processing_on_time(now),
        processing_due_at=request.processing_due_at,
    )


def order_for_request(*, customer: Customer, order_number: str, platform: str | None = None) -> Order:
    """The order a request names, looked up by number on the buyer's platform. Someone else's order is
    returned as found: the create service refuses it with a clear message."""
    order = Order.objects.filter(platform=platform or customer.platform, order_number=order_number).first()
    if order is None:
        raise ValidationFailed(
            _("No order %(number)s on this platform.") % {"number": order_number},
            fields={"order_number": [_("Unknown order number. The platform must sync the order first.")]},
        )
    return order


def customer_for_request(*, platform: str, platform_account_id: str) -> Customer:
    customer = Customer.objects.filter(platform=platform, platform_account_id=platform_account_id).first()
    if customer is None:
        raise ValidationFailed(
            _("Unknown customer."), fields={"customer": [_("No customer with this account on this platform.")]}
        )
    return customer
