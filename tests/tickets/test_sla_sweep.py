from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from notifications.models import Notification
from tests.factories import make_ticket
from tickets.models import Escalation, Ticket, TicketEvent
from tickets.services.assignment import ticket_take
from tickets.services.clocks import sla_reevaluate_open_tickets
from tickets.services.escalation import escalation_send_email, sla_sweep
from tickets.services.messages import ticket_add_customer_message, ticket_reply
from tickets.services.transitions import ticket_transition

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def sweep_at(moment, **kwargs):
    with time_machine.travel(moment, tick=False):
        return sla_sweep(**kwargs)


def test_on_time_tickets_are_not_escalated(team):
    with time_machine.travel(NOW, tick=False):
        make_ticket(team=team)
    assert sweep_at(NOW + timedelta(minutes=9, seconds=59)) == []
    assert Escalation.objects.count() == 0


def test_late_first_response_escalates_once_to_the_team_managers(team, manager, agent):
    with time_machine.travel(NOW, tick=False):
        ticket = make_ticket(team=team, assignee=agent)
    results = sweep_at(NOW + timedelta(minutes=11))
    assert [(r.ticket_id, r.target, r.level, r.late_seconds) for r in results] == [(ticket.pk, "first_response", 1, 60)]
    assert sweep_at(NOW + timedelta(minutes=12)) == []

    ticket.refresh_from_db()
    assert ticket.escalation_level == 1
    assert ticket.first_response_breached_at == NOW + timedelta(minutes=11)
    escalation = Escalation.objects.get()
    assert (escalation.target, escalation.level, escalation.team) == ("first_response", 1, team)
    assert TicketEvent.objects.filter(ticket=ticket, type="escalated").count() == 1
    notification = Notification.objects.get(recipient=manager)
    assert notification.verb == "escalated"
    assert ticket.reference in notification.text
    assert not Notification.objects.filter(recipient=agent, verb="escalated").exists()


def test_late_resolution_escalates_once(team, agent):
    with time_machine.travel(NOW, tick=False):
        ticket = make_ticket(team=team)
        ticket_reply(ticket=ticket, author=agent, body="在的")
    assert sweep_at(NOW + timedelta(hours=23, minutes=59)) == []
    results = sweep_at(NOW + timedelta(hours=24, minutes=1))
    assert [(r.target, r.level) for r in results] == [("resolution", 1)]
    assert sweep_at(NOW + timedelta(hours=30)) == []
    assert Escalation.objects.filter(ticket=ticket).count() == 1


def test_first_response_and_resolution_each_escalate_once_when_both_are_late(team):
    with time_machine.travel(NOW, tick=False):
        ticket = make_ticket(team=team)
    sweep_at(NOW + timedelta(minutes=15))
    sweep_at(NOW + timedelta(hours=25))
    sweep_at(NOW + timedelta(hours=26))
    assert sorted(Escalation.objects.filter(ticket=ticket).values_list("target", flat=True)) == [
        "first_response",
        "resolution",
    ]


def test_paused_tickets_are_not_escalated_while_waiting_on_the_customer(team, agent):
    with time_machine.travel(NOW, tick=False):
        ticket = make_ticket(team=team)
        ticket_reply(ticket=ticket, author=agent, body="请拍一张商品照片")
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        ticket_transition(ticket=ticket, to_status="pending_customer", actor=agent)
    assert sweep_at(NOW + timedelta(hours=30)) == []
    with time_machine.travel(NOW + timedelta(hours=30), tick=False):
        ticket_add_customer_message(ticket=ticket, body="照片发您了")
    # 5 minutes of the 24 hours were used before the pause: the resolution is due 23h55m after resuming.
    assert sweep_at(NOW + timedelta(hours=53, minutes=54)) == []
    assert [r.target for r in sweep_at(NOW + timedelta(hours=53, minutes=56))] == ["resolution"]


def test_resolved_and_answered_tickets_are_not_escalated(team, agent):
    with time_machine.travel(NOW, tick=False):
        answered = make_ticket(team=team)
        ticket_reply(ticket=answered, author=agent, body="ok")
        resolved = make_ticket(team=team)
        ticket_transition(ticket=resolved, to_status="resolved", actor=agent)
    assert sweep_at(NOW + timedelta(minutes=30)) == []


def test_sweep_after_a_long_outage_catches_up_in_one_run(team):
    with time_machine.travel(NOW, tick=False):
        tickets = [make_ticket(team=team) for _ in range(7)]
    results = sweep_at(NOW + timedelta(days=3), batch_size=3)
    assert len(results) == 14  # every ticket: first response and resolution
    assert Escalation.objects.count() == 14
    assert set(Ticket.objects.values_list("escalation_level", flat=True)) == {1}
    assert {r.ticket_id for r in results} == {t.pk for t in tickets}


def test_ticket_without_team_escalates_to_every_manager(manager):
    with time_machine.travel(NOW, tick=False):
        make_ticket()
    sweep_at(NOW + timedelta(minutes=20))
    assert Notification.objects.filter(recipient=manager, verb="escalated").count() == 1


