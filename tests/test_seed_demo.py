import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from tickets.models import Ticket
from tickets.services.escalation import sla_sweep

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_users_teams_and_some_overdue_tickets(capsys, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    call_command("seed_demo")
    out = capsys.readouterr().out
    for name in ("agent1", "agent2", "manager1", "admin"):
        assert name in out
    count = Ticket.objects.count()
    assert count >= 10
    escalated = sla_sweep()
    assert len(escalated) >= 1  # some of the live demo tickets are overdue
    history = Ticket.objects.filter(description="（历史演示数据）")
    assert not history.filter(pk__in=[result.ticket_id for result in escalated]).exists()
    assert history.count() >= 900 and not history.exclude(status__in=["resolved", "closed"]).exists()
    from aftersales.models import AfterSalesRequest, Approval
    from complaints.models import Complaint
    from surveys.models import SurveyResponse

    assert SurveyResponse.objects.count() >= 200  # the dashboard has satisfaction to show
    assert AfterSalesRequest.objects.exclude(ticket__in=history).count() == 3
    assert Approval.objects.filter(decided_at__isnull=True).count() == 1
    assert Complaint.objects.filter(severity="critical").exists()
    from workforce.models import Handover, Shift

    assert sorted(Shift.objects.values_list("name", flat=True)) == ["早班", "晚班"]
    assert Shift.objects.get(name="晚班").members.get().username == "agent2"
    assert Handover.objects.get().notes.startswith("询单未下单的买家")
    call_command("seed_demo")  # idempotent
    assert Ticket.objects.count() == count
    assert Shift.objects.count() == 2 and Handover.objects.count() == 1


def test_seed_demo_prints_a_working_api_key_for_the_demo_integration(capsys, settings, tmp_path):
    from rest_framework.test import APIClient

    settings.VAR_DIR = tmp_path
    call_command("seed_demo")
    key = (tmp_path / "demo-api-key.txt").read_text().strip()
    assert key in capsys.readouterr().out
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get("/api/v1/integrations/me/").json()["name"].startswith("演示淘宝店")
    call_command("seed_demo")  # the same key again, not a new one
    assert (tmp_path / "demo-api-key.txt").read_text().strip() == key


def test_seed_demo_open_aftersales_requests_are_in_policy_and_agent1_can_approve_one(settings, tmp_path):
    """The history's finished returns have orders of their own: they must not use up the quantities of the live
    demo orders, or every open request says "only 0 of 1 are left to return" and nobody can approve it."""
    from django.contrib.auth import get_user_model

    from aftersales.models import AfterSalesRequest
    from aftersales.selectors import approval_needed, request_policy_check
    from aftersales.services.transitions import aftersales_transition

    settings.VAR_DIR = tmp_path
    call_command("seed_demo", stdout=io.StringIO())
    open_requests = list(AfterSalesRequest.objects.exclude(status__in=["completed", "cancelled", "rejected"]))
    assert len(open_requests) == 3
    for request in open_requests:
        check = request_policy_check(request=request)
        assert check.ok, (request.ticket.subject, check.reasons)
    agent1 = get_user_model().objects.get(username="agent1")
    within_limit = [request for request in open_requests if not approval_needed(request=request, actor=agent1)]
    assert len(within_limit) == 2  # the ¥399 earphones refund waits for the manager
    request = within_limit[0]
    if request.status == "submitted":
        request = aftersales_transition(request=request, to_status="under_review", actor=agent1)
    approved = aftersales_transition(request=request, to_status="approved", actor=agent1)
    assert approved.status == "approved" and approved.approved_by == agent1
    # Each finished history request is on an order of the ticket's buyer, and claims no more than was bought.
    history = AfterSalesRequest.objects.filter(ticket__description="（历史演示数据）")
    assert history.count() > 100
    assert not history.exclude(order__customer=F("ticket__customer")).exists()
    assert not history.filter(order__in=[request.order_id for request in open_requests]).exists()


def test_seed_demo_dates_nothing_in_the_future(settings, tmp_path):
    """History is history: created when received, answered and followed up after the resolution, all before now."""
    from aftersales.models import AfterSalesRequest
    from surveys.models import SurveyFollowUp, SurveyInvitation, SurveyResponse
    from tickets.models import Escalation

    settings.VAR_DIR = tmp_path
    call_command("seed_demo", stdout=io.StringIO())
    now = timezone.now()
    for model, fields in (
        (Ticket, ["created_at", "received_at", "first_responded_at", "resolved_at", "closed_at", "updated_at"]),
        (SurveyInvitation, ["created_at", "completed_at"]),
        (SurveyResponse, ["submitted_at"]),
        (SurveyFollowUp, ["created_at", "done_at"]),
        (Escalation, ["due_at", "escalated_at", "acknowledged_at", "notified_at"]),
        (AfterSalesRequest, ["created_at", "completed_at"]),
    ):
        for field in fields:
            assert not model.objects.filter(**{f"{field}__gt": now}).exists(), f"{model.__name__}.{field}"
    history = Ticket.objects.filter(description="（历史演示数据）")
    assert history.count() >= 900
    slack = timedelta(minutes=1)
    assert not history.filter(created_at__gt=F("received_at") + slack).exists()
    assert not history.filter(created_at__lt=F("received_at") - slack).exists()
    assert not history.filter(resolved_at__lt=F("first_responded_at")).exists()
    # Survey answers come after the resolution of their ticket, follow-ups after the answer.
    assert SurveyResponse.objects.count() >= 200
    assert not SurveyResponse.objects.filter(submitted_at__lt=F("ticket__resolved_at")).exists()
    assert SurveyFollowUp.objects.exists()
    assert not SurveyFollowUp.objects.filter(done_at__lt=F("response__submitted_at")).exists()
    assert not AfterSalesRequest.objects.filter(ticket__in=history, created_at__gt=F("ticket__received_at") + slack)


def test_the_readme_and_make_run_describe_the_demo_users_as_seed_demo_made_them(settings, tmp_path):
    """The logins make run prints are read from the database; the README's table must say the same."""
    import re
    from pathlib import Path

    from django.conf import settings as django_settings

    from helpdesk.management.commands._demo_logins import DEMO_USERS, login_lines

    settings.VAR_DIR = tmp_path
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    printed = {m[1]: m[2] for m in (re.match(r"^  (\w+)\s+(.+)$", line) for line in login_lines()) if m}
    assert set(printed) == set(DEMO_USERS)
    for name, description in printed.items():
        assert f"  {name:<9} {description}" in out.getvalue()
    assert printed["agent1"] == "agent; teams 售前 Pre-sales, 售中 In-sales"
    assert printed["agent2"] == "agent; teams 售中 In-sales, 售后 After-sales, 投诉 Complaints"
    assert printed["manager1"].startswith("manager of every team")
    readme = (Path(django_settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    table = dict(re.findall(r"^\| `(\w+)` \| (.+?) \|$", readme, flags=re.MULTILINE))
    for name, description in printed.items():
        assert table.get(name) == description, name


def test_seed_demo_adds_skills_and_routing_rules_once(settings, tmp_path):
    from tests.factories import CustomerFactory, make_ticket
    from workforce.models import RoutingRule, Skill, TicketRouting

    settings.VAR_DIR = tmp_path
    call_command("seed_demo", "--no-logins")
    rules = RoutingRule.objects.count()
    assert rules >= 4 and set(Skill.objects.values_list("name", flat=True)) >= {"退款", "发票"}
    call_command("seed_demo", "--no-logins")  # idempotent
    assert RoutingRule.objects.count() == rules
    fire = make_ticket(subject="充电宝冒烟了", description="还要开发票", customer=CustomerFactory(tier="vip"))
    assert fire.priority == "urgent" and fire.restricted
    assert {"安全", "发票", "VIP"} <= set(fire.tags.values_list("name", flat=True))
    assert TicketRouting.objects.get(ticket=fire).required_skill.name == "发票"


def test_seed_demo_turns_on_least_loaded_assignment_and_gives_agents_capacities(settings, tmp_path):
    from workforce.models import AgentProfile, TeamWorkSettings

    settings.VAR_DIR = tmp_path
    call_command("seed_demo", "--no-logins", stdout=io.StringIO())
    modes = dict(TeamWorkSettings.objects.values_list("team__name", "assignment_mode"))
    assert modes == {"售前 Pre-sales": "least_loaded", "售中 In-sales": "least_loaded"}
    capacities = dict(AgentProfile.objects.values_list("user__username", "capacity"))
    assert capacities == {"agent1": 6, "agent2": 8, "manager1": 4}
    assert set(AgentProfile.objects.values_list("status", flat=True)) == {"offline"}  # they choose in the top bar
    call_command("seed_demo", "--no-logins", stdout=io.StringIO())  # idempotent
    assert TeamWorkSettings.objects.count() == 2 and AgentProfile.objects.count() == 3
