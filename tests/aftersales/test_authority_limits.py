from decimal import Decimal

import pytest

from aftersales.models import AuthorityLimit, UserAuthorityOverride
from aftersales.policy import limits_for
from aftersales.services.intake import LineInput
from aftersales.services.transitions import aftersales_transition
from core.errors import Forbidden
from tests.aftersales.conftest import walk

pytestmark = pytest.mark.django_db


def test_role_defaults_come_from_the_data_migration(agent, manager, integration_user):
    assert limits_for(agent).max_compensation == Decimal("20.00")
    assert limits_for(manager).max_compensation is None  # managers are the approvers
    assert limits_for(integration_user).max_refund == Decimal("0.00")


def test_a_personal_override_replaces_the_role_limit(agent, other_agent):
    UserAuthorityOverride.objects.create(user=agent, max_compensation=Decimal("50"))
    assert limits_for(agent).max_compensation == Decimal("50")
    assert limits_for(agent).max_refund == Decimal("100.00")  # empty override field: the role's
    assert limits_for(other_agent).max_compensation == Decimal("20.00")


def test_role_limits_are_editable(agent):
    AuthorityLimit.objects.filter(role="Agent").update(max_compensation=Decimal("30"))
    assert limits_for(agent).max_compensation == Decimal("30")


def test_agent_approves_within_the_limit(make_request, agent):
    request = make_request(type="compensation", compensation_amount=Decimal("20"))
    assert walk(request, ["under_review", "approved"], agent).status == "approved"


def test_compensation_above_the_limit_is_not_granted_without_approval(make_request, agent):
    request = walk(make_request(type="compensation", compensation_amount=Decimal("25")), ["under_review"], agent)
    with pytest.raises(Forbidden) as exc:
        aftersales_transition(request=request, to_status="approved", actor=agent)
    assert exc.value.code == "approval_required"
    assert "above the limit of ¥20.00" in exc.value.message
    request.refresh_from_db()
    assert request.status == "under_review" and request.approved_at is None


def test_refund_above_the_limit_needs_approval(make_request, agent, trousers, shirt):

    request = walk(
        make_request(lines=[LineInput(order_line_id=trousers.pk, quantity=1)]), ["under_review"], agent
    )  # ¥120 > ¥100
    with pytest.raises(Forbidden):
        aftersales_transition(request=request, to_status="approved", actor=agent)
