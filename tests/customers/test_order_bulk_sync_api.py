"""POST /api/v1/orders/bulk/: up to 500 orders, each created, updated, unchanged or refused on its own."""

import time
from decimal import Decimal

import pytest

from customers.models import Customer, Order
from tests.factories import CustomerFactory, OrderFactory, OrderLineFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/orders/bulk/"


def item(number: str, account: str = "tb_buyer", **overrides):  # type: ignore[no-untyped-def]
    data = {
        "platform": "taobao",
        "order_number": number,
        "customer": {"platform_account_id": account, "name": "王小明"},
        "status": "shipped",
        "paid_amount": "158.00",
        "paid_at": "2026-11-20T10:00:00+08:00",
        "shipped_at": "2026-11-21T09:00:00+08:00",
        "lines": [{"sku": "TS-L", "title": "纯棉T恤 L", "quantity": 2, "unit_price": "79.00"}],
    }
    data.update(overrides)
    return data


def test_a_mix_of_created_updated_unchanged_and_refused_items(api):
    assert api.post(URL, {"orders": [item("TB1"), item("TB2")]}, format="json").status_code == 200
    batch = [
        item("TB1"),  # as before
        item("TB2", status="delivered", delivered_at="2026-11-23T15:00:00+08:00"),
        item("TB3"),
        {"platform": "taobao", "order_number": "TB4", "customer": {"name": "缺账号"}},
        "not an object",
        item("TB5", lines=[{"sku": "X", "title": "x", "quantity": 0}]),
    ]
    response = api.post(URL, {"orders": batch}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert [r["status"] for r in body["results"]] == ["unchanged", "updated", "created", "error", "error", "error"]
    assert [r["index"] for r in body["results"]] == [0, 1, 2, 3, 4, 5]
    assert body["counts"] == {"total": 6, "created": 1, "updated": 1, "unchanged": 1, "error": 3}
    missing_account = body["results"][3]
    assert missing_account["order_number"] == "TB4" and missing_account["id"] is None
    assert missing_account["error"]["code"] == "validation_error"
    assert "customer.platform_account_id" in missing_account["error"]["fields"]
    assert body["results"][4]["order_number"] is None
    assert "lines[0].quantity" in body["results"][5]["error"]["fields"]
    assert body["results"][0]["error"] is None
    delivered = Order.objects.get(order_number="TB2")
    assert body["results"][1]["id"] == delivered.pk and delivered.status == "delivered" and delivered.delivered_at
    assert set(Order.objects.values_list("order_number", flat=True)) == {"TB1", "TB2", "TB3"}


def test_an_order_sent_again_without_lines_is_unchanged_and_keeps_its_lines(api):
    """Found by the schemathesis contract test: this used to be a 500."""
    assert api.post(URL, {"orders": [item("TB1")]}, format="json").status_code == 200
    without_lines = {key: value for key, value in item("TB1").items() if key != "lines"}
    response = api.post(URL, {"orders": [without_lines]}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["results"][0]["status"] == "unchanged"
    assert Order.objects.get(order_number="TB1").lines.count() == 1


def test_synced_orders_keep_their_lines_amounts_and_times(api):
    api.post(URL, {"orders": [item("TB1")]}, format="json")
    order = Order.objects.get(order_number="TB1")
    assert order.total_amount == Decimal("158.00")  # the lines' sum when no total is given
    assert order.paid_amount == Decimal("158.00") and order.paid_at and order.shipped_at
    assert [(line.sku, line.quantity) for line in order.lines.all()] == [("TS-L", 2)]
    assert order.customer.platform == "taobao" and order.customer.phone == "" and order.customer.email == ""


def test_new_lines_update_the_stored_ones_in_place(api):
    api.post(URL, {"orders": [item("TB1")]}, format="json")
    line_id = Order.objects.get().lines.get().pk
    lines = [
        {"sku": "TS-L", "title": "纯棉T恤 L", "quantity": 1, "unit_price": "79.00"},
        {"sku": "PT-32", "title": "卡其裤 32", "quantity": 1, "unit_price": "120.00"},
    ]
    body = api.post(URL, {"orders": [item("TB1", lines=lines)]}, format="json").json()
    assert body["results"][0]["status"] == "updated"
    order = Order.objects.get()
    assert [(line.pk == line_id, line.sku, line.quantity) for line in order.lines.all()] == [
        (True, "TS-L", 1),
        (False, "PT-32", 1),
    ]
    assert order.total_amount == Decimal("199.00")


def test_an_order_number_of_another_buyer_is_an_item_error(api):
    OrderFactory(order_number="TB-THEIRS", customer=CustomerFactory(platform_account_id="someone_else"))
    body = api.post(URL, {"orders": [item("TB-THEIRS"), item("TB-MINE")]}, format="json").json()
    refused, accepted = body["results"]
    assert refused["status"] == "error" and refused["id"] is None
    assert refused["error"]["code"] == "validation_error"
    assert "order_number" in refused["error"]["fields"]
    assert accepted["status"] == "created"
    # The refused item left no buyer behind; the accepted one kept its buyer.
    assert Customer.objects.filter(platform_account_id="tb_buyer").count() == 1
    assert Order.objects.get(order_number="TB-THEIRS").customer.platform_account_id == "someone_else"


def test_removing_a_line_an_after_sales_request_uses_is_an_item_error(api, agent):
    from aftersales.services.intake import LineInput, aftersales_request_create

    buyer = CustomerFactory(platform_account_id="tb_buyer")
    order = OrderFactory(customer=buyer, order_number="TB-RET")
    line = OrderLineFactory(order=order, sku="TS-L")
    aftersales_request_create(
        customer=buyer,
        order=order,
        type="return_refund",
        reason_code="no_reason",
        lines=[LineInput(order_line_id=line.pk, sku="", quantity=1)],
        created_by=agent,
    )
    other_lines = [{"sku": "OTHER", "title": "别的", "quantity": 1, "unit_price": "1.00"}]
    body = api.post(URL, {"orders": [item("TB-RET", lines=other_lines)]}, format="json").json()
    assert body["results"][0]["status"] == "error"
    assert body["results"][0]["error"]["code"] == "order_line_in_use"
    assert list(order.lines.values_list("sku", flat=True)) == ["TS-L"]


@pytest.mark.parametrize(
    "payload",
    [{}, {"orders": []}, {"orders": "TB1"}, [item("TB1")]],
    ids=["no-orders", "empty", "not-a-list", "bare-list"],
)
def test_a_malformed_envelope_is_a_400(api, payload):
    response = api.post(URL, payload, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"


def test_more_than_500_orders_are_refused_naming_the_limit(api):
    response = api.post(URL, {"orders": [item(f"TB{i}") for i in range(501)]}, format="json")
    assert response.status_code == 400
    assert "500" in " ".join(response.json()["error"]["fields"]["orders"])
    assert not Order.objects.exists()


def test_a_retried_batch_with_the_same_idempotency_key_replays(api):
    batch = {"orders": [item("TB1"), item("TB2", customer={"name": "x"})]}
    first = api.post(URL, batch, format="json", HTTP_IDEMPOTENCY_KEY="sync-2026-11-23-01")
    second = api.post(URL, batch, format="json", HTTP_IDEMPOTENCY_KEY="sync-2026-11-23-01")
    assert second.status_code == 200 and second["Idempotent-Replayed"] == "true"
    assert second.json() == first.json()
    assert second.json()["results"][0]["status"] == "created"  # not "unchanged": the first answer again
    assert Order.objects.count() == 1


def test_500_orders_in_one_request(api, django_assert_max_num_queries):
    batch = {"orders": [item(f"TB{i:04d}", account=f"buyer_{i % 50}") for i in range(500)]}
    started = time.perf_counter()
    response = api.post(URL, batch, format="json")
    created_in = time.perf_counter() - started
    assert response.json()["counts"]["created"] == 500
    started = time.perf_counter()
    again = api.post(URL, batch, format="json")
    unchanged_in = time.perf_counter() - started
    assert again.json()["counts"]["unchanged"] == 500
    print(f"\n500 orders: created in {created_in:.2f}s, unchanged in {unchanged_in:.2f}s")
    assert Order.objects.count() == 500 and Customer.objects.count() == 50


def test_a_paid_order_without_its_paid_amount_is_an_item_error_naming_the_field(api):
    without_amount = {key: value for key, value in item("TB-NOPAY").items() if key != "paid_amount"}
    stored = OrderFactory(
        order_number="TB-ZERO",
        customer=CustomerFactory(platform_account_id="tb_buyer"),
        status="paid",
        paid_amount=Decimal("0"),
    )
    batch = [
        without_amount,  # shipped, no amount: refused
        {**without_amount, "order_number": "TB-ZERO", "status": "delivered"},  # stored 0.00, still none given
        {**without_amount, "order_number": "TB-WAITING", "status": "pending_payment"},  # nothing paid yet
        item("TB-PAID"),
    ]
    response = api.post(URL, {"orders": batch}, format="json")
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["error", "error", "created", "created"]
    for refused in results[:2]:
        assert refused["error"]["code"] == "validation_error"
        assert list(refused["error"]["fields"]) == ["paid_amount"]
        assert "paid_amount" in refused["error"]["message"]
    assert not Order.objects.filter(order_number="TB-NOPAY").exists()
    stored.refresh_from_db()
    assert stored.status == "paid"


def test_a_status_change_of_an_order_with_a_stored_amount_needs_no_amount(api):
    assert api.post(URL, {"orders": [item("TB-LATER")]}, format="json").status_code == 200
    later = {key: value for key, value in item("TB-LATER", status="delivered").items() if key != "paid_amount"}
    results = api.post(URL, {"orders": [later]}, format="json").json()["results"]
    assert results[0]["status"] == "updated"
    order = Order.objects.get(order_number="TB-LATER")
    assert order.status == "delivered" and order.paid_amount == Decimal("158.00")


def test_a_new_order_without_a_status_is_stored_as_paid_so_it_needs_its_paid_amount(api):
    """Issue 14: such an order was stored as paid with 0.00 (its total came from the lines, its paid amount from
    nowhere), and every refund on it was refused as "at most ¥0.00". The paid amount is not guessed from the
    lines: what the buyer paid is after discounts."""
    no_status = {key: value for key, value in item("TB-NOSTATUS").items() if key not in ("status", "paid_amount")}
    results = api.post(URL, {"orders": [no_status]}, format="json", HTTP_ACCEPT_LANGUAGE="en").json()["results"]
    assert results[0]["status"] == "error"
    error = results[0]["error"]
    assert list(error["fields"]) == ["paid_amount"] and "no status" in error["message"]
    assert not Order.objects.filter(order_number="TB-NOSTATUS").exists()
    # With what was paid it is stored as paid; a stored order may later be sent without either.
    paid = api.post(URL, {"orders": [{**no_status, "paid_amount": "150.00"}]}, format="json").json()["results"][0]
    assert paid["status"] == "created"
    order = Order.objects.get(order_number="TB-NOSTATUS")
    assert (order.status, order.total_amount, order.paid_amount) == ("paid", Decimal("158.00"), Decimal("150.00"))
    assert api.post(URL, {"orders": [no_status]}, format="json").json()["results"][0]["status"] == "unchanged"


def test_a_refund_on_a_bulk_synced_order_is_checked_against_what_was_paid(api):
    synced = {key: value for key, value in item("TB-REFUND").items() if key != "status"}
    assert api.post(URL, {"orders": [synced]}, format="json").json()["counts"]["created"] == 1
    request = {
        "customer": {"platform": "taobao", "platform_account_id": "tb_buyer"},
        "order_number": "TB-REFUND",
        "type": "return_refund",
        "reason": "no_reason",
        "lines": [{"sku": "TS-L", "quantity": 1}],
        "refund_amount": "79.00",
    }
    response = api.post("/api/v1/aftersales/requests/", request, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["refund_amount"] == "79.00"


def test_a_ticket_naming_an_unknown_order_by_number_alone_is_refused_naming_paid_amount(api):
    from tests.tickets.test_ticket_api import PAYLOAD

    response = api.post("/api/v1/tickets/", {**PAYLOAD, "order": {"order_number": "TB-NEVER-SYNCED"}}, format="json")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["order.paid_amount"]
    assert not Order.objects.filter(order_number="TB-NEVER-SYNCED").exists()
