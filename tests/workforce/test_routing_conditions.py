"""Each condition of a routing rule, on tickets made the way the product makes them (ticket_create)."""

from __future__ import annotations

from datetime import UTC, datetime, time
from decimal import Decimal

import pytest
import time_machine

from tests.factories import CustomerFactory, OrderFactory, TeamFactory, make_ticket
from tickets.models import BusinessCalendar, WorkingHours
from workforce.enums import BusinessHoursCondition

from .routing_helpers import rule

pytestmark = pytest.mark.django_db


def _tags(ticket) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(ticket.tags.values_list("name", flat=True))


@pytest.mark.parametrize(
    ("subject", "description", "fires"),
    [
        ("我要退款", "", True),
        ("咨询", "这个订单能不能退款？", True),
        ("REFUND please", "", True),
        ("发货问题", "什么时候发货", False),
    ],
)
def test_keywords_match_anywhere_in_subject_or_description_case_insensitively(subject, description, fires):  # type: ignore[no-untyped-def]
    rule("退款", keywords=["退款", "refund"], add_tags=["退款"])
    ticket = make_ticket(subject=subject, description=description)
    assert (_tags(ticket) == ["退款"]) is fires


def test_safety_keywords_make_the_ticket_urgent_and_restricted():
    rule("安全问题", keywords=["起火", "冒烟", "爆炸"], set_priority="urgent", restrict=True, add_tags=["安全"])
    ticket = make_ticket(subject="充电宝", description="充电的时候冒烟了，差点起火")
    assert ticket.priority == "urgent"
    assert ticket.restricted is True
    assert _tags(ticket) == ["安全"]
    calm = make_ticket(subject="充电宝", description="充电很慢")
    assert calm.priority == "normal" and calm.restricted is False


def test_vip_tier_raises_the_priority():
    rule("VIP", customer_tiers=["vip"], set_priority="high")
    assert make_ticket(customer=CustomerFactory(tier="vip")).priority == "high"
    assert make_ticket(customer=CustomerFactory(tier="gold")).priority == "normal"


def test_platform_condition_uses_the_buyers_platform():
    douyin_team = TeamFactory(name="抖音组")
    rule("抖音", platforms=["douyin"], set_team=douyin_team)
    assert make_ticket(customer=CustomerFactory(platform="douyin")).team == douyin_team
    assert make_ticket(customer=CustomerFactory(platform="taobao")).team != douyin_team


def test_channel_kind_and_category_conditions():
    phone_team = TeamFactory(name="电话组")
    rule("电话催发货", channels=["phone"], kinds=["inquiry"], categories=["shipping_urge"], set_team=phone_team)
    assert make_ticket(channel="phone", category="shipping_urge").team == phone_team
    assert make_ticket(channel="chat", category="shipping_urge").team != phone_team
    assert make_ticket(channel="phone", category="order_query").team != phone_team


def test_order_amount_range_is_inclusive_and_needs_an_order():
    big = TeamFactory(name="大额订单组")
    rule("大额", order_amount_min=Decimal("1000"), order_amount_max=Decimal("5000"), set_team=big)
    customer = CustomerFactory()

    def with_amount(amount: str):  # type: ignore[no-untyped-def]
        order = OrderFactory(customer=customer, total_amount=Decimal(amount))
        return make_ticket(customer=customer, order=order)

    assert with_amount("1000.00").team == big
    assert with_amount("5000.00").team == big
    assert with_amount("999.99").team != big
    assert with_amount("5000.01").team != big
    assert make_ticket(customer=customer).team != big  # no order, no amount: the range cannot hold


def test_an_open_ended_amount_range():
    rule("高于500", order_amount_min=Decimal("500"), add_tags=["高额"])
    customer = CustomerFactory()
    order = OrderFactory(customer=customer, total_amount=Decimal("88888"))
    assert _tags(make_ticket(customer=customer, order=order)) == ["高额"]


@pytest.fixture
def office_team():  # type: ignore[no-untyped-def]
    calendar = BusinessCalendar.objects.create(name="Office", time_zone="Asia/Shanghai")
    for weekday in range(5):
        WorkingHours.objects.create(calendar=calendar, weekday=weekday, start=time(9), end=time(18))
    return TeamFactory(name="办公时间组", calendar=calendar)


def test_business_hours_use_the_destination_teams_calendar(office_team):  # type: ignore[no-untyped-def]
    rule("下班后", business_hours=BusinessHoursCondition.OUTSIDE, add_tags=["非工作时间"])
    rule("上班时", business_hours=BusinessHoursCondition.INSIDE, add_tags=["工作时间"])
    # Wednesday 2026-12-02 10:00 in Shanghai is 02:00 UTC: inside; 21:00 Shanghai is 13:00 UTC: outside.
    with time_machine.travel(datetime(2026, 12, 2, 2, 0, tzinfo=UTC), tick=False):
        assert _tags(make_ticket(team=office_team)) == ["工作时间"]
    with time_machine.travel(datetime(2026, 12, 2, 13, 0, tzinfo=UTC), tick=False):
        assert _tags(make_ticket(team=office_team)) == ["非工作时间"]
    # Saturday morning: outside.
    with time_machine.travel(datetime(2026, 12, 5, 2, 0, tzinfo=UTC), tick=False):
        assert _tags(make_ticket(team=office_team)) == ["非工作时间"]


def test_business_hours_follow_received_at_not_the_sync_time(office_team):  # type: ignore[no-untyped-def]
    rule("下班后", business_hours=BusinessHoursCondition.OUTSIDE, add_tags=["非工作时间"])
    with time_machine.travel(datetime(2026, 12, 2, 2, 0, tzinfo=UTC), tick=False):
        late_sync = make_ticket(team=office_team, received_at=datetime(2026, 12, 1, 14, 0, tzinfo=UTC))
    assert _tags(late_sync) == ["非工作时间"]


def test_a_team_without_a_calendar_is_always_inside_business_hours():
    rule("上班时", business_hours=BusinessHoursCondition.INSIDE, add_tags=["工作时间"])
    rule("下班后", business_hours=BusinessHoursCondition.OUTSIDE, add_tags=["非工作时间"])
    with time_machine.travel(datetime(2026, 12, 5, 18, 0, tzinfo=UTC), tick=False):
        assert _tags(make_ticket(team=TeamFactory(name="全天"))) == ["工作时间"]


def test_a_rule_set_team_decides_whose_calendar_counts(office_team):  # type: ignore[no-untyped-def]
    rule("投诉去办公组", kinds=["complaint"], set_team=office_team)
    rule("下班后", business_hours=BusinessHoursCondition.OUTSIDE, add_tags=["非工作时间"])
    with time_machine.travel(datetime(2026, 12, 2, 13, 0, tzinfo=UTC), tick=False):
        complaint = make_ticket(kind="complaint", category="logistics")
        inquiry = make_ticket(kind="inquiry")
    assert complaint.team == office_team and _tags(complaint) == ["非工作时间"]
    assert _tags(inquiry) == []  # no team, no calendar: 24×7, so never "outside"


def test_an_inactive_rule_does_not_fire():
    rule("VIP", customer_tiers=["vip"], set_priority="high", is_active=False)
    assert make_ticket(customer=CustomerFactory(tier="vip")).priority == "normal"
