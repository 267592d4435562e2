"""Four months of finished demo tickets, so the manager's dashboard has something to show after `make run`.

Written straight into the tables, like an import of past data: replaying four months through the services
would stamp every reply and resolution "now". Every ticket here is resolved or closed (the SLA sweep has
nothing to escalate); breaches carry their stamps and escalation rows, a share has survey answers, and the
after-sales tickets have requests with reasons and products. Deterministic (a fixed random seed).

Everything is dated in the past and in order: a ticket is created when it was received, answered, resolved
and closed before now, and its survey answer and follow-up come after its resolution, also before now. Each
after-sales request has an order of its own, bought by the ticket's buyer before they wrote, so four months
of finished returns never use up the quantities of the live demo orders (which the open requests need).
"""

from __future__ import annotations

import random
import secrets
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from aftersales.models import AfterSalesRequest, Reason, RequestLine
from customers.models import Customer, Order, OrderLine
from surveys.models import SurveyAnswer, SurveyFollowUp, SurveyInvitation, SurveyResponse
from surveys.selectors import active_dimensions
from surveys.services import survey_ensure_default
from tickets.enums import CATEGORIES_BY_KIND
from tickets.models import Escalation, Team, Ticket

DAYS = 120
HOUR_WEIGHTS = [1, 1, 1, 1, 1, 1, 2, 4, 8, 12, 14, 13, 10, 11, 13, 14, 12, 10, 9, 10, 11, 9, 5, 2]
KINDS = [("inquiry", 60), ("complaint", 12), ("aftersales", 28)]
CHANNELS = [("chat", 45), ("api", 30), ("phone", 8), ("email", 5), ("web_form", 7), ("social", 5)]
REASON_WEIGHTS = {"size": 38, "quality_defect": 24, "damaged_in_transit": 12, "not_as_described": 8, "wrong_item": 6}
SUBJECTS = {
    "inquiry": ["什么时候发货？", "这款有没有大一码", "能开发票吗", "物流一直没更新", "可以改地址吗"],
    "complaint": ["商品质量太差", "快递员态度恶劣", "客服回复太慢", "给了差评要求处理"],
    "aftersales": ["尺码偏小想退货", "收到商品有破损", "颜色和图片不一样", "少发了一件"],
}
# A few products cause most of the after-sales work (the Pareto report): weights by position in the catalogue.
PRODUCT_WEIGHTS = [40, 25, 15, 12, 8]
# Everything that happened to a history ticket happened at least this long before the seed ran.
SETTLED = timedelta(hours=1)


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([value for value, _ in weighted], weights=[weight for _, weight in weighted])[0]


