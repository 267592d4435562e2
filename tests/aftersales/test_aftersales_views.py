from decimal import Decimal

import pytest
from django.urls import reverse

from aftersales.models import AfterSalesRequest
from tests.aftersales.conftest import png_upload, walk

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent_client(client, agent):  # type: ignore[no-untyped-def]
    client.force_login(agent)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def manager_client(client, manager):  # type: ignore[no-untyped-def]
    client.force_login(manager)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_queue_lists_open_requests(agent_client, make_request, django_assert_max_num_queries):
    request = make_request()
    with django_assert_max_num_queries(15):
        response = agent_client.get(reverse("aftersales:queue"))
    assert response.status_code == 200
    assert request.ticket.reference in response.content.decode()
    assert agent_client.get(reverse("aftersales:queue"), {"view": "approval"}).status_code == 200
    assert agent_client.get(reverse("aftersales:queue"), {"status": "bogus", "type": "x"}).status_code == 200


def test_queue_needs_an_agent(client):
    assert client.get(reverse("aftersales:queue")).status_code == 302


def test_ticket_without_request_offers_to_create_one(agent_client, as_ticket):
    page = agent_client.get(reverse("tickets:detail", args=[as_ticket.pk])).content.decode()
    assert reverse("aftersales:request-create", args=[as_ticket.pk]) in page


def test_create_page_with_quantities_and_photos(agent_client, as_ticket, order, shirt, trousers):
    url = reverse("aftersales:request-create", args=[as_ticket.pk])
    page = agent_client.get(url, {"order": order.pk})
    assert page.status_code == 200 and "TS-COT-L" in page.content.decode()
    response = agent_client.post(
        url,
        {
            "order": order.pk,
            "type": "return_refund",
            "reason": "quality_defect",
            "description": "开线",
            f"qty_{shirt.pk}": "2",
            f"qty_{trousers.pk}": "0",
            "product_photo": png_upload("p.png"),
            "defect_photo": png_upload("d.png"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    request = AfterSalesRequest.objects.get()
    assert [(line.order_line_id, line.quantity) for line in request.lines.all()] == [(shirt.pk, 2)]
    assert request.evidence.count() == 2


def test_create_page_rerenders_with_errors_and_status_400(agent_client, as_ticket, order, shirt):
    url = reverse("aftersales:request-create", args=[as_ticket.pk])
    response = agent_client.post(
        url, {"order": order.pk, "type": "return_refund", "reason": "no_reason", f"qty_{shirt.pk}": "5"}
    )
    assert response.status_code == 400
    assert "only 2 of the 2 bought" in response.content.decode()
    response = agent_client.post(
        url, {"order": order.pk, "type": "return_refund", "reason": "size", f"qty_{shirt.pk}": "1"}
    )
    assert response.status_code == 400 and "photo of the product" in response.content.decode()
    assert not AfterSalesRequest.objects.exists()


def test_panel_shows_status_policy_ladder_evidence_and_next_steps(agent_client, make_request):
    request = make_request(reason_code="size", evidence=[("product_photo", png_upload())])
    page = agent_client.get(reverse("tickets:detail", args=[request.ticket_id])).content.decode()
    assert 'data-testid="aftersales-panel"' in page
    assert "Within policy." in page
    assert "Small compensation" in page and "¥7.90" in page
    evidence = request.evidence.get()
    assert f"{reverse('aftersales:evidence', args=[evidence.pk])}?thumbnail=1" in page
    assert 'data-testid="aftersales-to-under_review"' in page and 'data-testid="aftersales-to-cancelled"' in page


def test_transition_button_and_stale_page(agent_client, make_request):
    request = make_request()
    url = reverse("aftersales:transition", args=[request.pk])
    response = agent_client.post(url, {"to_status": "under_review", "expected_status": "submitted"})
    assert response.status_code == 302
    stale = agent_client.post(url, {"to_status": "cancelled", "expected_status": "submitted"})
    assert stale.status_code == 400
    assert "Someone changed this request meanwhile" in stale.content.decode()
    bad = agent_client.post(url, {"to_status": "refunded"})
    assert bad.status_code == 400 and "cannot go from" in bad.content.decode()
    request.refresh_from_db()
    assert request.status == "under_review"


def test_over_the_limit_the_panel_asks_a_manager_who_approves_from_the_list(
    agent_client, agent, make_request, manager, client
):
    request = walk(make_request(type="compensation", compensation_amount=Decimal("30")), ["under_review"], agent)
    page = agent_client.get(reverse("tickets:detail", args=[request.ticket_id])).content.decode()
    assert 'data-testid="aftersales-ask-approval"' in page and 'data-testid="aftersales-to-approved"' not in page
    assert (
        agent_client.post(reverse("aftersales:approval-request", args=[request.pk]), {"note": "VIP"}).status_code == 302
    )
    assert agent_client.get(reverse("aftersales:approvals")).status_code == 403

    client.force_login(manager)
    listing = client.get(reverse("aftersales:approvals"))
    assert listing.status_code == 200 and request.ticket.reference in listing.content.decode()
    approval = request.approvals.get()
    response = client.post(reverse("aftersales:approval-decide", args=[approval.pk]), {"decision": "reject"})
    assert response.status_code == 400  # a rejection needs a note
    response = client.post(reverse("aftersales:approval-decide", args=[approval.pk]), {"decision": "approve"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "approved"


def test_offer_and_answer_from_the_panel(agent_client, make_request):
    request = make_request()
    assert (
        agent_client.post(
            reverse("aftersales:offer", args=[request.pk]), {"resolution": "compensation", "amount": "7.90"}
        ).status_code
        == 302
    )
    offer = request.offers.get()
    assert (
        agent_client.post(reverse("aftersales:offer-answer", args=[offer.pk]), {"answer": "accept"}).status_code == 302
    )
    request.refresh_from_db()
    assert request.type == "compensation" and request.accepted_resolution == "compensation"


def test_evidence_upload_from_the_panel_refuses_non_images(agent_client, make_request):
    request = make_request()
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("x.jpg", b"#!/bin/sh\necho hi", content_type="image/jpeg")
    response = agent_client.post(reverse("aftersales:evidence-add", args=[request.pk]), {"kind": "other", "file": fake})
    assert response.status_code == 400 and "not an image or a PDF" in response.content.decode()
    ok = agent_client.post(
        reverse("aftersales:evidence-add", args=[request.pk]), {"kind": "other", "file": png_upload()}
    )
    assert ok.status_code == 302 and request.evidence.count() == 1


def test_evidence_is_served_to_staff_only(agent_client, make_request, client, agent, settings):
    request = make_request(reason_code="size", evidence=[("product_photo", png_upload())])
    evidence = request.evidence.get()
    url = reverse("aftersales:evidence", args=[evidence.pk])
    response = agent_client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert agent_client.get(url + "?thumbnail=1")["Content-Type"] == "image/jpeg"
    agent_client.logout()
    assert agent_client.get(url).status_code == 302  # to the login page
    assert agent_client.get(settings.MEDIA_URL + evidence.file.name).status_code == 404  # no public media URL

    from tests.factories import UserFactory

    client.force_login(UserFactory(username="buyer-ish"))
    assert client.get(url).status_code == 403


def test_admin_pages_for_the_configuration(admin_client):
    for name in ["reason", "authoritylimit", "userauthorityoverride", "aftersalesrequest"]:
        assert admin_client.get(reverse(f"admin:aftersales_{name}_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:aftersales_reason_add")).status_code == 200
