from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from complaints import services
from complaints.models import Complaint, FollowUp
from core.errors import Conflict, Forbidden, ValidationFailed
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest.fixture
def complaint(team):
    with time_machine.travel(NOW, tick=False):
        ticket = make_ticket(kind="complaint", category="product_quality", subject="耳机右耳没声音", team=team)
    return Complaint.objects.get(ticket=ticket)


def resolve(complaint, actor, **overrides):
    params = {
        "root_cause": "批次焊点虚焊",
        "outcome": "补发新耳机并补偿 20 元",
        "message": "您好，已为您补发新耳机，并补偿 20 元，非常抱歉。",
        "compensation_amount": Decimal("20"),
    }
    return services.complaint_resolve(complaint=complaint, actor=actor, **{**params, **overrides})


def test_manager_resolves_reports_to_the_customer_and_a_follow_up_is_scheduled_next_day(complaint, manager):
    with time_machine.travel(NOW + timedelta(hours=3), tick=False):
        resolve(complaint, manager)
    complaint.refresh_from_db()
    ticket = complaint.ticket
    ticket.refresh_from_db()
    assert ticket.status == "resolved"
    assert ticket.first_responded_at == NOW + timedelta(hours=3)
    assert ticket.messages.filter(author_type="agent", visibility="public").get().body.startswith("您好，已为您补发")
    assert (complaint.root_cause, complaint.compensation_amount) == ("批次焊点虚焊", Decimal("20"))
    assert complaint.result_reported_at == NOW + timedelta(hours=3)
    follow_up = FollowUp.objects.get(complaint=complaint)
    assert follow_up.due_at == NOW + timedelta(hours=27)


def test_agents_cannot_resolve_complaints(complaint, agent):
    with pytest.raises(Forbidden):
        resolve(complaint, agent)


def test_resolution_needs_cause_outcome_and_message(complaint, manager):
    with pytest.raises(ValidationFailed) as exc:
        resolve(complaint, manager, root_cause=" ", message="")
    assert set(exc.value.fields) == {"root_cause", "message"}
    complaint.ticket.refresh_from_db()
    assert complaint.ticket.status == "new"


def test_resolving_twice_is_refused_and_schedules_one_follow_up(complaint, manager):
    resolve(complaint, manager)
    with pytest.raises(Conflict):
        resolve(complaint, manager)
    assert FollowUp.objects.filter(complaint=complaint).count() == 1


def test_update_records_analysis_and_review_outcome_on_the_timeline(team, manager, agent):
    ticket = make_ticket(kind="complaint", category="negative_review", subject="差评", team=team)
    complaint = Complaint.objects.get(ticket=ticket)
    services.complaint_update(
        complaint=complaint,
        actor=agent,
        review_link="https://rate.example.com/123",
        review_outcome="revised",
        customer_request="退款",
        severity="serious",
    )
    complaint.refresh_from_db()
    assert (complaint.review_outcome, complaint.severity, complaint.customer_request) == ("revised", "serious", "退款")
    event = ticket.events.filter(type="workflow").last()
    assert "review_outcome" in event.data["fields"]
    from django.utils import translation

    from tickets.templatetags.sla_tags import translate_message

    with translation.override("en"):
        assert translate_message(event.data["summary"], event.data) == (
            "Complaint details updated: what the customer asks for, review link, review outcome, severity"
        )
    with translation.override("zh-hans"):
        assert "customer_request" not in translate_message(event.data["summary"], event.data)


@pytest.mark.parametrize("changes", [{"severity": "apocalyptic"}, {"review_outcome": "x"}, {"status": "closed"}])
def test_update_rejects_bad_values(complaint, manager, changes):
    with pytest.raises(ValidationFailed):
        services.complaint_update(complaint=complaint, actor=manager, **changes)


def test_owner_must_be_a_manager(complaint, agent):
    with pytest.raises(ValidationFailed):
        services.complaint_update(complaint=complaint, actor=agent, owner=agent)