def create_history(*, agents: list[Any], teams: dict[str, Team], customers: list[Customer], orders: list[Order]) -> int:
    rng = random.Random(20261123)
    now = timezone.now()
    survey = survey_ensure_default()
    dimensions = active_dimensions(survey)
    reasons = list(Reason.objects.filter(is_active=True))
    team_for_kind = {
        "inquiry": teams.get("pre"),
        "complaint": teams.get("complaints"),
        "aftersales": teams.get("after"),
    }
    planned: list[tuple[Ticket, dict[str, Any]]] = []
    count = 8 * DAYS + rng.randrange(60)
    for _index in range(count):
        day = rng.randrange(DAYS) + 1
        hour = rng.choices(range(24), weights=HOUR_WEIGHTS)[0]
        received = timezone.localtime(now - timedelta(days=day)).replace(
            hour=hour, minute=rng.randrange(60), second=rng.randrange(60), microsecond=0
        )
        kind = _pick(rng, KINDS)
        team = team_for_kind[kind] if rng.random() < 0.85 else teams.get("in")
        busy = 9 <= hour < 12 or 14 <= hour < 17
        first_minutes = rng.expovariate(1 / (6.5 if busy else 3.5)) + 0.3
        resolved_hours = rng.expovariate(1 / {"inquiry": 2.0, "complaint": 9.0, "aftersales": 14.0}[kind]) + 0.1
        paused = timedelta(hours=rng.expovariate(1 / 3)) if kind == "aftersales" and rng.random() < 0.5 else None
        first = received + timedelta(minutes=first_minutes)
        # Resolved after the first answer, never before it.
        resolved = max(received + timedelta(hours=resolved_hours), first + timedelta(minutes=1)) + (
            paused or timedelta(0)
        )
        # A ticket received yesterday evening may need more time than is left before now: move it back by
        # whole days (its hour of day stays, for the time-band report) until it was settled an hour ago.
        if resolved > now - SETTLED:
            days_back = (resolved - (now - SETTLED)).days + 1
            received, first, resolved = (moment - timedelta(days=days_back) for moment in (received, first, resolved))
        elapsed = resolved - received - (paused or timedelta(0))
        resolution_late = elapsed > timedelta(hours=24)
        closed = resolved + timedelta(days=7) if resolved + timedelta(days=7) <= now else None
        ticket = Ticket(
            kind=kind,
            category=rng.choice([c for c in CATEGORIES_BY_KIND[kind] if c != "other"]),
            subject=rng.choice(SUBJECTS[kind]),
            description="（历史演示数据）",
            channel=_pick(rng, CHANNELS),
            priority=rng.choice(["normal", "normal", "normal", "high", "low"]),
            status="closed" if closed else "resolved",
            customer=rng.choice(customers),
            team=team,
            assignee=rng.choice(agents),
            received_at=received,
            first_response_due_at=received + timedelta(minutes=10),
            resolution_due_at=received + timedelta(hours=24) + (paused or timedelta(0)),
            first_responded_at=first,
            resolved_at=resolved,
            closed_at=closed,
            sla_paused_seconds=int(paused.total_seconds()) if paused else 0,
            sla_elapsed=elapsed,
            first_response_breached_at=received + timedelta(minutes=10) if first_minutes > 10 else None,
            resolution_breached_at=received + timedelta(hours=24) + (paused or timedelta(0))
            if resolution_late
            else None,
        )
        ticket.escalation_level = 1 if (first_minutes > 10 or resolution_late) else 0
        planned.append((ticket, {"first_late": first_minutes > 10, "resolution_late": resolution_late}))
    _give_orders(rng, [ticket for ticket, _ in planned if ticket.kind == "aftersales"], orders)
    Ticket.objects.bulk_create([ticket for ticket, _ in planned], batch_size=500)
    # created_at and updated_at stamp "now" on insert: an imported ticket was created when it was received
    # and last changed when it was closed (or resolved).
    Ticket.objects.filter(pk__in=[ticket.pk for ticket, _ in planned]).update(
        created_at=F("received_at"), updated_at=Coalesce(F("closed_at"), F("resolved_at"))
    )

    escalations, invitations, responses_data = [], [], []
    for ticket, facts in planned:
        if facts["first_late"]:
            escalations.append(_escalation(ticket, "first_response", ticket.first_response_due_at))
        if facts["resolution_late"]:
            escalations.append(_escalation(ticket, "resolution", ticket.resolution_due_at))
        if rng.random() < 0.35 and ticket.resolved_at:
            # Answered within 30 hours of the resolution, and before now.
            answered_at = min(
                ticket.resolved_at + timedelta(hours=rng.uniform(0.2, 30)),
                ticket.resolved_at + (now - ticket.resolved_at) * rng.uniform(0.3, 0.9),
            )
            invitations.append(
                SurveyInvitation(
                    ticket=ticket,
                    survey=survey,
                    nonce=secrets.token_hex(16),
                    agent=ticket.assignee,
                    team=ticket.team,
                    created_at=ticket.resolved_at,
                    issued_for=ticket.resolved_at,
                    expires_at=ticket.resolved_at + timedelta(days=survey.valid_days),
                    completed_at=answered_at,
                )
            )
    Escalation.objects.bulk_create(escalations, batch_size=500)
    SurveyInvitation.objects.bulk_create(invitations, batch_size=500)

    responses = []
    for invitation in invitations:
        assert invitation.completed_at is not None
        ticket = invitation.ticket
        bias = -1.2 if ticket.first_response_breached_at or ticket.resolution_breached_at else 0.0
        scores = {dimension.code: max(1, min(5, round(rng.gauss(4.5 + bias, 0.7)))) for dimension in dimensions}
        values = list(scores.values())
        responses_data.append(scores)
        responses.append(
            SurveyResponse(
                invitation=invitation,
                ticket=ticket,
                survey=survey,
                agent=invitation.agent,
                team=invitation.team,
                submitted_at=invitation.completed_at,
                solved=rng.random() < (0.95 if bias == 0 else 0.6),
                comment=rng.choice(["", "", "", "回复很及时，谢谢", "态度很好", "处理太慢了"]),
                language="zh-hans",
                average_score=(Decimal(sum(values)) / Decimal(len(values))).quantize(
                    Decimal("0.001"), rounding=ROUND_HALF_UP
                ),
                lowest_score=min(values),
            )
        )
    SurveyResponse.objects.bulk_create(responses, batch_size=500)
    SurveyAnswer.objects.bulk_create(
        [
            SurveyAnswer(response=response, dimension=dimension, code=dimension.code, score=scores[dimension.code])
            for response, scores in zip(responses, responses_data, strict=True)
            for dimension in dimensions
        ],
        batch_size=1000,
    )
    SurveyFollowUp.objects.bulk_create(
        [
            SurveyFollowUp(
                response=response,
                status="done",
                created_at=response.submitted_at,
                due_at=response.submitted_at + timedelta(hours=24),
                # Called back within five hours, before now.
                done_at=min(
                    response.submitted_at + timedelta(hours=5),
                    response.submitted_at + (now - response.submitted_at) / 2,
                ),
                outcome="已致电客户致歉并说明处理结果。",
            )
            for response in responses
            if response.lowest_score <= 2
        ]
    )
    _aftersales(rng, [ticket for ticket, _ in planned if ticket.kind == "aftersales"], reasons)
    return len(planned)