def test_database_refuses_a_second_escalation_of_the_same_target_and_level(team):
    with time_machine.travel(NOW, tick=False):
        ticket = make_ticket(team=team)
    sweep_at(NOW + timedelta(minutes=20))
    with pytest.raises(IntegrityError), transaction.atomic():
        Escalation.objects.create(ticket=ticket, target="first_response", level=1, due_at=NOW)


def test_sweep_repairs_a_ticket_escalated_but_not_marked(team):
    """A row escalated before a crash (escalation written, breach mark lost) is marked, not escalated again."""
    with time_machine.travel(NOW, tick=False):
        ticket = make_ticket(team=team)
    Escalation.objects.create(ticket=ticket, target="first_response", level=1, due_at=ticket.first_response_due_at)
    assert sweep_at(NOW + timedelta(minutes=20)) == []
    ticket.refresh_from_db()
    assert ticket.first_response_breached_at is not None
    assert Escalation.objects.count() == 1


def test_escalation_mail_is_enqueued_only_after_commit(
    team, manager, django_capture_on_commit_callbacks, mailoutbox, monkeypatch
):
    from tickets import tasks

    queued: list[tuple[int, ...]] = []
    monkeypatch.setattr(tasks.escalation_email_task, "apply_async", lambda args, **kwargs: queued.append(args))
    with time_machine.travel(NOW, tick=False):
        make_ticket(team=team)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sweep_at(NOW + timedelta(minutes=20))
        assert mailoutbox == []  # nothing is sent inside the sweep's transaction
    assert queued == []  # nor queued
    for callback in callbacks:
        callback()
    escalation = Escalation.objects.get()
    assert queued == [(escalation.pk,)]
    assert escalation_send_email(escalation_id=escalation.pk) is True
    assert escalation_send_email(escalation_id=escalation.pk) is False  # once only
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [manager.email]


def test_manager_taking_an_escalated_ticket_acknowledges_the_escalation(team, manager):
    with time_machine.travel(NOW, tick=False):
        ticket = make_ticket(team=team)
    sweep_at(NOW + timedelta(minutes=20))
    ticket_take(ticket=ticket, actor=manager)
    escalation = Escalation.objects.get()
    assert escalation.acknowledged_by == manager
    assert escalation.acknowledged_at is not None


def test_a_handled_escalation_stops_growing_late(team, manager):
    """Taken 20 minutes after the first response was due: it reads 20 minutes late a day later, not a day."""
    with time_machine.travel(NOW, tick=False):
        ticket = make_ticket(team=team)
    sweep_at(NOW + timedelta(minutes=20))
    with time_machine.travel(NOW + timedelta(minutes=30), tick=False):
        ticket_take(ticket=ticket, actor=manager)
    escalation = Escalation.objects.get()
    assert escalation.late_seconds(NOW + timedelta(days=1)) == 20 * 60
    assert escalation.late_until() == NOW + timedelta(minutes=30)


def test_sla_sweep_command_prints_what_it_escalated(team, capsys):
    from django.core.management import call_command

    make_ticket(team=team, received_at=timezone.now() - timedelta(minutes=30))
    call_command("sla_sweep")
    out = capsys.readouterr().out
    assert "first_response" in out and "1 escalation(s)" in out


def test_failed_escalation_mail_raises_for_a_retry_and_is_not_marked_sent(team, manager, monkeypatch):
    import smtplib

    with time_machine.travel(NOW, tick=False):
        make_ticket(team=team)
    sweep_at(NOW + timedelta(minutes=20))
    escalation = Escalation.objects.get()

    def broken_send(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr("tickets.services.escalation.send_mail", broken_send)
    with pytest.raises(smtplib.SMTPException):
        escalation_send_email(escalation_id=escalation.pk)
    escalation.refresh_from_db()
    assert escalation.notified_at is None


def test_editing_a_policy_recomputes_due_times_of_open_tickets(team, agent):
    from tickets.models import SlaPolicy

    policy = SlaPolicy.objects.get()
    with time_machine.travel(NOW, tick=False):
        open_ticket = make_ticket(team=team)
        resolved = make_ticket(team=team)
        ticket_transition(ticket=resolved, to_status="resolved", actor=agent)
    policy.first_response_minutes = 30
    policy.save()
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        assert sla_reevaluate_open_tickets(reason="policy_changed") == 1
    open_ticket.refresh_from_db()
    resolved.refresh_from_db()
    assert open_ticket.first_response_due_at == NOW + timedelta(minutes=30)
    assert resolved.first_response_due_at == NOW + timedelta(minutes=10)
    assert TicketEvent.objects.filter(ticket=open_ticket, type="sla_recomputed").count() == 1
    assert sweep_at(NOW + timedelta(minutes=20)) == []


def test_sweep_goes_on_when_the_broker_is_down(team, monkeypatch, django_capture_on_commit_callbacks):
    from tickets import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks.escalation_email_task, "apply_async", broker_down)
    with time_machine.travel(NOW, tick=False):
        for _ in range(3):
            make_ticket(team=team)
    with django_capture_on_commit_callbacks(execute=True):
        results = sweep_at(NOW + timedelta(minutes=20), batch_size=1)
    assert len(results) == 3
    assert Escalation.objects.count() == 3
