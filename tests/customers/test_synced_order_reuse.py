"""After a bulk sync, a ticket or an after-sales request that names only the order number links the synced
order and leaves its lines, amounts and times as synced."""

from decimal import Decimal

import pytest

from customers.models import Order

pytestmark = pytest.mark.django_db

BUYER = {"platform": "taobao", "platform_account_id": "tb_wxm", "name": "王小明"}
SYNCED = {
    "platform": "taobao",
    "order_number": "TB2026112300009",
    "customer": BUYER,
    "status": "delivered",
    "total_amount": "278.00",
    "paid_amount": "278.00",
    "paid_at": "2026-11-18T10:00:00+08:00",
    "shipped_at": "2026-11-19T10:00:00+08:00",
    "delivered_at": "2026-11-21T10:00:00+08:00",
    "lines": [
        {"sku": "TS-COT-L", "title": "纯棉T恤 L", "quantity": 2, "unit_price": "79.00"},
        {"sku": "PT-KHK-32", "title": "卡其裤 32", "quantity": 1, "unit_price": "120.00"},
    ],
}


def synced_state(order: Order):  # type: ignore[no-untyped-def]
    order.refresh_from_db()
    lines = [(line.pk, line.sku, line.quantity, line.unit_price) for line in order.lines.all()]
    return (order.status, order.total_amount, order.paid_amount, order.paid_at, order.delivered_at, lines)


@pytest.fixture
def synced_order(api):  # type: ignore[no-untyped-def]
    body = api.post("/api/v1/orders/bulk/", {"orders": [SYNCED]}, format="json").json()
    assert body["results"][0]["status"] == "created"
    return Order.objects.get(pk=body["results"][0]["id"])


def test_a_ticket_with_only_the_order_number_links_the_synced_order(api, synced_order):
    before = synced_state(synced_order)
    response = api.post(
        "/api/v1/tickets/",
        {
            "kind": "inquiry",
            "subject": "什么时候退款？",
            "customer": BUYER,
            "order": {"order_number": SYNCED["order_number"]},
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["order"]["id"] == synced_order.pk
    assert [line["sku"] for line in body["order"]["lines"]] == ["TS-COT-L", "PT-KHK-32"]
    assert body["order"]["total_amount"] == "278.00"
    assert synced_state(synced_order) == before
    assert Order.objects.count() == 1


def test_an_after_sales_request_with_the_order_number_uses_the_synced_order(api, synced_order):
    before = synced_state(synced_order)
    response = api.post(
        "/api/v1/aftersales/requests/",
        {
            "customer": {"platform": "taobao", "platform_account_id": "tb_wxm"},
            "order_number": SYNCED["order_number"],
            "type": "return_refund",
            "reason": "no_reason",
            "lines": [{"sku": "TS-COT-L", "quantity": 1}],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["lines"][0]["sku"] == "TS-COT-L"
    assert Decimal(response.json()["refund_amount"]) == Decimal("79.00")
    assert synced_state(synced_order) == before


def test_resyncing_after_a_return_keeps_the_line_the_request_points_at(api, synced_order):
    line = synced_order.lines.get(sku="TS-COT-L")
    api.post(
        "/api/v1/aftersales/requests/",
        {
            "customer": {"platform": "taobao", "platform_account_id": "tb_wxm"},
            "order_number": SYNCED["order_number"],
            "type": "return_refund",
            "reason": "no_reason",
            "lines": [{"sku": "TS-COT-L", "quantity": 1}],
        },
        format="json",
    )
    resync = {
        **SYNCED,
        "status": "refunded",
        "lines": [{**SYNCED["lines"][0], "title": "纯棉T恤 L（新款）"}, SYNCED["lines"][1]],
    }
    body = api.post("/api/v1/orders/bulk/", {"orders": [resync]}, format="json").json()
    assert body["results"][0]["status"] == "updated"
    line.refresh_from_db()
    assert line.title == "纯棉T恤 L（新款）" and line.aftersales_lines.count() == 1
