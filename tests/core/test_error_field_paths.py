"""The error body names a nested field by its JSON path, one way everywhere: ``order.lines[0].quantity`` (a dot
before a name, an index in brackets), whether a serializer, a service or the JSON parser found the problem."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.errors import ValidationFailed, flatten_errors
from customers.services.orders import OrderLineData, order_sync
from tests.factories import CustomerFactory
from tests.tickets.test_ticket_api import PAYLOAD


def test_both_forms_of_drf_list_errors_name_the_item_in_brackets():
    as_list = {"order": {"lines": [{}, {"quantity": ["Too small."]}]}, "tags": {"1": ["Bad."]}}
    as_dict = {"order": {"lines": {1: {"quantity": ["Too small."]}}}, "scopes": {0: ["Unknown."]}}
    assert flatten_errors(as_list) == {"order.lines[1].quantity": ["Too small."], "tags.1": ["Bad."]}
    assert flatten_errors(as_dict) == {"order.lines[1].quantity": ["Too small."], "scopes[0]": ["Unknown."]}
    assert flatten_errors(["Whole body."]) == {"non_field_errors": ["Whole body."]}


@pytest.mark.django_db
def test_a_serializer_error_in_a_nested_list_is_named_with_brackets(api):
    order = {"order_number": "X1", "lines": [{"sku": "a", "title": "b", "quantity": 0}]}
    response = api.post("/api/v1/tickets/", {**PAYLOAD, "order": order}, format="json")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["order.lines[0].quantity"]


@pytest.mark.django_db
def test_a_service_error_in_a_nested_list_is_named_with_brackets():
    lines = [OrderLineData(sku="a", title="b"), OrderLineData(sku="c", title="d", unit_price=Decimal("-1"))]
    with pytest.raises(ValidationFailed) as refused:
        order_sync(
            customer=CustomerFactory(), platform="taobao", order_number="X2", status="pending_payment", lines=lines
        )
    assert list(refused.value.fields) == ["order.lines[1].unit_price"]


@pytest.mark.django_db
def test_a_bulk_item_and_a_list_of_choices_use_brackets_too(api, admin_user, api_client_for):
    item = {
        "platform": "taobao",
        "order_number": "TB-PATH",
        "status": "pending_payment",
        "customer": {"platform_account_id": "tb_path", "name": "路径"},
        "lines": [{"sku": "a", "title": "b"}, {"sku": "c", "title": "d", "quantity": 0}],
    }
    result = api.post("/api/v1/orders/bulk/", {"orders": [item]}, format="json").json()["results"][0]
    assert list(result["error"]["fields"]) == ["lines[1].quantity"]
    admin = api_client_for(admin_user)
    refused = admin.post(
        "/api/v1/integrations/", {"name": "x", "scopes": ["tickets:read", "everything"]}, format="json"
    )
    assert refused.status_code == 400 and list(refused.json()["error"]["fields"]) == ["scopes[1]"]
