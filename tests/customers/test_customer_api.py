"""Customer profile, list and link API; order list and detail; scopes."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from customers.services.links import customer_link
from tests.factories import CustomerFactory, OrderFactory, OrderLineFactory, make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(agent):  # type: ignore[no-untyped-def]
    """One buyer with a Taobao and a JD account, a ticket and an order on each."""
    taobao = CustomerFactory(platform="taobao", platform_account_id="tb_wxm", phone="13812345678", email="wxm@qq.com")
    jd = CustomerFactory(platform="jd", platform_account_id="jd_wxm")
    customer_link(customer=taobao, other=jd, actor=agent)
    taobao.refresh_from_db()
    jd.refresh_from_db()
    tickets = [make_ticket(customer=taobao, subject="淘宝的问题"), make_ticket(customer=jd, subject="京东的问题")]
    orders = [
        OrderFactory(customer=taobao, order_number="TB1"),
        OrderFactory(customer=jd, platform="jd", order_number="JD1"),
    ]
    OrderLineFactory(order=orders[1])
    return {"taobao": taobao, "jd": jd, "tickets": tickets, "orders": orders}


def test_the_profile_shows_tickets_and_orders_of_every_linked_account(agent_api, person, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = agent_api.get(f"/api/v1/customers/{person['taobao'].pk}/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["customer"]["platform_account_id"] == "tb_wxm"
    assert body["customer"]["phone"] == "138****5678" and body["customer"]["email"] == "w***@qq.com"
    assert [a["platform_account_id"] for a in body["linked_accounts"]] == ["jd_wxm"]
    assert {t["subject"] for t in body["tickets"]} == {"淘宝的问题", "京东的问题"}
    assert set(body["tickets"][0]) == {"id", "reference", "kind", "status", "subject", "customer", "created_at"}
    assert {o["order_number"] for o in body["orders"]} == {"TB1", "JD1"}
    assert body["ticket_count"] == 2 and body["order_count"] == 2
    jd_order = next(o for o in body["orders"] if o["order_number"] == "JD1")
    assert jd_order["lines"][0]["sku"] == "TS-COT-L"


def test_a_lone_account_profile_has_only_its_own(agent_api, customer):
    make_ticket(customer=customer)
    body = agent_api.get(f"/api/v1/customers/{customer.pk}/").json()
    assert body["linked_accounts"] == [] and body["ticket_count"] == 1 and body["customer"]["person"] is None


def test_link_by_platform_account_then_unlink(agent_api, customer):
    other = CustomerFactory(platform="douyin", platform_account_id="dy_1")
    url = f"/api/v1/customers/{customer.pk}/links/"
    linked = agent_api.post(url, {"platform": "douyin", "platform_account_id": "dy_1"}, format="json")
    assert linked.status_code == 200, linked.content
    assert [a["id"] for a in linked.json()["linked_accounts"]] == [other.pk]
    again = agent_api.post(url, {"customer": other.pk}, format="json")
    assert again.status_code == 200 and [a["id"] for a in again.json()["linked_accounts"]] == [other.pk]
    unlinked = agent_api.delete(url)
    assert unlinked.status_code == 200 and unlinked.json()["linked_accounts"] == []


@pytest.mark.parametrize(
    "payload,field",
    [
        ({}, "non_field_errors"),
        ({"platform": "jd"}, "non_field_errors"),
        ({"platform": "jd", "platform_account_id": "nobody"}, "platform_account_id"),
        ({"customer": 999999}, "customer"),
    ],
)
def test_bad_link_requests_are_400_with_fields(agent_api, customer, payload, field):
    response = agent_api.post(f"/api/v1/customers/{customer.pk}/links/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_linking_an_account_to_itself_is_a_400(agent_api, customer):
    response = agent_api.post(f"/api/v1/customers/{customer.pk}/links/", {"customer": customer.pk}, format="json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "link_to_self"


def test_customer_list_filters(agent_api, person):
    CustomerFactory(name="李四", platform="taobao", platform_account_id="tb_ls")

    def ids(query: str) -> list[str]:
        return [c["platform_account_id"] for c in agent_api.get(f"/api/v1/customers/{query}").json()["results"]]

    assert ids(f"?person={person['taobao'].person_id}") == ["jd_wxm", "tb_wxm"]
    assert ids("?platform=jd") == ["jd_wxm"]
    assert ids("?platform_account_id=tb_ls") == ["tb_ls"]
    assert ids("?q=李") == ["tb_ls"]
    assert agent_api.get("/api/v1/customers/?person=abc").status_code == 400


def test_updated_since_returns_only_rows_changed_since(agent_api):
    long_ago = timezone.now() - timedelta(days=3)
    with time_machine.travel(long_ago, tick=False):
        old_customer = CustomerFactory(platform_account_id="old")
        OrderFactory(customer=old_customer, order_number="OLD1")
    new_customer = CustomerFactory(platform_account_id="new")
    OrderFactory(customer=new_customer, order_number="NEW1")
    since = (timezone.now() - timedelta(days=1)).isoformat()
    customers = agent_api.get("/api/v1/customers/", {"updated_since": since, "ordering": "updated_at"}).json()
    assert [c["platform_account_id"] for c in customers["results"]] == ["new"]
    orders = agent_api.get("/api/v1/orders/", {"updated_since": since}).json()
    assert [o["order_number"] for o in orders["results"]] == ["NEW1"]
    bad = agent_api.get("/api/v1/orders/", {"updated_since": "yesterday"})
    assert bad.status_code == 400 and "updated_since" in bad.json()["error"]["fields"]


def test_order_list_filters_and_detail_with_lines(agent_api, person, django_assert_max_num_queries):
    order = person["orders"][1]
    listed = agent_api.get("/api/v1/orders/", {"platform": "jd", "order_number": "JD1"}).json()["results"]
    assert [o["id"] for o in listed] == [order.pk]
    by_customer = agent_api.get("/api/v1/orders/", {"customer": person["taobao"].pk}).json()["results"]
    assert [o["order_number"] for o in by_customer] == ["TB1"]
    with django_assert_max_num_queries(8):
        detail = agent_api.get(f"/api/v1/orders/{order.pk}/")
    assert detail.status_code == 200 and detail.json()["lines"][0]["quantity"] == 1
    missing = agent_api.get("/api/v1/orders/999999/")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_order_list_queries_do_not_grow_with_rows(agent_api, django_assert_max_num_queries):
    for n in range(30):
        OrderLineFactory(order=OrderFactory(order_number=f"TB-N{n}"))
    with django_assert_max_num_queries(8):
        assert len(agent_api.get("/api/v1/orders/").json()["results"]) == 30


def test_a_key_without_orders_write_gets_403_naming_the_scope(key_client):
    client = key_client(["orders:read", "customers:read"])
    response = client.post("/api/v1/orders/bulk/", {"orders": []}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "missing_scope"
    assert response.json()["error"]["required_scope"] == "orders:write"
    assert client.get("/api/v1/orders/").status_code == 200


@pytest.mark.parametrize(
    "method,url,scope",
    [
        ("get", "/api/v1/orders/", "orders:read"),
        ("get", "/api/v1/customers/", "customers:read"),
        ("post", "/api/v1/customers/1/links/", "customers:write"),
    ],
)
def test_each_endpoint_names_its_scope(key_client, method, url, scope):
    response = getattr(key_client(["tickets:read"]), method)(url, {}, format="json")
    assert response.status_code == 403 and response.json()["error"]["required_scope"] == scope


def test_a_key_with_orders_write_syncs(key_client):
    client = key_client(["orders:write"])
    payload = {
        "orders": [
            {
                "platform": "taobao",
                "order_number": "K1",
                "status": "pending_payment",  # nothing paid yet: no paid_amount needed
                "customer": {"platform_account_id": "k", "name": "K"},
            }
        ]
    }
    response = client.post("/api/v1/orders/bulk/", payload, format="json")
    assert response.status_code == 200 and response.json()["counts"]["created"] == 1


def test_accounts_without_a_role_are_refused(api_client_for, customer):
    from tests.factories import UserFactory

    response = api_client_for(UserFactory(username="nobody")).get(f"/api/v1/customers/{customer.pk}/")
    assert response.status_code == 403
