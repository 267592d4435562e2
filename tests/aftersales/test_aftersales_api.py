import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aftersales.models import AfterSalesRequest
from tests.aftersales.conftest import png_upload
from tests.factories import CustomerFactory, OrderFactory, OrderLineFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/aftersales/requests/"


def body(customer, order, **overrides):  # type: ignore[no-untyped-def]
    data = {
        "customer": {"platform": customer.platform, "platform_account_id": customer.platform_account_id},
        "order_number": order.order_number,
        "type": "return_refund",
        "reason": "no_reason",
        "description": "不合适",
        "lines": [{"sku": "TS-COT-L", "quantity": 1}],
    }
    data.update(overrides)
    return data


def test_create_with_json_then_read_it(api, customer, order):
    response = api.post(URL, body(customer, order), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "submitted" and data["type"] == "return_refund"
    assert data["lines"][0]["sku"] == "TS-COT-L" and data["lines"][0]["quantity"] == 1
    assert data["refund_amount"] == "79.00"
    assert data["policy"] == {"ok": True, "reasons": []}
    assert [step["resolution"] for step in data["ladder"]] == ["compensation", "exchange", "return"]
    assert data["next_statuses"] == ["under_review", "cancelled"]
    assert data["processing"]["target_seconds"] == 259200
    read = api.get(f"{URL}{data['id']}/")
    assert read.status_code == 200 and read.json()["ticket_reference"] == data["ticket_reference"]


def test_create_with_json_then_upload_the_photos_and_fetch_a_file(api, customer, order):
    # The create is JSON: the photos the reason requires follow through the evidence upload (multipart), and
    # until they arrive the policy check names them.
    response = api.post(URL, body(customer, order, reason="quality_defect"), format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["evidence"] == []
    assert created["policy"]["ok"] is False
    assert any("photo of the defect" in reason for reason in created["policy"]["reasons"])
    for kind, name in (("product_photo", "a.png"), ("defect_photo", "b.png")):
        uploaded = api.post(
            f"{URL}{created['id']}/evidence/", {"kind": kind, "file": png_upload(name)}, format="multipart"
        )
        assert uploaded.status_code == 201, uploaded.json()
    data = uploaded.json()
    assert data["policy"] == {"ok": True, "reasons": []}
    evidence = data["evidence"]
    assert sorted(e["kind"] for e in evidence) == ["defect_photo", "product_photo"]
    file_response = api.get(evidence[0]["url"])
    assert file_response.status_code == 200 and file_response["Content-Type"] == "image/png"
    thumb = api.get(evidence[0]["thumbnail_url"])
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"


def test_a_multipart_or_form_create_is_a_415_and_creates_nothing(api, customer, order):
    form = body(customer, order)
    form["lines"] = json.dumps(form["lines"])
    form.pop("customer")
    form["customer.platform"] = customer.platform
    form["customer.platform_account_id"] = customer.platform_account_id
    form["product_photo"] = png_upload()
    multipart = api.post(URL, form, format="multipart", HTTP_IDEMPOTENCY_KEY="m-1")
    urlencoded = api.post(URL, "order_number=1&type=refund_only", content_type="application/x-www-form-urlencoded")
    for response in (multipart, urlencoded):
        assert response.status_code == 415
        assert response.json()["error"]["code"] == "unsupported_media_type"
    assert not AfterSalesRequest.objects.exists()


def test_the_evidence_upload_takes_multipart_only(api, customer, order):
    created = api.post(URL, body(customer, order), format="json").json()
    as_json = api.post(f"{URL}{created['id']}/evidence/", {"kind": "other", "file": "aGVsbG8="}, format="json")
    assert as_json.status_code == 415
    assert as_json.json()["error"]["code"] == "unsupported_media_type"


def test_evidence_is_not_served_to_anonymous_clients(api, customer, order):
    from rest_framework.test import APIClient

    created = api.post(URL, body(customer, order, reason="size"), format="json").json()
    evidence_url = f"{URL}{created['id']}/evidence/"
    url = api.post(evidence_url, {"kind": "product_photo", "file": png_upload()}, format="multipart").json()
    assert APIClient().get(url["evidence"][0]["url"]).status_code in (401, 403)


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"reason": "because"}, "reason"),
        ({"lines": [{"sku": "TS-COT-L", "quantity": 3}]}, "lines"),
        ({"lines": [{"sku": "NOPE", "quantity": 1}]}, "lines"),
        ({"lines": []}, "lines"),
        ({"type": "swap"}, "type"),
        ({"order_number": "TB-unknown"}, "order_number"),
        ({"refund_amount": "500.00"}, "refund_amount"),
        ({"type": "compensation"}, "compensation_amount"),
        ({"reason": "wrong_item"}, "evidence_tracking_number"),  # text: it comes with the request
    ],
)
def test_bad_input_is_a_400_with_field_errors(api, customer, order, overrides, field):
    response = api.post(URL, body(customer, order, **overrides), format="json")
    assert response.status_code == 400, response.json()
    error = response.json()["error"]
    assert any(key.startswith(field) for key in error["fields"]), error
    assert not AfterSalesRequest.objects.exists()


