from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from aftersales.enums import ALLOWED_TRANSITIONS, TYPE_STEPS, RequestStatus
from aftersales.models import RequestEvent
from aftersales.services.transitions import aftersales_transition
from core.errors import Conflict, Forbidden, ValidationFailed
from tests.aftersales.conftest import walk
from tickets.models import TicketEvent

pytestmark = pytest.mark.django_db

PATHS = {
    "refund_only": ["under_review", "approved", "refunded", "completed"],
    "return_refund": [
        "under_review",
        "approved",
        "waiting_for_return",
        "received",
        "inspected",
        "refunded",
        "completed",
    ],
    "exchange": [
        "under_review",
        "approved",
        "waiting_for_return",
        "received",
        "inspected",
        "replacement_shipped",
        "completed",
    ],
    "reship": ["under_review", "approved", "replacement_shipped", "completed"],
    "compensation": ["under_review", "approved", "compensated", "completed"],
}


@pytest.mark.parametrize("request_type", PATHS)
def test_each_type_walks_its_own_path_with_timestamps_and_audit(make_request, agent, request_type):
    extra = {"compensation_amount": Decimal("10")} if request_type == "compensation" else {}
    request = make_request(type=request_type, **extra)
    request = walk(request, PATHS[request_type], agent)
    assert request.status == "completed"
    assert request.approved_at and request.completed_at and request.approved_by == agent
    events = list(RequestEvent.objects.filter(request=request).values_list("to_status", flat=True))
    assert events == ["submitted", *PATHS[request_type]]
    assert all(e.actor == agent for e in RequestEvent.objects.filter(request=request))
    notes = [
        e
        for e in TicketEvent.objects.filter(ticket=request.ticket, type="workflow")
        if _shown(e).startswith("After-sales:")
    ]
    assert len(notes) == len(PATHS[request_type])
    request.ticket.refresh_from_db()
    assert request.ticket.status == "resolved"


@pytest.mark.parametrize("request_type", ["refund_only", "compensation", "reship"])
def test_types_without_a_parcel_skip_the_parcel_steps(make_request, agent, request_type):
    extra = {"compensation_amount": Decimal("10")} if request_type == "compensation" else {}
    request = walk(make_request(type=request_type, **extra), ["under_review", "approved"], agent)
    with pytest.raises(Conflict) as exc:
        aftersales_transition(request=request, to_status="waiting_for_return", actor=agent)
    assert "cannot go from" in exc.value.message


def test_out_of_order_transitions_are_refused_with_the_next_steps(make_request, agent):
    request = make_request()
    with pytest.raises(Conflict) as exc:
        aftersales_transition(request=request, to_status="refunded", actor=agent)
    assert "Next steps: Under review, Cancelled" in exc.value.message
    request.refresh_from_db()
    assert request.status == "submitted"


def test_ended_requests_do_not_move(make_request, agent):
    request = walk(make_request(), ["cancelled"], agent)
    for status in RequestStatus.values:
        with pytest.raises(Conflict):
            aftersales_transition(request=request, to_status=status, actor=agent)


def test_unknown_status_is_a_validation_error(make_request, agent):
    with pytest.raises(ValidationFailed):
        aftersales_transition(request=make_request(), to_status="lost", actor=agent)


def test_the_table_only_names_known_statuses():
    for source, targets in ALLOWED_TRANSITIONS.items():
        assert source in RequestStatus.values and targets <= set(RequestStatus.values)
    for steps in TYPE_STEPS.values():
        assert steps <= set(RequestStatus.values)


def test_tracking_numbers_are_required_for_parcels(make_request, agent):
    request = walk(make_request(type="exchange"), ["under_review", "approved"], agent)
    request = aftersales_transition(request=request, to_status="waiting_for_return", actor=agent)
    with pytest.raises(ValidationFailed) as exc:
        aftersales_transition(request=request, to_status="received", actor=agent)
    assert "tracking_number" in exc.value.fields
    request = walk(request, ["received", "inspected"], agent, tracking_number="YT998877")
    assert request.return_tracking_number == "YT998877"
    with pytest.raises(ValidationFailed):
        aftersales_transition(request=request, to_status="replacement_shipped", actor=agent)
    request = aftersales_transition(
        request=request, to_status="replacement_shipped", actor=agent, tracking_number="SF555"
    )
    assert request.outbound_tracking_number == "SF555"


def test_rejecting_needs_a_note(make_request, agent):
    request = walk(make_request(), ["under_review"], agent)
    with pytest.raises(ValidationFailed):
        aftersales_transition(request=request, to_status="rejected", actor=agent)
    request = aftersales_transition(request=request, to_status="rejected", actor=agent, note="超过七天")
    assert request.rejected_at is not None
    assert RequestEvent.objects.filter(request=request, to_status="rejected", note="超过七天").exists()


def test_the_agent_who_works_a_request_on_an_unassigned_ticket_becomes_its_assignee(make_request, agent):
    request = make_request()
    assert request.ticket.assignee is None
    aftersales_transition(request=request, to_status="under_review", actor=agent)
    request.ticket.refresh_from_db()
    assert request.ticket.assignee == agent


def test_a_refusal_leaves_the_ticket_open_for_a_person_to_answer(make_request, agent):
    """The reason goes to the buyer as written, but refusing does not resolve the ticket (which would send a
    satisfaction survey about a refusal nobody explained); completing a request does."""
    from surveys.models import SurveyInvitation

    refused = make_request()
    aftersales_transition(request=refused, to_status="under_review", actor=agent)
    aftersales_transition(request=refused, to_status="rejected", actor=agent, note="超过七天无理由退货期")
    refused.ticket.refresh_from_db()
    assert refused.ticket.status not in ("resolved", "closed")
    assert not SurveyInvitation.objects.filter(ticket=refused.ticket).exists()


def test_integrations_report_parcels_but_do_not_judge(make_request, agent, integration_user):
    request = make_request()
    with pytest.raises(Forbidden):
        aftersales_transition(request=request, to_status="under_review", actor=integration_user)
    request = walk(request, ["under_review", "approved"], agent)
    request = aftersales_transition(
        request=request, to_status="waiting_for_return", actor=integration_user, tracking_number="ZTO123"
    )
    assert request.return_tracking_number == "ZTO123"


def test_processing_time_is_tracked_against_three_days(make_request, agent):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        request = walk(make_request(type="refund_only"), ["under_review", "approved"], agent)
    assert request.processing_due_at == request.approved_at + timedelta(days=3)
    with time_machine.travel(start + timedelta(days=2), tick=False):
        assert request.processing_on_time(timezone.now()) is True
    with time_machine.travel(start + timedelta(days=4), tick=False):
        assert request.processing_on_time(timezone.now()) is False
        request = walk(request, ["refunded", "completed"], agent)
    assert request.processing_seconds(timezone.now()) == 4 * 24 * 3600
    assert request.processing_on_time(timezone.now() + timedelta(days=9)) is False
    texts = [_shown(e) for e in TicketEvent.objects.filter(ticket=request.ticket, type="workflow")]
    assert any("Processed in 96.0 h" in text for text in texts)


def _shown(event):
    """The timeline line as an English reader sees it."""
    from tickets.templatetags.sla_tags import translate_message

    return translate_message(event.data["summary"], event.data)
