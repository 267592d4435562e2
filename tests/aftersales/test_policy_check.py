from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from aftersales.models import Reason
from aftersales.policy import paid_for_lines, policy_check
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def check(order, reason_code, lines, refund=Decimal("0"), **kwargs):  # type: ignore[no-untyped-def]
    return policy_check(
        customer_id=kwargs.pop("customer_id", order.customer_id),
        order=order,
        reason=Reason.objects.get(code=reason_code),
        lines=lines,
        refund_amount=refund,
        **kwargs,
    )


def test_default_reasons_exist_with_their_windows():
    windows = dict(Reason.objects.values_list("code", "return_window_days"))
    assert windows["no_reason"] == 7
    assert windows["quality_defect"] == 30
    assert set(windows) == {
        "size",
        "quality_defect",
        "wrong_item",
        "damaged_in_transit",
        "not_as_described",
        "no_reason",
        "other",
    }


def test_no_reason_return_within_seven_days_of_delivery(order, shirt):
    now = order.delivered_at + timedelta(days=6)
    assert check(order, "no_reason", [(shirt, 1)], now=now).ok
    late = check(order, "no_reason", [(shirt, 1)], now=order.delivered_at + timedelta(days=8))
    assert not late.ok and "within 7 days of delivery" in late.reasons[0]


def test_quality_problems_have_a_longer_window(order, shirt):
    now = order.delivered_at + timedelta(days=20)
    assert check(order, "quality_defect", [(shirt, 1)], now=now, evidence_kinds=["product_photo", "defect_photo"]).ok
    assert not check(order, "quality_defect", [(shirt, 1)], now=order.delivered_at + timedelta(days=31)).ok


def test_window_is_configurable(order, shirt):
    Reason.objects.filter(code="no_reason").update(return_window_days=15)
    assert check(order, "no_reason", [(shirt, 1)], now=order.delivered_at + timedelta(days=10)).ok


def test_undelivered_orders_have_not_started_the_window(order, shirt):
    order.delivered_at = None
    assert check(order, "no_reason", [(shirt, 1)], now=timezone.now() + timedelta(days=100)).ok


def test_refund_cannot_exceed_what_was_paid(order, shirt, trousers):
    assert paid_for_lines(order, [(shirt, 2), (trousers, 1)]) == Decimal("278.00")
    result = check(order, "no_reason", [(shirt, 1)], refund=Decimal("79.01"))
    assert not result.ok and "only ¥79.00 was paid" in result.reasons[0]


def test_quantity_beyond_bought_and_someone_elses_order(order, shirt):
    result = check(order, "no_reason", [(shirt, 3)], customer_id=CustomerFactory().pk)
    assert len(result.reasons) == 2
    assert "belongs to another customer" in result.reasons[0]
    assert "only 2 of 2" in result.reasons[1]


def test_missing_evidence_is_listed(order, shirt):
    result = check(order, "damaged_in_transit", [(shirt, 1)], evidence_kinds=["product_photo"])
    assert len(result.reasons) == 2  # defect photo, tracking number
