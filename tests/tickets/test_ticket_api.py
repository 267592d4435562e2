from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from customers.models import Customer, Order
from tests.factories import OrderFactory, UserFactory, make_ticket
from tickets.models import Ticket
from tickets.services.escalation import sla_sweep
from tickets.services.messages import ticket_reply
from tickets.services.transitions import ticket_transition

pytestmark = pytest.mark.django_db

PAYLOAD = {
    "kind": "aftersales",
    "category": "return_refund",
    "subject": "T恤尺码偏小，申请退货",
    "description": "平时穿L码，这件偏小。",
    "channel": "api",
    "priority": "normal",
    "customer": {"name": "王小明", "platform": "taobao", "platform_account_id": "tb_wxm", "phone": "13812345678"},
    "order": {
        "order_number": "TB2026112300001",
        "status": "delivered",
        "paid_amount": "79.00",
        "lines": [{"sku": "TS-L", "title": "纯棉T恤 L", "quantity": 1, "unit_price": "79.00"}],
    },
}


def error_fields(response):
    return response.json()["error"]["fields"]


def test_token_endpoint_returns_a_token_for_valid_credentials(agent):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "agent1", "password": "secret-pass-123"}, format="json"
    )
    assert response.status_code == 200
    assert len(response.json()["token"]) == 40


