"""SLA depth: business calendars on tickets, policy matching, re-evaluation that keeps time used and paused,
the next-reply clock, warnings before breach and escalation chains."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.management import call_command

from accounts.roles import Role
from core.errors import ValidationFailed
from notifications.models import Notification
from tests.browser import staff_user
from tests.factories import CustomerFactory, UserFactory, make_ticket
from tickets.models import (
    BusinessCalendar,
    CalendarDay,
    Escalation,
    EscalationStep,
    SlaPolicy,
    TicketEvent,
    WorkingHours,
)
from tickets.services.assignment import ticket_set_team
from tickets.services.calendars import calendar_import_days
from tickets.services.classification import ticket_reclassify, ticket_set_priority
from tickets.services.clocks import sla_reevaluate_open_tickets
from tickets.services.escalation import escalation_send_email, sla_sweep
from tickets.services.messages import ticket_add_customer_message, ticket_reply
from tickets.services.transitions import ticket_transition

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
FRIDAY_EVENING = datetime(2026, 11, 20, 17, 55, tzinfo=SH)
MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=SH)


def at(moment):
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def office_calendar(db):
    calendar = BusinessCalendar.objects.create(name="Office")
    for weekday in range(5):
        WorkingHours.objects.create(calendar=calendar, weekday=weekday, start=time(9), end=time(12))
        WorkingHours.objects.create(calendar=calendar, weekday=weekday, start=time(13, 30), end=time(18))
    return calendar


@pytest.fixture
def policy(db):
    return SlaPolicy.objects.get()  # the default policy the migrations ship: 10 minutes / 24 hours


def test_a_team_calendar_stops_the_clock_outside_working_hours(team, office_calendar):
    team.calendar = office_calendar
    team.save()
    with at(FRIDAY_EVENING):
        ticket = make_ticket(team=team)
    # Five minutes on Friday, the weekend off, five more on Monday morning.
    assert ticket.first_response_due_at == datetime(2026, 11, 23, 9, 5, tzinfo=SH)
    with at(datetime(2026, 11, 21, 12, 0, tzinfo=SH)):
        assert sla_sweep() == []


def test_the_policy_calendar_wins_over_the_team_calendar(team, office_calendar, policy):
    always = BusinessCalendar.objects.create(name="7×24 VIP")
    WorkingHours.objects.create(calendar=always, weekday=4, start=time(0), end=time(0))
    team.calendar = office_calendar
    team.save()
    policy.calendar = always
    policy.save()
    with at(FRIDAY_EVENING):
        ticket = make_ticket(team=team)
    assert ticket.first_response_due_at == FRIDAY_EVENING + timedelta(minutes=10)


def test_shipped_chinese_holidays_move_deadlines_past_national_day(team, office_calendar):
    call_command("calendar_import", "--calendar", "Office", "--china-2026")
    assert CalendarDay.objects.filter(calendar=office_calendar).count() == 39
    team.calendar = office_calendar
    team.save()
    with at(datetime(2026, 9, 30, 17, 55, tzinfo=SH)):
        ticket = make_ticket(team=team)
    assert ticket.first_response_due_at == datetime(2026, 10, 8, 9, 5, tzinfo=SH)


def test_a_bad_holiday_file_is_refused_whole_with_the_line_named(office_calendar):
    with pytest.raises(ValidationFailed) as error:
        calendar_import_days(calendar=office_calendar, text="2026-10-01,holiday,国庆\n2026-13-01,holiday,x\n")
    assert "2026-13-01" in error.value.fields["file"][0]  # the bad line is named (in the reader's language)
    assert not CalendarDay.objects.exists()


def test_policies_match_by_channel_team_and_customer_tier_first_match_wins(team, policy):
    vip = SlaPolicy.objects.create(
        name="VIP chat", position=1, channel="chat", customer_tier="vip", first_response_minutes=2
    )
    SlaPolicy.objects.create(name="Team", position=2, team=team, first_response_minutes=5)
    vip_buyer = CustomerFactory(tier="vip")
    assert make_ticket(team=team, channel="chat", customer=vip_buyer).sla_policy == vip
    assert make_ticket(team=team, channel="phone", customer=vip_buyer).sla_policy.name == "Team"
    assert make_ticket(channel="chat", customer=vip_buyer).sla_policy == vip
    assert make_ticket(channel="chat").sla_policy == policy


def test_raising_the_priority_keeps_the_time_already_used_and_records_why(team, agent, policy):
    SlaPolicy.objects.create(name="Urgent", position=1, priority="urgent", first_response_minutes=5)
    with at(MONDAY):
        ticket = make_ticket(team=team)
    with at(MONDAY + timedelta(minutes=3)):
        ticket_set_priority(ticket=ticket, priority="urgent", actor=agent)
    ticket.refresh_from_db()
    assert ticket.sla_policy.name == "Urgent"
    assert ticket.first_response_due_at == MONDAY + timedelta(minutes=5)
    event = TicketEvent.objects.get(ticket=ticket, type="sla_recomputed")
    assert event.data["reason"] == "priority_changed"
    assert (event.data["old_policy"], event.data["new_policy"]) == (policy.name, "Urgent")
    assert event.data["used_seconds"] == 180


def test_a_tighter_target_already_passed_gives_a_due_time_in_the_past(team, agent):
    SlaPolicy.objects.create(name="Urgent", position=1, priority="urgent", first_response_minutes=5)
    with at(MONDAY):
        ticket = make_ticket(team=team)
    with at(MONDAY + timedelta(minutes=8)):
        ticket_set_priority(ticket=ticket, priority="urgent", actor=agent)
        results = sla_sweep()
    assert [(r.target, r.late_seconds) for r in results] == [("first_response", 180)]


def test_paused_time_survives_a_policy_change(team, agent, policy):
    with at(MONDAY):
        ticket = make_ticket(team=team)
        ticket_reply(ticket=ticket, author=agent, body="请提供订单号")
        ticket_transition(ticket=ticket, to_status="pending_customer", actor=agent)
    with at(MONDAY + timedelta(hours=2)):
        ticket_add_customer_message(ticket=ticket, body="订单号 123")
    with at(MONDAY + timedelta(hours=3)):
        ticket_set_priority(ticket=ticket, priority="high", actor=agent)
    ticket.refresh_from_db()
    assert ticket.sla_paused_seconds == 2 * 3600
    assert ticket.resolution_due_at == MONDAY + timedelta(hours=26)


def test_moving_to_a_team_with_a_calendar_keeps_time_used_on_the_old_clock(team, office_calendar, agent):
    from tests.factories import TeamFactory

    office_team = TeamFactory(name="Office team", calendar=office_calendar)
    with at(datetime(2026, 11, 23, 17, 56, tzinfo=SH)):
        ticket = make_ticket(team=team)  # 24×7
    with at(datetime(2026, 11, 23, 18, 4, tzinfo=SH)):
        ticket_set_team(ticket=ticket, team=office_team, actor=agent)
    ticket.refresh_from_db()
    # Eight minutes used under 24×7; the remaining two run from Tuesday 09:00 on the office calendar.
    assert ticket.first_response_due_at == datetime(2026, 11, 24, 9, 2, tzinfo=SH)
    assert TicketEvent.objects.get(ticket=ticket, type="sla_recomputed").data["reason"] == "team_changed"


# --- next reply ------------------------------------------------------------------------------------------------


@pytest.fixture
def next_reply_policy(policy):
    policy.next_reply_minutes = 30
    policy.save()
    return policy


def test_each_unanswered_customer_message_starts_a_next_reply_clock(team, agent, next_reply_policy):
    with at(MONDAY):
        ticket = make_ticket(team=team)
        ticket_reply(ticket=ticket, author=agent, body="您好")
    with at(MONDAY + timedelta(minutes=10)):
        ticket_add_customer_message(ticket=ticket, body="还在吗？")
    with at(MONDAY + timedelta(minutes=20)):
        ticket_add_customer_message(ticket=ticket, body="？？")  # the oldest unanswered one counts
    ticket.refresh_from_db()
    assert ticket.next_reply_due_at == MONDAY + timedelta(minutes=40)
    with at(MONDAY + timedelta(minutes=25)):
        ticket_reply(ticket=ticket, author=agent, body="在的")
    ticket.refresh_from_db()
    assert ticket.next_reply_due_at is None
    event = TicketEvent.objects.get(ticket=ticket, type="next_replied")
    assert event.data["on_time"] is True
    with at(MONDAY + timedelta(minutes=50)):
        ticket_add_customer_message(ticket=ticket, body="那什么时候发货")
    ticket.refresh_from_db()
    assert (ticket.next_reply_due_at, ticket.next_reply_cycle) == (MONDAY + timedelta(minutes=80), 2)


def test_a_late_next_reply_escalates_once_per_customer_message(team, agent, manager, next_reply_policy):
    with at(MONDAY):
        ticket = make_ticket(team=team)
        ticket_reply(ticket=ticket, author=agent, body="您好")
        ticket_add_customer_message(ticket=ticket, body="还在吗？")
    with at(MONDAY + timedelta(minutes=31)):
        assert [(r.target, r.level) for r in sla_sweep()] == [("next_reply", 1)]
        assert sla_sweep() == []
        ticket_reply(ticket=ticket, author=agent, body="抱歉久等")
        ticket_add_customer_message(ticket=ticket, body="好的，再问一下")
    with at(MONDAY + timedelta(minutes=62)):
        assert [(r.target, r.level) for r in sla_sweep()] == [("next_reply", 1)]
    assert list(Escalation.objects.order_by("cycle").values_list("cycle", flat=True)) == [1, 2]
    assert Escalation.objects.get(cycle=1).met_at == MONDAY + timedelta(minutes=31)


def test_a_customer_message_through_the_api_and_the_agent_page_restarts_the_clock(
    team, agent, next_reply_policy, api, client
):
    with at(MONDAY):
        ticket = make_ticket(team=team)
        ticket_reply(ticket=ticket, author=agent, body="您好")
    with at(MONDAY + timedelta(minutes=5)):
        response = api.post(f"/api/v1/tickets/{ticket.pk}/customer-messages/", {"body": "还在吗"}, format="json")
        assert response.status_code == 201, response.content
    ticket.refresh_from_db()
    assert ticket.next_reply_started_at == MONDAY + timedelta(minutes=5)
    with at(MONDAY + timedelta(minutes=6)):
        ticket_reply(ticket=ticket, author=agent, body="在")
    client.force_login(agent)
    with at(MONDAY + timedelta(minutes=9)):
        response = client.post(f"/tickets/{ticket.pk}/customer-message/", {"body": "买家电话里说：还没收到"})
        assert response.status_code in (200, 302)
    ticket.refresh_from_db()
    assert ticket.next_reply_started_at == MONDAY + timedelta(minutes=9)


# --- warnings ---------------------------------------------------------------------------------------------------


def test_the_assignee_is_warned_once_at_the_warning_point(team, agent, other_agent):
    team.members.add(other_agent)
    with at(MONDAY):
        ticket = make_ticket(team=team, assignee=agent)
    with at(MONDAY + timedelta(minutes=7, seconds=59)):
        sla_sweep()
    assert not Notification.objects.filter(verb="sla_warning").exists()
    with at(MONDAY + timedelta(minutes=8)):
        sla_sweep()
        sla_sweep()
    assert list(Notification.objects.filter(verb="sla_warning").values_list("recipient__username", flat=True)) == [
        "agent1"
    ]
    assert TicketEvent.objects.filter(ticket=ticket, type="sla_warned").count() == 1


def test_an_unassigned_ticket_warns_the_team(team, agent, other_agent):
    team.members.add(other_agent)
    with at(MONDAY):
        make_ticket(team=team)
    with at(MONDAY + timedelta(minutes=9)):
        sla_sweep()
    recipients = set(Notification.objects.filter(verb="sla_warning").values_list("recipient__username", flat=True))
    assert recipients == {"agent1", "agent2"}


def test_nobody_is_warned_at_night_about_a_clock_that_is_not_running(team, office_calendar, agent):
    team.calendar = office_calendar
    team.save()
    with at(datetime(2026, 11, 20, 17, 59, tzinfo=SH)):
        ticket = make_ticket(team=team, assignee=agent)
    ticket.refresh_from_db()
    assert ticket.sla_warn_at == datetime(2026, 11, 23, 9, 7, tzinfo=SH)
    with at(datetime(2026, 11, 21, 0, 0, tzinfo=SH)):
        sla_sweep()
    assert not Notification.objects.filter(verb="sla_warning").exists()
    with at(datetime(2026, 11, 23, 9, 7, tzinfo=SH)):
        sla_sweep()
    assert Notification.objects.filter(verb="sla_warning", recipient=agent).count() == 1


def test_a_paused_ticket_is_not_warned(team, agent):
    with at(MONDAY):
        ticket = make_ticket(team=team, assignee=agent)
        ticket_reply(ticket=ticket, author=agent, body="请补充照片")
        ticket_transition(ticket=ticket, to_status="pending_customer", actor=agent)
    with at(MONDAY + timedelta(hours=23)):
        sla_sweep()
    assert not Notification.objects.filter(verb="sla_warning").exists()


# --- escalation chains ------------------------------------------------------------------------------------------


@pytest.fixture
def head_of_service(db):
    """The head of customer service: a manager of no team, who sees every ticket."""
    return staff_user("head", Role.MANAGER, email="head@example.com")


@pytest.fixture
def chain(policy, head_of_service):
    step = EscalationStep.objects.create(policy=policy, level=2, after_minutes=30)
    step.notify_users.add(head_of_service)
    return step


def test_level_two_fires_thirty_minutes_after_level_one_if_still_unmet(team, manager, chain, head_of_service):
    with at(MONDAY):
        ticket = make_ticket(team=team)
    with at(MONDAY + timedelta(minutes=10)):
        assert [r.level for r in sla_sweep()] == [1]
    with at(MONDAY + timedelta(minutes=39)):
        assert sla_sweep() == []
    with at(MONDAY + timedelta(minutes=40)):
        assert [(r.target, r.level) for r in sla_sweep()] == [("first_response", 2)]
        assert sla_sweep() == []
    ticket.refresh_from_db()
    assert ticket.escalation_level == 2
    assert Notification.objects.filter(recipient=head_of_service, verb="escalated").count() == 1
    assert Notification.objects.filter(recipient=manager, verb="escalated").count() == 1
    level_two = Escalation.objects.get(level=2)
    assert escalation_send_email(escalation_id=level_two.pk) is True


def test_the_chain_stops_once_the_target_is_met(team, agent, chain):
    with at(MONDAY):
        ticket = make_ticket(team=team)
    with at(MONDAY + timedelta(minutes=10)):
        sla_sweep()
    with at(MONDAY + timedelta(minutes=20)):
        ticket_reply(ticket=ticket, author=agent, body="抱歉久等")
    with at(MONDAY + timedelta(hours=1)):
        assert sla_sweep() == []
    assert Escalation.objects.get().met_at == MONDAY + timedelta(minutes=20)


def test_a_role_can_be_a_chain_level(team, chain):
    group = Group.objects.get(name="Admin")
    boss = UserFactory(username="boss")
    boss.groups.add(group)
    chain.notify_group = group
    chain.save()
    with at(MONDAY):
        make_ticket(team=team)
    with at(MONDAY + timedelta(minutes=10)):
        sla_sweep()
    with at(MONDAY + timedelta(minutes=41)):
        sla_sweep()
    assert Notification.objects.filter(recipient=boss, verb="escalated").exists()


def test_editing_a_calendar_recomputes_its_open_tickets(team, office_calendar):
    team.calendar = office_calendar
    team.save()
    with at(FRIDAY_EVENING):
        ticket = make_ticket(team=team)
    with at(FRIDAY_EVENING + timedelta(minutes=30)):
        calendar_import_days(calendar=office_calendar, text="2026-11-23,holiday,公司年会\n")
        sla_reevaluate_open_tickets(reason="calendar_changed", calendar_id=office_calendar.pk)
    ticket.refresh_from_db()
    assert ticket.first_response_due_at == datetime(2026, 11, 24, 9, 5, tzinfo=SH)


# --- visibility -------------------------------------------------------------------------------------------------


def test_the_api_shows_every_clock_with_target_due_time_used_and_paused_time(
    team, agent, next_reply_policy, office_calendar, agent_api
):
    team.calendar = office_calendar
    team.save()
    with at(datetime(2026, 11, 23, 17, 50, tzinfo=SH)):
        ticket = make_ticket(team=team)
        ticket_reply(ticket=ticket, author=agent, body="请提供照片")
        ticket_transition(ticket=ticket, to_status="pending_customer", actor=agent)
    with at(datetime(2026, 11, 24, 9, 30, tzinfo=SH)):
        ticket_add_customer_message(ticket=ticket, body="照片在这")
    with at(datetime(2026, 11, 24, 9, 40, tzinfo=SH)):
        body = agent_api.get(f"/api/v1/tickets/{ticket.pk}/").json()
    assert body["sla_calendar"] == "Office"
    assert body["sla_policy"] == next_reply_policy.name
    clocks = {clock["target"]: clock for clock in body["sla"]}
    assert list(clocks) == ["first_response", "next_reply", "resolution"]
    assert clocks["first_response"]["state"] == "met"
    assert clocks["first_response"]["elapsed_seconds"] == 0
    # Paused from 17:50 to 09:30 the next day: ten working minutes (17:50–18:00 and 09:00–09:30 is 40).
    assert clocks["resolution"]["paused_seconds"] == 40 * 60
    assert clocks["resolution"]["elapsed_seconds"] == 10 * 60
    assert clocks["resolution"]["target_seconds"] == 24 * 3600
    assert clocks["next_reply"]["state"] == "on_time"
    assert clocks["next_reply"]["elapsed_seconds"] == 10 * 60
    assert clocks["next_reply"]["remaining_seconds"] == 20 * 60


def test_the_ticket_page_shows_each_clock_and_the_calendar(team, agent, office_calendar, client):
    team.calendar = office_calendar
    team.save()
    ticket = make_ticket(team=team)
    client.force_login(agent)
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert 'data-testid="clock-first_response"' in page
    assert 'data-testid="clock-resolution"' in page
    assert "Office" in page and "Asia/Shanghai" in page


# --- kind changes -----------------------------------------------------------------------------------------------


def test_an_inquiry_reclassified_as_a_complaint_gets_the_complaint_policy_and_workflow(team, agent, policy):
    SlaPolicy.objects.create(name="Complaints", position=1, kind="complaint", first_response_minutes=5)
    with at(MONDAY):
        ticket = make_ticket(team=team)
    with at(MONDAY + timedelta(minutes=2)):
        ticket_reclassify(ticket=ticket, kind="complaint", category="logistics", actor=agent)
    ticket.refresh_from_db()
    assert (ticket.kind, ticket.sla_policy.name) == ("complaint", "Complaints")
    assert ticket.first_response_due_at == MONDAY + timedelta(minutes=5)
    assert TicketEvent.objects.get(ticket=ticket, type="sla_recomputed").data["reason"] == "kind_changed"
    assert ticket.complaint is not None  # the complaint workflow started


def test_a_complaint_cannot_become_another_kind(team, agent):
    from core.errors import Conflict

    ticket = make_ticket(team=team, kind="complaint", category="logistics")
    with pytest.raises(Conflict):
        ticket_reclassify(ticket=ticket, kind="inquiry", category="other", actor=agent)
    ticket_reclassify(ticket=ticket, kind="complaint", category="service_attitude", actor=agent)
    ticket.refresh_from_db()
    assert ticket.category == "service_attitude"


def test_reclassifying_over_the_api_and_a_refusal_is_a_4xx(team, agent_api):
    ticket = make_ticket(team=team, kind="complaint", category="logistics")
    response = agent_api.patch(f"/api/v1/tickets/{ticket.pk}/", {"kind": "inquiry", "category": "other"}, format="json")
    assert response.status_code == 409
    response = agent_api.patch(f"/api/v1/tickets/{ticket.pk}/", {"category": "product_quality"}, format="json")
    assert response.status_code == 200
    assert response.json()["category"] == "product_quality"
    response = agent_api.patch(f"/api/v1/tickets/{ticket.pk}/", {"category": "refund_only"}, format="json")
    assert response.status_code == 400


def test_a_gap_in_the_chain_levels_does_not_end_the_chain(team, policy, head_of_service):
    step = EscalationStep.objects.create(policy=policy, level=3, after_minutes=30)
    step.notify_users.add(head_of_service)
    with at(MONDAY):
        make_ticket(team=team)
    with at(MONDAY + timedelta(minutes=10)):
        sla_sweep()
    with at(MONDAY + timedelta(minutes=40)):
        assert [(r.target, r.level) for r in sla_sweep()] == [("first_response", 3)]
    assert Notification.objects.filter(recipient=head_of_service, verb="escalated").count() == 1
    assert escalation_send_email(escalation_id=Escalation.objects.get(level=3).pk) is True


def test_the_calendar_admin_refuses_an_unknown_time_zone_and_saves_hours(client, django_capture_on_commit_callbacks):
    admin_user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    form = {
        "name": "Night shift",
        "time_zone": "Mars/Olympus",
        "makeup_day_hours": "0",
        "description": "",
        "hours-TOTAL_FORMS": "1",
        "hours-INITIAL_FORMS": "0",
        "hours-0-weekday": "0",
        "hours-0-start": "22:00",
        "hours-0-end": "02:00",
        "days-TOTAL_FORMS": "0",
        "days-INITIAL_FORMS": "0",
    }
    response = client.post("/admin/tickets/businesscalendar/add/", form)
    assert response.status_code == 200 and not BusinessCalendar.objects.exists()
    form["time_zone"] = "Asia/Shanghai"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/tickets/businesscalendar/add/", form)
    assert response.status_code == 302
    calendar = BusinessCalendar.objects.get()
    assert [(h.start, h.end) for h in calendar.hours.all()] == [(time(22), time(2))]
