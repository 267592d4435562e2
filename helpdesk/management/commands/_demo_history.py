"""Four months of finished demo tickets, so the manager's dashboard has something to show after `make run`.

Written straight into the tables, like an import of past data: replaying four months through the services
would stamp every reply and resolution "now". Every ticket here is resolved or closed (the SLA sweep has
nothing to escalate); breaches carry their stamps and escalation rows, a share has survey answers, and the
after-sales tickets have requests with reasons and products. Deterministic (a fixed random seed).
"""

from __future__ import annotations

import random
import secrets
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone

from aftersales.models import AfterSalesRequest, Reason, RequestLine
from customers.models import Customer, Order
from surveys.models import SurveyAnswer, SurveyFollowUp, SurveyInvitation, SurveyResponse
from surveys.services import active_dimensions, survey_ensure_default
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
        resolved = received + timedelta(hours=resolved_hours) + (paused or timedelta(0))
        elapsed = resolved - received - (paused or timedelta(0))
        resolution_late = elapsed > timedelta(hours=24)
        ticket = Ticket(
            kind=kind,
            category=rng.choice([c for c in CATEGORIES_BY_KIND[kind] if c != "other"]),
            subject=rng.choice(SUBJECTS[kind]),
            description="（历史演示数据）",
            channel=_pick(rng, CHANNELS),
            priority=rng.choice(["normal", "normal", "normal", "high", "low"]),
            status="closed" if day > 7 else "resolved",
            customer=rng.choice(customers),
            team=team,
            assignee=rng.choice(agents),
            received_at=received,
            first_response_due_at=received + timedelta(minutes=10),
            resolution_due_at=received + timedelta(hours=24) + (paused or timedelta(0)),
            first_responded_at=first,
            resolved_at=resolved,
            closed_at=resolved + timedelta(days=7) if day > 7 else None,
            sla_paused_seconds=int(paused.total_seconds()) if paused else 0,
            sla_elapsed=elapsed,
            first_response_breached_at=received + timedelta(minutes=10) if first_minutes > 10 else None,
            resolution_breached_at=received + timedelta(hours=24) + (paused or timedelta(0))
            if resolution_late
            else None,
        )
        ticket.escalation_level = 1 if (first_minutes > 10 or resolution_late) else 0
        planned.append((ticket, {"first_late": first_minutes > 10, "resolution_late": resolution_late}))
    Ticket.objects.bulk_create([ticket for ticket, _ in planned], batch_size=500)

    escalations, invitations, responses_data = [], [], []
    for ticket, facts in planned:
        if facts["first_late"]:
            escalations.append(_escalation(ticket, "first_response", ticket.first_response_due_at))
        if facts["resolution_late"]:
            escalations.append(_escalation(ticket, "resolution", ticket.resolution_due_at))
        if rng.random() < 0.35 and ticket.resolved_at:
            answered_at = ticket.resolved_at + timedelta(hours=rng.uniform(0.2, 30))
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
                done_at=response.submitted_at + timedelta(hours=5),
                outcome="已致电客户致歉并说明处理结果。",
            )
            for response in responses
            if response.lowest_score <= 2
        ]
    )
    _aftersales(rng, [ticket for ticket, _ in planned if ticket.kind == "aftersales"], reasons, orders)
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


def _aftersales(rng: random.Random, tickets: list[Ticket], reasons: list[Reason], orders: list[Order]) -> None:
    if not reasons or not orders:
        return
    weights = [REASON_WEIGHTS.get(reason.code, 4) for reason in reasons]
    requests = []
    for ticket in tickets:
        order = rng.choice(orders)
        requests.append(
            AfterSalesRequest(
                ticket=ticket,
                type=ticket.category if ticket.category != "other" else "return_refund",
                order=order,
                reason=rng.choices(reasons, weights=weights)[0],
                status="completed",
                completed_at=ticket.resolved_at,
            )
        )
    AfterSalesRequest.objects.bulk_create(requests, batch_size=500)
    lines_by_order = {order.pk: list(order.lines.all()) for order in orders}
    RequestLine.objects.bulk_create(
        [
            RequestLine(request=request, order_line=line, quantity=1)
            for request in requests
            for line in lines_by_order.get(request.order_id, [])[:1]
        ],
        batch_size=500,
    )
