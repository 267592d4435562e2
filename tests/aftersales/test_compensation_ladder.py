from decimal import Decimal

import pytest

from aftersales.policy import ladder
from aftersales.selectors import aftersales_overview
from aftersales.services.offers import aftersales_offer_answer, aftersales_offer_make
from core.errors import Conflict, ValidationFailed
from tests.aftersales.conftest import walk

pytestmark = pytest.mark.django_db


def test_ladder_suggests_compensation_then_exchange_then_return_with_amounts():
    steps = ladder(paid=Decimal("79.00"), window_ok=True)
    assert [s.resolution for s in steps] == ["compensation", "exchange", "return"]
    assert [s.amount for s in steps] == [Decimal("7.90"), Decimal("0.00"), Decimal("79.00")]
    assert ladder(paid=Decimal("500"), window_ok=True)[0].amount == Decimal("20.00")  # capped
    assert ladder(paid=Decimal("3"), window_ok=True)[0].amount == Decimal("3")  # never above what was paid
    assert [s.within_policy for s in ladder(paid=Decimal("79"), window_ok=False)] == [True, False, False]


def test_overview_shows_the_ladder_for_the_request(make_request, agent):
    overview = aftersales_overview(request=make_request(), actor=agent)
    assert overview.paid_for_lines == Decimal("79.00")
    assert overview.ladder[0].amount == Decimal("7.90")
    assert overview.policy.ok


def test_offers_are_recorded_and_an_unanswered_one_counts_as_declined(make_request, agent):
    request = make_request()
    first = aftersales_offer_make(request=request, resolution="compensation", actor=agent)
    assert first.amount == Decimal("7.90") and first.status == "pending"
    second = aftersales_offer_make(request=request, resolution="exchange", actor=agent)
    first.refresh_from_db()
    assert first.status == "declined"
    aftersales_offer_answer(offer=second, accepted=True, actor=agent)
    request.refresh_from_db()
    assert (request.accepted_resolution, request.type, request.refund_amount) == ("exchange", "exchange", Decimal("0"))


def test_accepting_compensation_turns_the_request_into_a_compensation(make_request, agent):
    request = make_request()
    offer = aftersales_offer_make(request=request, resolution="compensation", actor=agent)
    aftersales_offer_answer(offer=offer, accepted=True, actor=agent)
    request.refresh_from_db()
    assert (request.type, request.compensation_amount, request.refund_amount) == (
        "compensation",
        Decimal("7.90"),
        Decimal("0.00"),
    )
    assert walk(request, ["under_review", "approved", "compensated", "completed"], agent).status == "completed"


def test_offer_amount_is_bounded_and_offers_stop_after_the_decision(make_request, agent):
    request = make_request()
    with pytest.raises(ValidationFailed):
        aftersales_offer_make(request=request, resolution="compensation", amount=Decimal("80"), actor=agent)
    offer = aftersales_offer_make(request=request, resolution="compensation", actor=agent)
    walk(request, ["under_review", "approved"], agent)
    with pytest.raises(Conflict):
        aftersales_offer_make(request=request, resolution="exchange", actor=agent)
    with pytest.raises(Conflict):
        aftersales_offer_answer(offer=offer, accepted=True, actor=agent)