def test_token_endpoint_refuses_wrong_password(agent):
    response = APIClient().post("/api/v1/auth/token/", {"username": "agent1", "password": "nope"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"


def test_create_ticket_with_customer_and_order_upserts_them(api):
    response = api.post("/api/v1/tickets/", PAYLOAD, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["reference"].startswith("HD-")
    assert body["kind"] == "aftersales" and body["status"] == "new" and body["escalation_level"] == 0
    assert body["first_response_due_at"] and body["resolution_due_at"]
    assert body["order"]["lines"][0]["sku"] == "TS-L"
    assert [event["type"] for event in body["events"]] == ["created"]
    # The same buyer and order again: no duplicates, details updated.
    again = {**PAYLOAD, "customer": {**PAYLOAD["customer"], "name": "王小明 (改名)"}}
    assert api.post("/api/v1/tickets/", again, format="json").status_code == 201
    assert Customer.objects.count() == 1 and Customer.objects.get().name == "王小明 (改名)"
    assert Order.objects.count() == 1 and Order.objects.get().lines.count() == 1
    assert Ticket.objects.count() == 2


def test_create_ticket_starts_clocks_at_received_at(api):
    received = timezone.now() - timedelta(minutes=30)
    response = api.post("/api/v1/tickets/", {**PAYLOAD, "received_at": received.isoformat()}, format="json")
    assert response.status_code == 201
    ticket = Ticket.objects.get()
    assert abs((ticket.first_response_due_at - (received + timedelta(minutes=10))).total_seconds()) < 1
    assert sla_sweep()[0].ticket_id == ticket.pk


@pytest.mark.parametrize(
    "change,field",
    [
        ({"kind": "question"}, "kind"),
        ({"priority": "critical"}, "priority"),
        ({"subject": ""}, "subject"),
        ({"customer": {"name": "x"}}, "customer.platform"),
        ({"received_at": (timezone.now() + timedelta(days=1)).isoformat()}, "received_at"),
        # Year 24 would be answered in Shanghai's local mean time, "+08:05:43": no RFC 3339 date-time.
        ({"received_at": "0024-09-25T07:52:00Z"}, "received_at"),
        ({"order": {"order_number": "X1", "paid_at": "0024-09-25T07:52:00Z"}}, "order.paid_at"),
        ({"team": 999999}, "team"),
        ({"category": "exchange", "kind": "inquiry"}, "category"),
        (
            {"order": {"order_number": "X1", "lines": [{"sku": "a", "title": "b", "quantity": 0}]}},
            "order.lines[0].quantity",
        ),
    ],
)
def test_create_ticket_rejects_bad_input_with_field_errors(api, change, field):
    payload = {**PAYLOAD, **change}
    response = api.post("/api/v1/tickets/", payload, format="json")
    assert response.status_code == 400, response.content
    assert field in error_fields(response), response.json()
    assert Ticket.objects.count() == 0


def test_create_ticket_missing_subject_is_a_field_error(api):
    payload = {key: value for key, value in PAYLOAD.items() if key != "subject"}
    response = api.post("/api/v1/tickets/", payload, format="json")
    assert response.status_code == 400
    assert "subject" in error_fields(response)


def test_order_of_another_customer_is_refused_and_nothing_is_created(api):
    OrderFactory(order_number="TB2026112300001")
    response = api.post("/api/v1/tickets/", PAYLOAD, format="json")
    assert response.status_code == 400
    assert "order.order_number" in error_fields(response)
    assert Ticket.objects.count() == 0


@pytest.mark.parametrize("status", ["paid", "shipped", "delivered", "completed"])
def test_a_paid_order_without_its_paid_amount_is_refused_and_nothing_is_created(api, status):
    """Stored as 0.00, every refund on the order would be "outside policy": the field must be named."""
    order = {key: value for key, value in PAYLOAD["order"].items() if key != "paid_amount"}
    response = api.post("/api/v1/tickets/", {**PAYLOAD, "order": {**order, "status": status}}, format="json")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert list(error["fields"]) == ["order.paid_amount"]
    assert "paid_amount" in error["message"] and "TB2026112300001" in error["message"]
    assert not Ticket.objects.exists() and not Order.objects.exists() and not Customer.objects.exists()


def test_orders_that_need_no_paid_amount_or_already_have_one_are_accepted(api):
    unpaid = {"order_number": "TB-UNPAID", "status": "pending_payment"}
    assert api.post("/api/v1/tickets/", {**PAYLOAD, "order": unpaid}, format="json").status_code == 201
    free = {"order_number": "TB-FREE", "status": "delivered", "paid_amount": "0.00"}
    assert api.post("/api/v1/tickets/", {**PAYLOAD, "order": free}, format="json").status_code == 201
    # An order synced with its amount: a later ticket may name it by number, or move its status on, alone.
    assert api.post("/api/v1/tickets/", PAYLOAD, format="json").status_code == 201
    for order in ({"order_number": "TB2026112300001"}, {"order_number": "TB2026112300001", "status": "completed"}):
        assert api.post("/api/v1/tickets/", {**PAYLOAD, "order": order}, format="json").status_code == 201
    stored = Order.objects.get(order_number="TB2026112300001")
    assert stored.status == "completed" and stored.paid_amount == Decimal("79.00")


def test_malformed_json_is_a_400(api):
    response = api.post("/api/v1/tickets/", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_anonymous_requests_are_refused():
    response = APIClient().get("/api/v1/tickets/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_token_of_a_user_without_a_role_is_forbidden(api_client_for):
    client = api_client_for(UserFactory(username="nobody"))
    assert client.get("/api/v1/tickets/").status_code == 403
    assert client.post("/api/v1/tickets/", PAYLOAD, format="json").status_code == 403


def test_list_filters_and_cursor_pagination(api, agent):
    make_ticket(kind="complaint", category="logistics", priority="high")
    assigned = make_ticket(assignee=agent)
    make_ticket(received_at=timezone.now() - timedelta(hours=1))
    assert [t["kind"] for t in api.get("/api/v1/tickets/?kind=complaint").json()["results"]] == ["complaint"]
    assert len(api.get("/api/v1/tickets/?priority=high&priority=normal").json()["results"]) == 3
    assert [t["id"] for t in api.get(f"/api/v1/tickets/?assignee={agent.pk}").json()["results"]] == [assigned.pk]
    assert len(api.get("/api/v1/tickets/?overdue=true").json()["results"]) == 1
    assert len(api.get("/api/v1/tickets/?overdue=false").json()["results"]) == 2
    page = api.get("/api/v1/tickets/?page_size=2").json()
    assert len(page["results"]) == 2 and page["next"]
    assert len(api.get(page["next"]).json()["results"]) == 1


def test_list_rejects_unknown_filter_values(api):
    response = api.get("/api/v1/tickets/?status=done")
    assert response.status_code == 400
    assert "status" in error_fields(response)


def test_list_query_count_does_not_grow_with_rows(api, django_assert_max_num_queries):
    for _ in range(15):
        make_ticket()
    with django_assert_max_num_queries(6):
        assert len(api.get("/api/v1/tickets/").json()["results"]) == 15


def test_detail_has_messages_events_and_sla(api, agent):
    ticket = make_ticket()
    ticket_reply(ticket=ticket, author=agent, body="您好")
    body = api.get(f"/api/v1/tickets/{ticket.pk}/").json()
    for key in (
        "reference",
        "kind",
        "status",
        "priority",
        "first_response_due_at",
        "resolution_due_at",
        "first_responded_at",
        "resolved_at",
        "escalation_level",
        "messages",
        "events",
    ):
        assert key in body
    assert {e["type"] for e in body["events"]} >= {"created", "replied", "first_responded", "status_changed"}
    assert body["messages"][0]["body"] == "您好"
    assert body["sla"][0] == {**body["sla"][0], "target": "first_response", "state": "met"}


def test_unknown_ticket_is_a_404(api):
    response = api.get("/api/v1/tickets/424242/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_reply_note_and_customer_message_endpoints(api):
    ticket = make_ticket()
    assert api.post(f"/api/v1/tickets/{ticket.pk}/replies/", {"body": "您好"}, format="json").status_code == 201
    assert api.post(f"/api/v1/tickets/{ticket.pk}/notes/", {"body": "内部备注"}, format="json").status_code == 201
    assert (
        api.post(f"/api/v1/tickets/{ticket.pk}/customer-messages/", {"body": "谢谢"}, format="json").status_code == 201
    )
    ticket.refresh_from_db()
    assert ticket.first_responded_at is not None
    assert list(ticket.messages.values_list("visibility", "author_type")) == [
        ("public", "agent"),
        ("internal", "agent"),
        ("public", "customer"),
    ]


def test_reply_to_closed_ticket_is_a_409(api, agent):
    ticket = make_ticket()
    ticket_transition(ticket=ticket, to_status="resolved", actor=agent)
    ticket_transition(ticket=ticket, to_status="closed", actor=agent)
    response = api.post(f"/api/v1/tickets/{ticket.pk}/replies/", {"body": "hi"}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"


def test_empty_reply_is_a_field_error(api):
    ticket = make_ticket()
    response = api.post(f"/api/v1/tickets/{ticket.pk}/replies/", {"body": ""}, format="json")
    assert response.status_code == 400 and "body" in error_fields(response)


def test_patch_changes_status_priority_team_and_assignee(api, agent, team):
    ticket = make_ticket()
    ticket_reply(ticket=ticket, author=agent, body="请补充照片")
    response = api.patch(
        f"/api/v1/tickets/{ticket.pk}/",
        {"status": "pending_customer", "priority": "urgent", "team": team.pk, "assignee": agent.pk},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["priority"], body["team"]["id"], body["assignee"]["id"]) == (
        "pending_customer",
        "urgent",
        team.pk,
        agent.pk,
    )
    assert body["sla_paused_at"] is not None


def test_patch_with_a_forbidden_transition_keeps_nothing(api, team):
    ticket = make_ticket()
    response = api.patch(f"/api/v1/tickets/{ticket.pk}/", {"priority": "urgent", "status": "closed"}, format="json")
    assert response.status_code == 409
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.status) == ("normal", "new")


@pytest.mark.parametrize(
    "payload,field", [({"status": "done"}, "status"), ({"assignee": 99999}, "assignee"), ({}, "non_field_errors")]
)
def test_patch_rejects_bad_input(api, payload, field):
    ticket = make_ticket()
    response = api.patch(f"/api/v1/tickets/{ticket.pk}/", payload, format="json")
    assert response.status_code == 400
    assert field in error_fields(response)


def test_take_assigns_the_ticket_to_the_caller(agent_api, agent):
    ticket = make_ticket()
    assert agent_api.post(f"/api/v1/tickets/{ticket.pk}/take/").json()["assignee"]["id"] == agent.pk


def test_customer_contact_is_masked_in_ticket_responses_for_every_role(agent_api, manager_api):
    ticket = make_ticket()
    assert agent_api.get(f"/api/v1/tickets/{ticket.pk}/").json()["customer"]["phone"] == "138****5678"
    assert manager_api.get(f"/api/v1/tickets/{ticket.pk}/").json()["customer"]["phone"] == "138****5678"


def test_managers_reveal_contact_details_and_each_reveal_is_logged(agent_api, manager_api, manager):
    from audit.models import AuditEntry

    ticket = make_ticket()
    url = f"/api/v1/customers/{ticket.customer_id}/reveal-contact/?context={ticket.reference}"
    assert agent_api.post(url).status_code == 403
    response = manager_api.post(url)
    assert response.status_code == 200
    assert response.json()["phone"] == "13812345678"
    reveal = AuditEntry.objects.get(action="contact_revealed")
    assert (reveal.actor, reveal.target_id, reveal.context) == (manager, ticket.customer_id, ticket.reference)
    assert (reveal.target_type, reveal.source) == ("customers.customer", "api")
    assert manager_api.post("/api/v1/customers/999999/reveal-contact/").status_code == 404


def test_escalations_endpoint_is_for_managers(manager_api, agent_api, team):
    ticket = make_ticket(team=team, received_at=timezone.now() - timedelta(minutes=20))
    sla_sweep()
    assert agent_api.get("/api/v1/escalations/").status_code == 403
    rows = manager_api.get("/api/v1/escalations/").json()["results"]
    assert [(row["ticket"]["id"], row["target"], row["level"]) for row in rows] == [(ticket.pk, "first_response", 1)]
    assert rows[0]["late_seconds"] >= 600


def test_openapi_schema_and_offline_docs(api):
    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    assert "/api/v1/tickets/" in schema.json()["paths"]
    docs = api.get("/api/v1/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "cdn" not in html.lower() and "jsdelivr" not in html.lower()
    assert "/static/drf_spectacular_sidecar/" in html


def test_escalations_endpoint_query_count_does_not_grow_with_rows(manager_api, team, django_assert_max_num_queries):
    for _ in range(12):
        make_ticket(team=team, received_at=timezone.now() - timedelta(minutes=20))
    sla_sweep()
    with django_assert_max_num_queries(8):
        assert len(manager_api.get("/api/v1/escalations/").json()["results"]) == 12


def test_order_lines_that_cannot_be_stored_are_refused_and_nothing_is_kept(api):
    huge = {
        **PAYLOAD,
        "order": {
            "order_number": "X3",
            "lines": [{"sku": "a", "title": "t", "quantity": 100000, "unit_price": "9999999999.99"}],
        },
    }
    response = api.post("/api/v1/tickets/", huge, format="json")
    assert response.status_code == 400
    assert "order.lines" in error_fields(response)
    too_many = {
        **PAYLOAD,
        "order": {"order_number": "X4", "lines": [{"sku": "a", "title": "t", "quantity": 99999999999}]},
    }
    assert api.post("/api/v1/tickets/", too_many, format="json").status_code == 400
    assert Ticket.objects.count() == 0 and Order.objects.count() == 0 and Customer.objects.count() == 0


def test_overlong_email_is_a_field_error(api):
    email = "a" * 64 + "@" + ("b" * 63 + ".") * 3 + "com"
    payload = {**PAYLOAD, "customer": {**PAYLOAD["customer"], "email": email}}
    response = api.post("/api/v1/tickets/", payload, format="json")
    assert response.status_code == 400
    assert "customer.email" in error_fields(response)


@pytest.mark.parametrize(
    "query", ["created_after=0001-01-01T00:00:00%2B08:00", "updated_after=9999-12-31T23:59:59-08:00"]
)
def test_extreme_dates_in_filters_are_a_400(api, query):
    response = api.get(f"/api/v1/tickets/?{query}")
    assert response.status_code == 400


def test_form_intake_keeps_the_tier_the_platform_gave(api, agent):
    from django.test import Client

    api.post("/api/v1/tickets/", {**PAYLOAD, "customer": {**PAYLOAD["customer"], "tier": "vip"}}, format="json")
    client = Client()
    client.force_login(agent)
    form = {
        "kind": "inquiry",
        "category": "other",
        "channel": "phone",
        "priority": "normal",
        "subject": "来电",
        "customer_platform": "taobao",
        "customer_account": "tb_wxm",
        "customer_name": "王小明",
        "customer_tier": "",
    }
    assert client.post("/tickets/new/", form).status_code == 302
    assert Customer.objects.get().tier == "vip"
