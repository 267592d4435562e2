"""Two agents acting on the same request at once: exactly one succeeds."""

from decimal import Decimal

import pytest

from aftersales.models import AfterSalesRequest, RequestEvent
from aftersales.services.approvals import aftersales_approval_decide, aftersales_approval_request
from aftersales.services.intake import LineInput
from aftersales.services.transitions import aftersales_transition
from core.errors import ApplicationError, Conflict
from tests.aftersales.conftest import walk
from tests.concurrency import race


@pytest.mark.django_db
def test_a_stale_action_is_refused_after_the_recheck_under_the_lock(make_request, agent, other_agent):
    """What the lock buys: the second agent re-reads the row and sees the first one's change."""
    request = walk(make_request(), ["under_review"], agent)
    stale_copy = AfterSalesRequest.objects.get(pk=request.pk)
    aftersales_transition(request=request, to_status="approved", actor=agent, expected_status="under_review")
    # The other agent's page still shows "under review"; they press "reject".
    with pytest.raises(Conflict) as exc:
        aftersales_transition(
            request=stale_copy, to_status="rejected", actor=other_agent, note="x", expected_status="under_review"
        )
    assert exc.value.code == "stale"
    # Without an expected status the re-read row still refuses a second approval.
    with pytest.raises(Conflict):
        aftersales_transition(request=stale_copy, to_status="approved", actor=other_agent)
    assert RequestEvent.objects.filter(request=request, to_status="approved").count() == 1


@pytest.mark.django_db
def test_a_second_decision_on_the_same_approval_is_refused(make_request, agent, manager):
    request = make_request(type="compensation", compensation_amount=Decimal("30"))
    approval = aftersales_approval_request(request=request, actor=agent)
    aftersales_approval_decide(approval=approval, actor=manager, approve=True)
    with pytest.raises(Conflict):
        aftersales_approval_decide(approval=approval.pk, actor=manager, approve=True)


@pytest.fixture
def defaults_after_flush(transactional_db):  # type: ignore[no-untyped-def]
    """Transactional tests flush the tables, data migrations included: put the defaults back."""
    import importlib

    from django.apps import apps

    importlib.import_module("aftersales.migrations.0002_default_reasons_and_limits").create_defaults(apps, None)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_agents_approving_and_rejecting_at_once_only_one_wins(
    defaults_after_flush, make_request, agent, other_agent
):
    request = walk(make_request(), ["under_review"], agent)
    outcomes = race(
        lambda: aftersales_transition(request=request.pk, to_status="approved", actor=agent),
        lambda: aftersales_transition(request=request.pk, to_status="rejected", actor=other_agent, note="no"),
        lambda: aftersales_transition(request=request.pk, to_status="approved", actor=other_agent),
        expected=(ApplicationError,),
    )
    wins = [o for o in outcomes if isinstance(o, AfterSalesRequest)]
    assert len(wins) == 1
    assert all(isinstance(o, Conflict) for o in outcomes if o not in wins)
    assert (
        RequestEvent.objects.filter(request=request).exclude(to_status__in=["submitted", "under_review"]).count() == 1
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_requests_racing_for_the_last_unit_only_one_is_created(
    defaults_after_flush, make_request, customer, shirt, agent
):

    make_request(lines=[LineInput(order_line_id=shirt.pk, quantity=1)])  # one of two left
    outcomes = race(
        *[
            lambda: make_request(ticket=None, customer=customer, lines=[LineInput(order_line_id=shirt.pk, quantity=1)])
            for _ in range(3)
        ],
        expected=(ApplicationError,),
    )
    assert len([o for o in outcomes if isinstance(o, AfterSalesRequest)]) == 1
    assert AfterSalesRequest.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_managers_deciding_one_approval_at_once(defaults_after_flush, make_request, agent, manager):
    from tests.conftest import _with_role
    from tests.factories import UserFactory

    second_manager = _with_role(UserFactory(username="manager2"), "Manager")
    request = make_request(type="compensation", compensation_amount=Decimal("30"))
    approval = aftersales_approval_request(request=request, actor=agent)
    outcomes = race(
        lambda: aftersales_approval_decide(approval=approval.pk, actor=manager, approve=True),
        lambda: aftersales_approval_decide(approval=approval.pk, actor=second_manager, approve=False, note="no"),
        expected=(ApplicationError,),
    )
    assert len([o for o in outcomes if isinstance(o, Conflict)]) == 1
