from decimal import Decimal

import pytest

from aftersales.enums import RequestStatus
from aftersales.models import AfterSalesRequest, RequestEvent
from aftersales.services.intake import LineInput
from core.errors import Conflict, ValidationFailed
from tests.aftersales.conftest import png_upload, walk
from tests.factories import CustomerFactory, OrderFactory, OrderLineFactory
from tickets.models import TicketEvent

pytestmark = pytest.mark.django_db


def test_creates_the_request_with_lines_audit_row_and_timeline_note(make_request, as_ticket, shirt, agent):
    request = make_request()
    assert request.status == RequestStatus.SUBMITTED
    assert request.ticket == as_ticket
    assert [(line.order_line, line.quantity) for line in request.lines.all()] == [(shirt, 1)]
    assert request.refund_amount == Decimal("79.00")  # defaults to what was paid for the line
    event = RequestEvent.objects.get(request=request)
    assert (event.from_status, event.to_status, event.actor) == ("", "submitted", agent)
    texts = [_shown(e) for e in TicketEvent.objects.filter(ticket=as_ticket, type="workflow")]
    assert any("TS-COT-L × 1" in text for text in texts)


def test_without_a_ticket_opens_an_aftersales_ticket_for_the_customer(make_request, customer, order):
    request = make_request(ticket=None, customer=customer, type="refund_only")
    assert request.ticket.kind == "aftersales"
    assert request.ticket.category == "refund_only"
    assert request.ticket.customer == customer and request.ticket.order == order


def test_refuses_an_order_of_another_customer(make_request):
    stranger_order = OrderFactory(customer=CustomerFactory())
    line = OrderLineFactory(order=stranger_order)
    with pytest.raises(ValidationFailed) as exc:
        make_request(order=stranger_order, lines=[LineInput(order_line_id=line.pk, quantity=1)])
    assert "order" in exc.value.fields
    assert not AfterSalesRequest.objects.exists()


def test_refuses_a_line_of_another_order(make_request, customer):
    other = OrderLineFactory(order=OrderFactory(customer=customer))
    with pytest.raises(ValidationFailed) as exc:
        make_request(lines=[LineInput(order_line_id=other.pk, quantity=1)])
    assert "lines" in exc.value.fields


def test_refuses_a_quantity_larger_than_bought(make_request, shirt):
    with pytest.raises(ValidationFailed) as exc:
        make_request(lines=[LineInput(order_line_id=shirt.pk, quantity=3)])
    assert "only 2 of the 2 bought" in exc.value.fields["lines"][0]


def test_quantity_counts_across_requests_and_cancelled_or_rejected_ones_give_it_back(
    make_request, customer, order, shirt, agent
):
    first = make_request(lines=[LineInput(order_line_id=shirt.pk, quantity=2)])
    with pytest.raises(ValidationFailed) as exc:
        make_request(ticket=None, customer=customer, lines=[LineInput(order_line_id=shirt.pk, quantity=1)])
    assert "only 0 of the 2 bought" in exc.value.fields["lines"][0]

    walk(first, ["cancelled"], agent)
    again = make_request(ticket=None, customer=customer, lines=[LineInput(order_line_id=shirt.pk, quantity=2)])
    walk(again, ["under_review", "rejected"], agent)
    assert make_request(ticket=None, customer=customer, lines=[LineInput(order_line_id=shirt.pk, quantity=2)])


def test_refuses_an_unknown_or_inactive_reason(make_request):
    with pytest.raises(ValidationFailed) as exc:
        make_request(reason_code="because")
    assert "reason" in exc.value.fields


def test_refuses_an_unknown_type(make_request):
    with pytest.raises(ValidationFailed) as exc:
        make_request(type="swap")
    assert "type" in exc.value.fields


def test_evidence_required_by_the_reason(make_request):
    with pytest.raises(ValidationFailed) as exc:
        make_request(reason_code="quality_defect")
    assert set(exc.value.fields) == {"product_photo", "defect_photo"}
    with pytest.raises(ValidationFailed) as exc:
        make_request(
            reason_code="damaged_in_transit", evidence=[("product_photo", png_upload()), ("defect_photo", png_upload())]
        )
    assert set(exc.value.fields) == {"evidence_tracking_number"}

    request = make_request(
        reason_code="quality_defect", evidence=[("product_photo", png_upload()), ("defect_photo", png_upload())]
    )
    assert sorted(request.evidence.values_list("kind", flat=True)) == ["defect_photo", "product_photo"]


def test_photos_to_follow_records_the_request_and_the_policy_check_names_them_until_they_arrive(make_request, agent):
    from aftersales.selectors import approval_needed, request_policy_check
    from aftersales.services.evidence import aftersales_evidence_add

    with pytest.raises(ValidationFailed) as exc:  # text comes with the request: a tracking number is still needed
        make_request(reason_code="damaged_in_transit", photos_to_follow=True)
    assert set(exc.value.fields) == {"evidence_tracking_number"}

    request = make_request(reason_code="quality_defect", photos_to_follow=True)
    assert not request.evidence.exists()
    check = request_policy_check(request=request)
    assert not check.ok and len(check.reasons) == 2  # a photo of the product, and one of the defect
    assert approval_needed(request=request, actor=agent)  # only a manager approves without them
    aftersales_evidence_add(request=request, kind="product_photo", file=png_upload(), actor=agent)
    aftersales_evidence_add(request=request, kind="defect_photo", file=png_upload(), actor=agent)
    assert request_policy_check(request=request).ok


def test_evidence_requirements_are_configurable_per_reason(make_request):
    from aftersales.models import Reason

    Reason.objects.filter(code="no_reason").update(requires_product_photo=True)
    with pytest.raises(ValidationFailed):
        make_request()


def test_refund_cannot_exceed_what_was_paid_for_the_lines(make_request, order):
    with pytest.raises(ValidationFailed) as exc:
        make_request(refund_amount=Decimal("80.00"))
    assert "refund_amount" in exc.value.fields
    # A coupon on the order lowers what each line may refund: 278 paid 250 → one shirt = 79 × 250/278.
    order.paid_amount = Decimal("250.00")
    order.save()
    assert make_request().refund_amount == Decimal("71.04")


def test_compensation_needs_an_amount(make_request):
    with pytest.raises(ValidationFailed) as exc:
        make_request(type="compensation")
    assert "compensation_amount" in exc.value.fields
    request = make_request(type="compensation", compensation_amount=Decimal("10"))
    assert (request.compensation_amount, request.refund_amount) == (Decimal("10.00"), Decimal("0.00"))


def test_a_ticket_has_at_most_one_request_and_must_be_aftersales(make_request, customer):
    make_request()
    with pytest.raises(Conflict):
        make_request()
    from tests.factories import make_ticket

    inquiry = make_ticket(kind="inquiry", customer=customer)
    with pytest.raises(ValidationFailed):
        make_request(ticket=inquiry)


def test_idempotency_key_returns_the_first_request(make_request, customer):
    first = make_request(ticket=None, customer=customer, idempotency_key="abc-1")
    again = make_request(ticket=None, customer=customer, idempotency_key="abc-1")
    assert again.pk == first.pk
    assert AfterSalesRequest.objects.count() == 1


def test_a_refused_request_leaves_no_files_behind(make_request, settings):
    with pytest.raises(ValidationFailed):
        make_request(reason_code="quality_defect", evidence=[("product_photo", png_upload())])
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def _shown(event):
    """The timeline line as an English reader sees it."""
    from tickets.templatetags.sla_tags import translate_message

    return translate_message(event.data["summary"], event.data)
