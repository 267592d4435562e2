from decimal import Decimal

import pytest

from aftersales.models import Approval
from aftersales.services.approvals import aftersales_approval_decide, aftersales_approval_request
from aftersales.services.offers import aftersales_offer_answer, aftersales_offer_make
from aftersales.services.transitions import aftersales_transition
from core.errors import Conflict, Forbidden, ValidationFailed
from notifications.models import Notification
from tests.aftersales.conftest import walk

pytestmark = pytest.mark.django_db


@pytest.fixture
def over_limit(make_request):  # type: ignore[no-untyped-def]
    return make_request(type="compensation", compensation_amount=Decimal("35"))


def test_asking_for_approval_notifies_the_team_managers_and_grants_nothing(over_limit, agent, manager):
    approval = aftersales_approval_request(request=over_limit, actor=agent, note="老客户")
    over_limit.refresh_from_db()
    assert over_limit.status == "under_review"  # moved into review, not approved
    assert approval.status == "pending" and approval.compensation_amount == Decimal("35.00")
    assert "above the limit" in approval.why_needed[0]
    notification = Notification.objects.get(recipient=manager)
    assert notification.verb == "aftersales_approval" and notification.url == "/aftersales/approvals/"
    # Asking again returns the same pending approval.
    assert aftersales_approval_request(request=over_limit, actor=agent).pk == approval.pk


def test_within_authority_there_is_nothing_to_ask(make_request, agent):
    with pytest.raises(Conflict):
        aftersales_approval_request(request=make_request(), actor=agent)


def test_manager_approval_approves_the_request(over_limit, agent, manager):
    approval = aftersales_approval_request(request=over_limit, actor=agent)
    aftersales_approval_decide(approval=approval, actor=manager, approve=True, note="同意")
    over_limit.refresh_from_db()
    assert over_limit.status == "approved" and over_limit.approved_by == manager
    approval.refresh_from_db()
    assert (approval.status, approval.decided_by, approval.decision_note) == ("approved", manager, "同意")
    assert Notification.objects.filter(recipient=agent, verb="aftersales_approval_decided").exists()
    assert walk(over_limit, ["compensated", "completed"], agent).status == "completed"


def test_manager_rejection_needs_a_note_and_keeps_the_request_in_review(over_limit, agent, manager):
    approval = aftersales_approval_request(request=over_limit, actor=agent)
    with pytest.raises(ValidationFailed):
        aftersales_approval_decide(approval=approval, actor=manager, approve=False)
    aftersales_approval_decide(approval=approval, actor=manager, approve=False, note="先补偿10元")
    over_limit.refresh_from_db()
    assert over_limit.status == "under_review"
    with pytest.raises(Forbidden):
        aftersales_transition(request=over_limit, to_status="approved", actor=agent)


def test_only_managers_decide_and_only_once(over_limit, agent, manager):
    approval = aftersales_approval_request(request=over_limit, actor=agent)
    with pytest.raises(Forbidden):
        aftersales_approval_decide(approval=approval, actor=agent, approve=True)
    aftersales_approval_decide(approval=approval, actor=manager, approve=True)
    with pytest.raises(Conflict):
        aftersales_approval_decide(approval=approval, actor=manager, approve=False, note="no")


def test_a_manager_may_approve_directly_even_outside_policy(make_request, agent, manager, order):
    from datetime import timedelta

    from django.utils import timezone

    order.delivered_at = timezone.now() - timedelta(days=10)  # past the 7-day no-reason window
    order.save()
    request = walk(make_request(), ["under_review"], agent)
    with pytest.raises(Forbidden) as exc:
        aftersales_transition(request=request, to_status="approved", actor=agent)
    assert "Outside policy" in exc.value.message
    assert walk(request, ["approved"], manager).status == "approved"


def test_accepting_a_smaller_offer_supersedes_the_pending_approval(over_limit, agent):
    approval = aftersales_approval_request(request=over_limit, actor=agent)
    offer = aftersales_offer_make(request=over_limit, resolution="compensation", amount=Decimal("15"), actor=agent)
    aftersales_offer_answer(offer=offer, accepted=True, actor=agent)
    approval.refresh_from_db()
    assert approval.status == "superseded"
    assert walk(over_limit, ["approved"], agent).status == "approved"
    assert Approval.objects.filter(status="pending").count() == 0
