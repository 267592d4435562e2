"""A buyer opens a request from the help centre: ownership of the order proved without revealing anything,
the same intake as every channel, photos on the first message, the private tracking link shown."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from complaints.models import Complaint
from knowledge.services.request import proof_matches
from tests.attachment_files import png, svg_with_script
from tests.factories import CustomerFactory, OrderFactory
from tickets.models import MessageAttachment, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    """Assertions read the English messages (the default language is Simplified Chinese)."""
    from django.utils import translation

    with translation.override("en"):
        yield


URL = "/help/request/"
NOT_MATCHED = "We could not match this order"


@pytest.fixture(autouse=True)
def _clean(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()  # the per-address allowance is counted in the cache
    yield
    cache.clear()


@pytest.fixture
def buyer() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def order():  # type: ignore[no-untyped-def]
    customer = CustomerFactory(platform="taobao", phone="138-1234-5678", platform_account_id="tb_小明")
    return OrderFactory(customer=customer, platform="taobao", order_number="TB2026001")


def _form(**overrides: object) -> dict[str, object]:
    return {
        "kind": "inquiry",
        "platform": "taobao",
        "order_number": "TB2026001",
        "proof": "5678",
        "description": "快递三天没动了\n请帮忙查一下",
        "website": "",
        **overrides,
    }


def test_the_page_opens_without_login_in_both_languages():
    assert "Contact customer service" in Client(HTTP_ACCEPT_LANGUAGE="en").get(URL).content.decode()
    zh = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(URL)
    assert zh.status_code == 200 and "联系客服" in zh.content.decode()


def test_the_request_page_leads_back_to_the_help_centre():
    """A buyer who came from an article had no way back from the form but the browser's back button."""
    html = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(URL).content.decode()
    assert 'href="/help/" data-testid="help-request-back">← 帮助中心' in html


def test_a_matching_order_opens_a_ticket_and_shows_the_tracking_link(buyer, order):
    response = buyer.post(URL, _form())
    assert response.status_code == 200
    ticket = Ticket.objects.get()
    assert ticket.customer == order.customer and ticket.order == order
    assert ticket.kind == "inquiry" and ticket.channel == "web_form" and ticket.subject == "快递三天没动了"
    assert ticket.sla_policy_id is not None or ticket.first_response_due_at is not None  # the SLA started
    html = response.content.decode()
    assert ticket.reference in html and response.context["tracking_url"] in html
    assert buyer.get(response.context["tracking_url"].split("8000", 1)[-1]).status_code == 200


def test_the_platform_account_proves_ownership_too(buyer, order):
    assert buyer.post(URL, _form(proof="TB_小明")).status_code == 200
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize(
    "overrides",
    [{"proof": "0000"}, {"proof": "tb_someone"}, {"order_number": "TB404"}, {"platform": "jd"}, {"proof": "678"}],
    ids=["wrong-digits", "wrong-account", "no-such-order", "other-platform", "three-digits"],
)
def test_every_failed_proof_is_the_same_generic_400(buyer, order, overrides):
    response = buyer.post(URL, _form(**overrides))
    assert response.status_code == 400
    html = response.content.decode()
    assert NOT_MATCHED in html
    assert "phone number on the order" in html  # the form is shown again, input kept
    assert Ticket.objects.count() == 0


def test_an_order_whose_buyer_has_no_phone_cannot_be_matched_by_empty_digits(buyer):
    customer = CustomerFactory(phone="", platform_account_id="tb_x")
    order = OrderFactory(customer=customer, order_number="TB9")
    assert not proof_matches(order, "")
    assert buyer.post(URL, _form(order_number="TB9", proof="")).status_code == 400


def test_a_complaint_goes_through_the_complaint_intake_with_its_apology(buyer, order):
    assert buyer.post(URL, _form(kind="complaint", description="客服态度很差")).status_code == 200
    ticket = Ticket.objects.get()
    assert ticket.kind == "complaint" and Complaint.objects.filter(ticket=ticket).exists()
    assert ticket.messages.filter(author_type="system").exists()  # the apology


def test_photos_become_files_of_the_buyers_first_message(buyer, order):
    response = buyer.post(URL, {**_form(kind="aftersales"), "photos": [png("破损.png")]})
    assert response.status_code == 200
    attachment = MessageAttachment.objects.get()
    assert attachment.message.author_type == "customer" and attachment.message.ticket.kind == "aftersales"


def test_a_bad_photo_refuses_the_whole_request(buyer, order):
    response = buyer.post(URL, {**_form(), "photos": [svg_with_script()]})
    assert response.status_code == 400 and "is not an image or a PDF" in response.content.decode()
    assert Ticket.objects.count() == 0


def test_the_honeypot_refuses_bots(buyer, order):
    response = buyer.post(URL, _form(website="http://spam.example"))
    assert response.status_code == 400 and Ticket.objects.count() == 0


def test_missing_fields_are_a_400_with_the_form_again(buyer, order):
    response = buyer.post(URL, _form(description="", order_number=""))
    assert response.status_code == 400 and "This field is required" in response.content.decode()


def test_more_requests_than_the_hourly_allowance_are_a_429(buyer, order, settings):
    settings.HELP_REQUESTS_PER_HOUR = 2
    assert buyer.post(URL, _form(proof="0000")).status_code == 400
    assert buyer.post(URL, _form()).status_code == 200
    refused = buyer.post(URL, _form())
    assert refused.status_code == 429 and "Please wait" in refused.content.decode()
    assert Ticket.objects.count() == 1
    # Another address has its own allowance.
    assert Client(REMOTE_ADDR="10.0.0.9").post(URL, _form()).status_code == 200


def test_the_form_needs_its_csrf_token():
    strict = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    refused = strict.post(URL, _form())
    assert refused.status_code == 403 and "Your message was not sent" in refused.content.decode()  # buyer's page
    assert Ticket.objects.count() == 0