def _escalation(ticket: Ticket, target: str, due_at: Any) -> Escalation:
    return Escalation(
        ticket=ticket,
        target=target,
        level=1,
        team=ticket.team,
        due_at=due_at,
        escalated_at=due_at + timedelta(seconds=5),
        acknowledged_at=due_at + timedelta(minutes=20),
        notified_at=due_at + timedelta(seconds=6),
    )


def _give_orders(rng: random.Random, tickets: list[Ticket], orders: list[Order]) -> None:
    """An order of its own for each after-sales ticket: one piece of a catalogue product, bought by the ticket's
    buyer, paid a few days and delivered a day or two before they wrote. Sets ``ticket.order``."""
    catalogue: list[tuple[str, str, Decimal]] = []
    for order in orders:
        for line in order.lines.all():
            if line.sku not in {sku for sku, _title, _price in catalogue}:
                catalogue.append((line.sku, line.title, line.unit_price))
    if not catalogue:
        return
    weights = [PRODUCT_WEIGHTS[i] if i < len(PRODUCT_WEIGHTS) else 4 for i in range(len(catalogue))]
    planned: list[tuple[Order, tuple[str, str, Decimal]]] = []
    for number, ticket in enumerate(tickets, 1):
        product = rng.choices(catalogue, weights=weights)[0]
        delivered = ticket.received_at - timedelta(hours=rng.uniform(6, 72))
        paid = delivered - timedelta(days=rng.uniform(1.5, 4))
        order = Order(
            customer=ticket.customer,
            platform=ticket.customer.platform,
            order_number=f"HIS{timezone.localtime(paid):%Y%m%d}{number:05d}",
            status="completed",
            total_amount=product[2],
            paid_amount=product[2],
            paid_at=paid,
            shipped_at=paid + timedelta(hours=rng.uniform(4, 30)),
            delivered_at=delivered,
        )
        ticket.order = order
        planned.append((order, product))
    Order.objects.bulk_create([order for order, _ in planned], batch_size=500)
    Order.objects.filter(pk__in=[order.pk for order, _ in planned]).update(
        created_at=F("paid_at"), updated_at=F("delivered_at")
    )
    OrderLine.objects.bulk_create(
        [
            OrderLine(order=order, sku=sku, title=title, quantity=1, unit_price=price)
            for order, (sku, title, price) in planned
        ],
        batch_size=500,
    )


def _aftersales(rng: random.Random, tickets: list[Ticket], reasons: list[Reason]) -> None:
    """A finished request for each after-sales ticket, on the ticket's own order (its one line, once)."""
    if not reasons:
        return
    weights = [REASON_WEIGHTS.get(reason.code, 4) for reason in reasons]
    requests = []
    for ticket in tickets:
        order = ticket.order
        if order is None:
            continue
        request_type = ticket.category if ticket.category != "other" else "return_refund"
        paid = order.paid_amount
        requests.append(
            AfterSalesRequest(
                ticket=ticket,
                type=request_type,
                order=order,
                reason=rng.choices(reasons, weights=weights)[0],
                status="completed",
                refund_amount=paid if request_type in ("refund_only", "return_refund") else Decimal("0"),
                compensation_amount=min(paid, Decimal("10.00")) if request_type == "compensation" else Decimal("0"),
                completed_at=ticket.resolved_at,
            )
        )
    AfterSalesRequest.objects.bulk_create(requests, batch_size=500)
    # Submitted when the buyer wrote, not when the demo was seeded.
    AfterSalesRequest.objects.filter(pk__in=[request.pk for request in requests]).update(
        created_at=Subquery(Ticket.objects.filter(pk=OuterRef("ticket_id")).values("received_at")[:1]),
        updated_at=F("completed_at"),
    )
    lines_by_order = {
        line.order_id: line for line in OrderLine.objects.filter(order_id__in=[r.order_id for r in requests])
    }
    RequestLine.objects.bulk_create(
        [RequestLine(request=request, order_line=lines_by_order[request.order_id], quantity=1) for request in requests],
        batch_size=500,
    )
