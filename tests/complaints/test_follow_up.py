from decimal import Decimal

import pytest

from complaints import services
from complaints.models import Complaint, FollowUp
from core.errors import Conflict
from notifications.models import Notification
from tests.factories import make_ticket
from tickets.services.messages import ticket_add_customer_message
from tickets.services.transitions import ticket_transition

pytestmark = pytest.mark.django_db


@pytest.fixture
def resolved_complaint(team, manager):
    ticket = make_ticket(kind="complaint", category="logistics", subject="快递破损", team=team)
    complaint = Complaint.objects.get(ticket=ticket)
    services.complaint_resolve(
        complaint=complaint,
        actor=manager,
        root_cause="快递暴力分拣",
        outcome="补发",
        message="已补发",
        compensation_amount=Decimal("0"),
    )
    return complaint


def test_satisfied_follow_up_closes_the_loop(resolved_complaint, agent):
    follow_up = FollowUp.objects.get(complaint=resolved_complaint)
    services.follow_up_record(follow_up=follow_up, actor=agent, satisfied=True, note="客户很满意")
    follow_up.refresh_from_db()
    assert follow_up.is_done and follow_up.satisfied and follow_up.done_by == agent
    resolved_complaint.ticket.refresh_from_db()
    assert resolved_complaint.ticket.status == "resolved"


def test_unsatisfied_follow_up_reopens_the_complaint_and_alerts_its_owner(resolved_complaint, agent, manager):
    follow_up = FollowUp.objects.get(complaint=resolved_complaint)
    services.follow_up_record(follow_up=follow_up, actor=agent, satisfied=False, note="补发的也坏了")
    ticket = resolved_complaint.ticket
    ticket.refresh_from_db()
    assert ticket.status == "open"
    assert Notification.objects.filter(recipient=manager, verb="complaint", message__contains="reopened").count() == 1


def test_recording_a_follow_up_twice_is_refused(resolved_complaint, agent):
    follow_up = FollowUp.objects.get(complaint=resolved_complaint)
    services.follow_up_record(follow_up=follow_up, actor=agent, satisfied=True)
    with pytest.raises(Conflict):
        services.follow_up_record(follow_up=follow_up, actor=agent, satisfied=False)


def test_unsatisfied_follow_up_on_a_closed_complaint_is_kept_and_the_owner_told(resolved_complaint, agent, manager):
    ticket = resolved_complaint.ticket
    ticket_transition(ticket=ticket, to_status="closed", actor=manager)
    follow_up = FollowUp.objects.get(complaint=resolved_complaint)
    services.follow_up_record(follow_up=follow_up, actor=agent, satisfied=False)
    follow_up.refresh_from_db()
    assert follow_up.is_done and follow_up.satisfied is False
    assert Notification.objects.filter(recipient=manager, message__contains="open a new one").exists()


def test_reopening_before_the_call_cancels_it_and_resolving_again_schedules_a_new_one(resolved_complaint, manager):
    ticket = resolved_complaint.ticket
    ticket_add_customer_message(ticket=ticket, body="还是有问题")
    assert FollowUp.objects.filter(complaint=resolved_complaint, done_at__isnull=True).count() == 0
    ticket_transition(ticket=ticket, to_status="resolved", actor=manager)
    assert FollowUp.objects.filter(complaint=resolved_complaint, done_at__isnull=True).count() == 1


def test_due_follow_ups_are_listed_earliest_first(resolved_complaint, manager):
    from datetime import timedelta

    from django.utils import timezone

    from complaints.selectors import follow_up_list

    assert list(follow_up_list(user=manager, due_only=True)) == []
    assert len(follow_up_list(user=manager, due_only=True, now=timezone.now() + timedelta(days=2))) == 1
