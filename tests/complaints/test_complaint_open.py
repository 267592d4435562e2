from datetime import UTC, datetime

import pytest
import time_machine

from complaints.models import ApologyTemplate, Complaint
from notifications.models import Notification
from tests.factories import make_ticket
from tickets.models import TicketEvent

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def complaint_ticket(**overrides):
    params = {"kind": "complaint", "category": "logistics", "subject": "快递员态度差", "description": "包裹被扔在门口"}
    return make_ticket(**{**params, **overrides})


def test_new_complaint_gets_an_immediate_apology_that_does_not_stop_the_first_response_clock(team):
    with time_machine.travel(NOW, tick=False):
        ticket = complaint_ticket(team=team)
    complaint = Complaint.objects.get(ticket=ticket)
    assert complaint.apology_sent_at == NOW
    message = ticket.messages.get()
    assert (message.visibility, message.author_type) == ("public", "system")
    assert ticket.customer.name in message.body and ticket.reference in message.body
    ticket.refresh_from_db()
    assert ticket.first_responded_at is None and ticket.status == "new"
    assert TicketEvent.objects.filter(ticket=ticket, type="workflow").exists()


def test_apology_uses_the_template_of_the_category_else_the_generic_one(team):
    ApologyTemplate.objects.all().delete()
    ApologyTemplate.objects.create(name="generic", body="抱歉 {customer}")
    ApologyTemplate.objects.create(name="quality", category="product_quality", body="质量问题抱歉 {reference}")
    quality = complaint_ticket(team=team, category="product_quality")
    logistics = complaint_ticket(team=team)
    assert quality.messages.get().body == f"质量问题抱歉 {quality.reference}"
    assert logistics.messages.get().body == f"抱歉 {logistics.customer.name}"


def test_a_broken_template_still_sends_its_text(team):
    ApologyTemplate.objects.all().delete()
    ApologyTemplate.objects.create(name="broken", body="抱歉 {unknown")
    assert complaint_ticket(team=team).messages.get().body == "抱歉 {unknown"


def test_complaint_goes_to_the_team_managers_queue_at_once(team, manager):
    ticket = complaint_ticket(team=team)
    complaint = Complaint.objects.get(ticket=ticket)
    assert complaint.owner == manager
    assert Notification.objects.filter(recipient=manager, verb="complaint").count() == 1
    from complaints.selectors import complaint_queue

    assert list(complaint_queue(user=manager, view="mine")) == [complaint]


def test_safety_words_make_a_complaint_critical_and_urgent(team):
    ticket = complaint_ticket(team=team, category="product_quality", description="充电宝充电时起火，孩子差点受伤")
    complaint = Complaint.objects.get(ticket=ticket)
    assert complaint.severity == "critical"
    assert "起火" in complaint.severity_reason or "受伤" in complaint.severity_reason
    ticket.refresh_from_db()
    assert ticket.priority == "urgent"


def test_ordinary_complaint_stays_normal(team):
    assert Complaint.objects.get(ticket=complaint_ticket(team=team)).severity == "normal"


def test_other_kinds_get_no_complaint(team):
    ticket = make_ticket(team=team)
    assert not Complaint.objects.filter(ticket=ticket).exists()
    assert ticket.messages.count() == 0
