"""Ask for help (求助主管): ticket_request_help, its page form, the Escalations page, the API, and what the SLA
side must ignore (chains, compliance, the escalation e-mail sent once)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import translation

from accounts.roles import Role
from core.errors import Conflict, NotFound, ValidationFailed
from notifications.models import Notification
from reports.filters import ReportFilters
from reports.registry import run_report
from tests.conftest import _with_role
from tests.factories import TeamFactory, UserFactory, make_ticket
from tickets.models import Escalation, TicketEvent
from tickets.services.assignment import ticket_assign, ticket_take
from tickets.services.escalation import escalation_emails_recover, escalation_send_email, sla_sweep
from tickets.services.help import ticket_request_help
from webhooks.payloads import webhook_type_for

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


@pytest.fixture
def queued(monkeypatch):  # type: ignore[no-untyped-def]
    """The escalation e-mail tasks queued (their arguments), instead of a broker."""
    from tickets import tasks

    calls: list[tuple[int, ...]] = []
    monkeypatch.setattr(tasks.escalation_email_task, "apply_async", lambda args, **kwargs: calls.append(args))
    return calls


@pytest.fixture
def ticket(team):  # type: ignore[no-untyped-def]
    return make_ticket(team=team)


def _ask(ticket, actor, reason="买家要求赔偿，超出我的权限"):  # type: ignore[no-untyped-def]
    return ticket_request_help(ticket=ticket, actor=actor, reason=reason)


# --- the service ---------------------------------------------------------------------------------------------


def test_asking_for_help_makes_a_requested_escalation_an_event_and_notifies_the_managers_after_commit(
    ticket, agent, manager, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        escalation = _ask(ticket, agent)
        assert queued == []  # nothing queued inside the transaction
    assert callbacks
    assert (escalation.target, escalation.level, escalation.team_id) == ("requested", 1, ticket.team_id)
    assert (escalation.requested_by, escalation.reason) == (agent, "买家要求赔偿，超出我的权限")
    assert escalation.due_at == escalation.escalated_at and escalation.acknowledged_at is None
    event = TicketEvent.objects.get(ticket=ticket, type="escalated")
    assert (event.actor, event.data["target"], event.data["reason"]) == (agent, "requested", escalation.reason)
    assert [n.recipient for n in Notification.objects.filter(verb="help_requested")] == [manager]
    assert queued == [(escalation.pk,)]
    ticket.refresh_from_db()
    assert ticket.escalation_level == 0  # no SLA breach
    assert ticket.first_response_breached_at is None


def test_only_one_open_help_request_per_ticket_and_another_after_a_manager_took_it_up(ticket, agent, manager):
    _ask(ticket, agent)
    with pytest.raises(Conflict) as refused, translation.override("en"):
        _ask(ticket, agent, "还是不行")
    assert refused.value.status_code == 409
    assert f"Help was already requested on {ticket.reference}" in refused.value.message
    ticket_assign(ticket=ticket, assignee=agent, actor=manager)  # a manager reassigning acknowledges it
    second = _ask(ticket, agent, "还是不行")
    assert (second.cycle, Escalation.objects.filter(target="requested").count()) == (1, 2)


@pytest.mark.parametrize("reason", ["", "   ", "长" * 2001])
def test_the_reason_is_required_and_at_most_2000_characters(ticket, agent, reason):
    with pytest.raises(ValidationFailed) as refused:
        _ask(ticket, agent, reason)
    assert "reason" in refused.value.fields
    assert not Escalation.objects.exists()


def test_a_reason_of_exactly_2000_characters_is_accepted(ticket, agent):
    assert len(_ask(ticket, agent, "长" * 2000).reason) == 2000


def test_an_agent_who_may_not_see_the_ticket_gets_not_found(ticket):
    outsider = _with_role(UserFactory(username="outsider"), Role.AGENT)  # scope "teams", in no team
    with pytest.raises(NotFound):
        _ask(ticket, outsider)
    assert not Escalation.objects.exists()


def test_only_managers_who_may_see_the_ticket_are_notified_and_not_the_asker(agent, manager):
    """A team without managers: every manager who may see the ticket (not one of another team's, on a restricted
    ticket), and a manager asking does not notify themselves."""
    lonely = TeamFactory(name="夜班")
    lonely.members.add(agent)
    other_team = TeamFactory(name="售前")
    outsider_manager = _with_role(UserFactory(username="pre_manager"), Role.MANAGER)
    other_team.managers.add(outsider_manager)
    ticket = make_ticket(team=lonely)
    ticket.restricted = True
    ticket.save(update_fields=["restricted"])
    admin = _with_role(UserFactory(username="boss"), Role.ADMIN)
    _ask(ticket, agent)
    notified = {n.recipient.username for n in Notification.objects.filter(verb="help_requested")}
    assert outsider_manager.username not in notified
    assert admin.username in notified


def test_a_manager_taking_the_ticket_acknowledges_the_help_request(ticket, agent, manager):
    escalation = _ask(ticket, agent)
    ticket_take(ticket=ticket, actor=manager)
    escalation.refresh_from_db()
    assert (escalation.acknowledged_by, escalation.is_open) == (manager, False)


def test_a_help_request_is_no_webhook(ticket, agent):
    _ask(ticket, agent)
    assert webhook_type_for(TicketEvent.objects.get(type="escalated")) is None


# --- the SLA side ignores it --------------------------------------------------------------------------------


def test_a_help_request_leaves_sla_compliance_and_the_escalation_count_alone(team, agent):
    with time_machine.travel(NOW, tick=False):
        ticket = make_ticket(team=team)
        _ask(ticket, agent)
    with time_machine.travel(NOW + timedelta(minutes=20), tick=False):
        sla_sweep()  # breaches the first response: one SLA escalation; the help request arms no chain
    assert Escalation.objects.filter(target="first_response").count() == 1
    day = NOW.date()
    [everything] = [
        row for row in run_report("sla", ReportFilters(start=day, end=day)).rows if row["dimension"] == "all"
    ]
    assert (everything["escalations"], everything["escalated_tickets"], everything["help_requests"]) == (1, 1, 1)


def test_a_help_request_alone_is_not_an_escalated_ticket_in_the_reports(team, agent):
    with time_machine.travel(NOW, tick=False):
        ticket = make_ticket(team=team)
        _ask(ticket, agent)
    day = NOW.date()
    sla_rows = list(run_report("sla", ReportFilters(start=day, end=day)).rows)
    everything = sla_rows[0]
    assert (everything["escalations"], everything["escalated_tickets"], everything["help_requests"]) == (0, 0, 1)
    assert everything["sla_compliance"] is None  # open within its targets: undecided, as without the request
    [raw] = list(run_report("tickets", ReportFilters(start=day, end=day)).rows)
    assert (raw["escalations"], raw["help_requests"], raw["sla_met"]) == (0, 1, "")
    agents = list(run_report("agents", ReportFilters(start=day, end=day)).rows)
    assert sum(row["help_requests"] for row in agents) == 1
    assert sum(row["escalations"] for row in agents) == 0


def test_the_escalation_e_mail_recovery_sends_a_help_request_once(ticket, agent, manager, mailoutbox, monkeypatch):
    from tickets import tasks

    def broker_down(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks.escalation_email_task, "apply_async", broker_down)
    with time_machine.travel(NOW, tick=False):
        escalation = _ask(ticket, agent, "买家威胁投诉到平台")
    with time_machine.travel(NOW + timedelta(minutes=2), tick=False):
        assert escalation_emails_recover() == 1
    with time_machine.travel(NOW + timedelta(minutes=3), tick=False):
        assert escalation_emails_recover() == 0
    assert escalation_send_email(escalation_id=escalation.pk) is False
    [mail] = mailoutbox
    assert mail.to == [manager.email]
    assert ticket.reference in mail.subject and "买家威胁投诉到平台" in mail.body


# --- pages ---------------------------------------------------------------------------------------------------


def _client(user):  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_the_ticket_page_asks_for_help_and_then_says_it_is_waiting(ticket, agent):
    client = _client(agent)
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "Ask a manager for help" in page and 'data-testid="help-request-open-form"' in page
    response = client.post(f"/tickets/{ticket.pk}/help-request/", {"reason": "需要主管批准退款"})
    assert response.status_code == 302
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert 'data-testid="help-request-open"' in page
    assert "Help requested by agent1: 需要主管批准退款" in page  # the timeline line
    refused = client.post(f"/tickets/{ticket.pk}/help-request/", {"reason": "再问一次"})
    assert refused.status_code == 400 and "already requested" in refused.content.decode()
    blank = client.post(f"/tickets/{ticket.pk}/help-request/", {"reason": ""})
    assert blank.status_code == 400
    assert Escalation.objects.count() == 1


def test_the_help_form_is_404_for_an_agent_who_may_not_see_the_ticket(ticket):
    outsider = _with_role(UserFactory(username="outsider"), Role.AGENT)
    response = _client(outsider).post(f"/tickets/{ticket.pk}/help-request/", {"reason": "x"})
    assert response.status_code == 404


def test_the_escalations_page_lists_help_requests_with_who_asked_and_why_and_filters_by_type(team, agent, manager):
    with time_machine.travel(NOW, tick=False):
        breached = make_ticket(team=team, subject="超时工单")
        asked = make_ticket(team=team, subject="求助工单")
        _ask(asked, agent, "买家要求经理回电")
    with time_machine.travel(NOW + timedelta(minutes=20), tick=False):
        sla_sweep()
    client = _client(manager)
    everything = client.get("/escalations/").content.decode()
    assert "超时工单" in everything and "求助工单" in everything
    assert "Help requested" in everything and "by agent1" in everything and "买家要求经理回电" in everything
    help_only = client.get("/escalations/?type=help")
    assert [row["ticket"].pk for row in help_only.context["rows"]] == [asked.pk]
    sla_only = client.get("/escalations/?type=sla")
    # Both tickets' first responses breached at the sweep: two SLA rows, and not the help request.
    assert {row["ticket"].pk for row in sla_only.context["rows"]} == {breached.pk, asked.pk}
    assert all(row["escalation"].target != "requested" for row in sla_only.context["rows"])
    assert 'href="?all=1&amp;type=help"' in help_only.content.decode()  # the open/all tabs keep the type
    # Taking it from the page acknowledges it: it leaves the open tab.
    client.post(f"/tickets/{asked.pk}/take/", {"next": "escalations"})
    assert client.get("/escalations/?type=help").context["rows"] == []


# --- API -----------------------------------------------------------------------------------------------------


def test_the_api_creates_a_help_request_then_refuses_a_second_with_409(ticket, agent_api, manager_api):
    url = f"/api/v1/tickets/{ticket.pk}/help-requests/"
    created = agent_api.post(url, {"reason": "需要帮助"}, format="json", HTTP_IDEMPOTENCY_KEY="help-1")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["target"], body["reason"], body["requested_by"]["username"]) == ("requested", "需要帮助", "agent1")
    replay = agent_api.post(url, {"reason": "需要帮助"}, format="json", HTTP_IDEMPOTENCY_KEY="help-1")
    assert (replay.status_code, replay.json()["id"]) == (201, body["id"])  # the same answer, not a second row
    again = agent_api.post(url, {"reason": "还需要"}, format="json")
    assert again.status_code == 409
    listed = manager_api.get("/api/v1/escalations/?type=help").json()["results"]
    assert [(e["id"], e["target"], e["reason"]) for e in listed] == [(body["id"], "requested", "需要帮助")]
    assert manager_api.get("/api/v1/escalations/?type=sla").json()["results"] == []


@pytest.mark.parametrize("payload", [{}, {"reason": ""}, {"reason": "长" * 2001}])
def test_the_api_refuses_a_missing_or_too_long_reason_with_400(ticket, agent_api, payload):
    response = agent_api.post(f"/api/v1/tickets/{ticket.pk}/help-requests/", payload, format="json")
    assert response.status_code == 400
    assert "reason" in str(response.json())
    assert not Escalation.objects.exists()


def test_the_api_answers_404_to_an_agent_who_may_not_see_the_ticket(ticket):
    from rest_framework.test import APIClient

    outsider = _with_role(UserFactory(username="outsider"), Role.AGENT)
    client = APIClient()
    client.force_authenticate(outsider)
    response = client.post(f"/api/v1/tickets/{ticket.pk}/help-requests/", {"reason": "x"}, format="json")
    assert response.status_code == 404


def test_the_ticket_api_hides_the_reason_from_keys_without_notes_read(ticket, agent):
    _ask(ticket, agent, "内部原因")
    from tickets.api.serializers import TicketDetailOutput
    from tickets.selectors import ticket_get_for_agent

    loaded = ticket_get_for_agent(pk=ticket.pk, user=agent)
    hidden = TicketDetailOutput(loaded, context={"may_read_notes": False}).data
    assert [e["reason"] for e in hidden["escalations"]] == [""]
    assert all("reason" not in e["data"] for e in hidden["events"] if e["type"] == "escalated")
    shown = TicketDetailOutput(loaded, context={"may_read_notes": True}).data
    assert [e["reason"] for e in shown["escalations"]] == ["内部原因"]
