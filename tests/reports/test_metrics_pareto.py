"""The after-sales Pareto reports over ten hand-made requests in November (and one in December, outside).

=====  ==================  =======  ========================================
req    reason              channel  lines (SKU × quantity)
=====  ==================  =======  ========================================
r1     quality_defect      chat     TS × 2
r2     quality_defect      chat     TS × 1, JN × 1
r3     quality_defect      chat     JN × 1
r4     quality_defect      api      (none)
r5     size                chat     TS × 1
r6     size                chat     TS × 3
r7     wrong_item          chat     SK × 2
r8     wrong_item          api      JN × 1
r9     damaged_in_transit  api      TS × 1, SK × 1
r10    other               api      (none)
r11    quality_defect      chat     TS × 5   — received 12-01 00:00 local: not in November
=====  ==================  =======  ========================================
"""

from __future__ import annotations

from datetime import date

import pytest

from aftersales.models import AfterSalesRequest, Reason, RequestLine
from reports.filters import ReportFilters
from reports.registry import run_report
from tests.factories import OrderFactory, OrderLineFactory

from .conftest import local, november, open_ticket

pytestmark = pytest.mark.django_db

TITLES = {"TS": "纯棉T恤", "JN": "牛仔裤", "SK": "羊毛袜"}
REQUESTS = [
    (local(11, 2, 10), "quality_defect", "chat", [("TS", 2)]),
    (local(11, 3, 10), "quality_defect", "chat", [("TS", 1), ("JN", 1)]),
    (local(11, 4, 10), "quality_defect", "chat", [("JN", 1)]),
    (local(11, 5, 10), "quality_defect", "api", []),
    (local(11, 6, 10), "size", "chat", [("TS", 1)]),
    (local(11, 7, 10), "size", "chat", [("TS", 3)]),
    (local(11, 8, 10), "wrong_item", "chat", [("SK", 2)]),
    (local(11, 9, 10), "wrong_item", "api", [("JN", 1)]),
    (local(11, 10, 10), "damaged_in_transit", "api", [("TS", 1), ("SK", 1)]),
    (local(11, 30, 23, 59), "other", "api", []),
    (local(12, 1, 0, 0), "quality_defect", "chat", [("TS", 5)]),
]


@pytest.fixture
def requests(db, customer, team):  # type: ignore[no-untyped-def]
    for received_at, reason, channel, lines in REQUESTS:
        ticket = open_ticket(
            received_at, customer=customer, kind="aftersales", category="return_refund", channel=channel, team=team
        )
        order = OrderFactory(customer=customer)
        request = AfterSalesRequest.objects.create(
            ticket=ticket, type="return_refund", order=order, reason=Reason.objects.get(code=reason)
        )
        for sku, quantity in lines:
            line = OrderLineFactory(order=order, sku=sku, title=TITLES[sku], quantity=quantity)
            RequestLine.objects.create(request=request, order_line=line, quantity=quantity)


def table(name: str, filters: ReportFilters, *keys: str) -> list[tuple]:
    return [tuple(row[key] for key in keys) for row in run_report(name, filters).rows]


def test_reasons_sorted_by_requests_with_the_vital_few_up_to_80_percent(requests):
    # 10 requests. Ties go by code: size before wrong_item, damaged_in_transit before other.
    assert table("aftersales_reasons", november(), "reason", "requests", "share", "cumulative_share", "vital_few") == [
        ("quality_defect", 4, 0.4, 0.4, "yes"),
        ("size", 2, 0.2, 0.6, "yes"),
        ("wrong_item", 2, 0.2, 0.8, "yes"),  # reaches 80 % exactly: in, and the cut
        ("damaged_in_transit", 1, 0.1, 0.9, "no"),
        ("other", 1, 0.1, 1.0, "no"),
    ]


def test_the_row_that_crosses_80_percent_is_the_last_of_the_vital_few(requests):
    # Chat only: quality 3, size 2, wrong_item 1 of 6 → 0.5, 0.8333 (first at or past 80 %: in), 1.0 (out).
    assert table(
        "aftersales_reasons", november(channel="chat"), "reason", "requests", "cumulative_share", "vital_few"
    ) == [
        ("quality_defect", 3, 0.5, "yes"),
        ("size", 2, 0.8333, "yes"),
        ("wrong_item", 1, 1.0, "no"),
    ]


def test_reason_labels_come_from_the_reason(requests):
    labels = {row["reason"]: row["label"] for row in run_report("aftersales_reasons", november()).rows}
    assert labels["size"] == Reason.objects.get(code="size").label


def test_products_count_requests_per_sku_once_and_sum_the_items(requests):
    # TS: r1 r2 r5 r6 r9 = 5 requests, 2 + 1 + 1 + 3 + 1 = 8 items; JN: r2 r3 r8 = 3, 3 items; SK: r7 r9 = 2,
    # 2 + 1 = 3 items. r2 and r9 count once for each of their two products; r4 and r10 have no lines. The share
    # is of the 10 product mentions: 0.5, 0.3, 0.2.
    assert table(
        "aftersales_products",
        november(),
        "sku",
        "title",
        "requests",
        "quantity",
        "share",
        "cumulative_share",
        "vital_few",
    ) == [
        ("TS", "纯棉T恤", 5, 8, 0.5, 0.5, "yes"),
        ("JN", "牛仔裤", 3, 3, 0.3, 0.8, "yes"),
        ("SK", "羊毛袜", 2, 3, 0.2, 1.0, "no"),
    ]


def test_december_has_only_the_first_minute_request(requests):
    december = ReportFilters(start=date(2026, 12, 1), end=date(2026, 12, 31))
    assert table("aftersales_reasons", december, "reason", "requests", "vital_few") == [("quality_defect", 1, "yes")]
    assert table("aftersales_products", december, "sku", "requests", "quantity") == [("TS", 1, 5)]


def test_pareto_reports_are_empty_for_other_kinds_and_empty_periods(requests, team):
    assert table("aftersales_reasons", november(kind="complaint"), "reason") == []
    assert table("aftersales_products", november(kind="inquiry"), "sku") == []
    assert table("aftersales_reasons", november(kind="aftersales", team_id=team.pk), "requests")[0] == (4,)
    june = ReportFilters(start=date(2026, 6, 1), end=date(2026, 6, 30))
    assert table("aftersales_reasons", june, "reason") == table("aftersales_products", june, "sku") == []