def test_someone_elses_order_is_refused(api, customer):
    stranger_order = OrderFactory(customer=CustomerFactory(), platform=customer.platform)
    OrderLineFactory(order=stranger_order)
    response = api.post(URL, body(customer, stranger_order), format="json")
    assert response.status_code == 400
    assert "order" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("x.png", b"not really a png", content_type="image/png"),
        SimpleUploadedFile("x.txt", b"hello", content_type="text/plain"),
    ],
)
def test_a_file_that_is_not_an_image_is_refused(api, customer, order, upload):
    created = api.post(URL, body(customer, order, reason="size"), format="json").json()
    response = api.post(
        f"{URL}{created['id']}/evidence/", {"kind": "product_photo", "file": upload}, format="multipart"
    )
    assert response.status_code == 400
    assert "file" in response.json()["error"]["fields"]
    assert api.get(f"{URL}{created['id']}/").json()["evidence"] == []


def test_a_file_over_the_limit_is_refused(api, customer, order, settings):
    settings.EVIDENCE_MAX_BYTES = 50
    created = api.post(URL, body(customer, order), format="json").json()
    response = api.post(f"{URL}{created['id']}/evidence/", {"kind": "other", "file": png_upload()}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()["error"]["fields"]
    assert api.get(f"{URL}{created['id']}/").json()["evidence"] == []  # the request itself is untouched


def test_idempotency_key_makes_a_retry_safe(api, customer, order):
    first = api.post(URL, body(customer, order), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    second = api.post(URL, body(customer, order), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.json()["id"] == second.json()["id"]
    assert AfterSalesRequest.objects.count() == 1


def test_transitions_in_and_out_of_order(agent_api, customer, order):
    created = agent_api.post(URL, body(customer, order, type="refund_only"), format="json").json()
    url = f"{URL}{created['id']}/transitions/"
    response = agent_api.post(url, {"to_status": "refunded"}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert agent_api.post(url, {"to_status": "under_review"}, format="json").json()["status"] == "under_review"
    stale = agent_api.post(url, {"to_status": "approved", "expected_status": "submitted"}, format="json")
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "stale"
    assert agent_api.post(url, {"to_status": "approved"}, format="json").json()["status"] == "approved"
    assert agent_api.post(url, {"to_status": "nonsense"}, format="json").status_code == 400


def test_compensation_above_the_limit_without_approval_is_refused_then_approved_by_a_manager(
    agent_api, manager_api, customer, order
):
    created = agent_api.post(
        URL, body(customer, order, type="compensation", compensation_amount="30.00"), format="json"
    ).json()
    url = f"{URL}{created['id']}/"
    agent_api.post(url + "transitions/", {"to_status": "under_review"}, format="json")
    refused = agent_api.post(url + "transitions/", {"to_status": "approved"}, format="json")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "approval_required"
    asked = agent_api.post(url + "approval-requests/", {"note": "老顾客"}, format="json")
    assert asked.status_code == 201 and asked.json()["status"] == "pending"
    assert (
        agent_api.post(
            f"/api/v1/aftersales/approvals/{asked.json()['id']}/decision/", {"approve": True}, format="json"
        ).status_code
        == 403
    )
    pending = manager_api.get("/api/v1/aftersales/approvals/").json()
    assert [a["id"] for a in pending] == [asked.json()["id"]]
    decided = manager_api.post(
        f"/api/v1/aftersales/approvals/{asked.json()['id']}/decision/", {"approve": True, "note": "ok"}, format="json"
    )
    assert decided.status_code == 200 and decided.json()["status"] == "approved"
    assert agent_api.get(url).json()["status"] == "approved"


def test_offers_over_the_api(agent_api, customer, order):
    created = agent_api.post(URL, body(customer, order), format="json").json()
    offer = agent_api.post(f"{URL}{created['id']}/offers/", {"resolution": "compensation"}, format="json").json()
    assert offer["amount"] == "7.90"
    answered = agent_api.post(f"/api/v1/aftersales/offers/{offer['id']}/answer/", {"accepted": True}, format="json")
    assert answered.json()["status"] == "accepted"
    assert agent_api.get(f"{URL}{created['id']}/").json()["type"] == "compensation"


def test_list_filters_and_bad_filters(api, customer, order, django_assert_max_num_queries):
    api.post(URL, body(customer, order, type="refund_only"), format="json")
    api.post(URL, body(customer, order, lines=[{"sku": "PT-KHK-32", "quantity": 1}]), format="json")
    assert len(api.get(URL).json()["results"]) == 2
    assert [r["type"] for r in api.get(URL, {"type": "refund_only"}).json()["results"]] == ["refund_only"]
    assert len(api.get(URL, {"order_number": order.order_number, "status": "submitted"}).json()["results"]) == 2
    assert api.get(URL, {"status": "nope"}).status_code == 400
    with django_assert_max_num_queries(8):
        api.get(URL)


def test_unknown_request_is_404_and_no_rights_is_403(api, customer, order):
    from rest_framework.test import APIClient

    from tests.conftest import _api_client_for
    from tests.factories import UserFactory

    assert api.get(f"{URL}999999/").status_code == 404
    assert _api_client_for(UserFactory(username="nobody")).get(URL).status_code == 403
    assert APIClient().get(URL).status_code in (401, 403)
