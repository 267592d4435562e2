from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from notifications.models import Notification
from tests.factories import UserFactory, make_ticket
from tickets.models import Escalation, Ticket, TicketEvent
from tickets.services.assignment import ticket_assign, ticket_set_team
from tickets.services.classification import ticket_set_priority
from tickets.services.escalation import sla_sweep
from tickets.services.messages import ticket_add_note, ticket_reply
from tickets.services.transitions import ticket_transition

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent_client(agent):
    client = Client()
    client.force_login(agent)
    return client


@pytest.fixture
def manager_client(manager):
    client = Client()
    client.force_login(manager)
    return client


def test_login_page_and_redirect_for_anonymous(client):
    assert client.get("/").status_code == 302
    assert client.get("/login/").status_code == 200


def test_login_with_password_reaches_the_inbox(client, agent):
    response = client.post("/login/", {"username": "agent1", "password": "secret-pass-123"}, follow=True)
    assert response.status_code == 200
    assert response.request["PATH_INFO"] == "/"


def test_users_without_a_role_cannot_open_the_inbox(client):
    client.force_login(UserFactory(username="nobody"))
    assert client.get("/").status_code == 403


def test_inbox_views_mine_team_and_open_sorted_by_nearest_deadline(agent_client, agent, team):
    later = make_ticket(subject="later", assignee=agent, received_at=timezone.now() - timedelta(minutes=1))
    sooner = make_ticket(subject="sooner", assignee=agent, received_at=timezone.now() - timedelta(minutes=8))
    unassigned = make_ticket(subject="team queue", team=team)
    elsewhere = make_ticket(subject="not my team")

    mine = agent_client.get("/?view=mine").context["page"].object_list
    assert [t.pk for t in mine] == [sooner.pk, later.pk]
    team_view = agent_client.get("/?view=team").context["page"].object_list
    assert [t.pk for t in team_view] == [unassigned.pk]
    everything = agent_client.get("/?view=open").context["page"].object_list
    assert {t.pk for t in everything} == {later.pk, sooner.pk, unassigned.pk, elsewhere.pk}


def test_inbox_shows_sla_badges_and_filters(agent_client, agent):
    make_ticket(subject="overdue one", received_at=timezone.now() - timedelta(minutes=30), assignee=agent)
    make_ticket(subject="fresh one", kind="complaint", category="logistics", assignee=agent)
    html = agent_client.get("/?view=mine").content.decode()
    assert "sla-overdue" in html and "sla-on_time" in html
    assert [t.subject for t in agent_client.get("/?view=mine&overdue=on").context["page"].object_list] == [
        "overdue one"
    ]
    assert [t.subject for t in agent_client.get("/?view=mine&kind=complaint").context["page"].object_list] == [
        "fresh one"
    ]


def test_inbox_query_count_does_not_grow_with_rows(agent_client, agent, django_assert_max_num_queries):
    for _ in range(20):
        make_ticket(assignee=agent)
    with django_assert_max_num_queries(14):
        response = agent_client.get("/?view=mine")
    assert len(response.context["rows"]) == 20


def test_ticket_page_shows_panels_timeline_and_masked_phone(agent_client, agent):
    from tests.factories import OrderLineFactory

    line = OrderLineFactory()
    ticket = make_ticket(customer=line.order.customer, order=line.order)
    ticket_add_note(ticket=ticket, author=agent, body="内部备注")
    html = agent_client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert ticket.reference in html
    assert "138****5678" in html and "13812345678" not in html
    assert line.order.order_number in html and line.sku in html
    assert "内部备注" in html


def test_ticket_text_is_rendered_escaped(agent_client):
    ticket = make_ticket(subject="<script>alert(1)</script>", description="<img src=x onerror=alert(2)>")
    html = agent_client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html


def test_ticket_page_query_count_is_bounded(agent_client, agent, django_assert_max_num_queries):
    ticket = make_ticket()
    for n in range(10):
        ticket_reply(ticket=ticket, author=agent, body=f"reply {n}")
    with django_assert_max_num_queries(20):
        assert agent_client.get(f"/tickets/{ticket.pk}/").status_code == 200


def test_reply_from_the_page_stops_the_first_response_clock(agent_client):
    ticket = make_ticket()
    response = agent_client.post(f"/tickets/{ticket.pk}/reply/", {"body": "您好，已为您催促仓库。"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.first_responded_at is not None and ticket.status == "open"


def test_empty_reply_from_the_page_is_a_form_error(agent_client):
    ticket = make_ticket()
    response = agent_client.post(f"/tickets/{ticket.pk}/reply/", {"body": ""})
    assert response.status_code == 400
    assert ticket.messages.count() == 0


def test_forbidden_status_change_from_the_page_is_a_form_error(agent_client):
    ticket = make_ticket()
    response = agent_client.post(f"/tickets/{ticket.pk}/status/", {"status": "closed"})
    assert response.status_code == 400
    assert "form-error" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == "new"


def test_take_it_button_assigns_to_me(agent_client, agent):
    ticket = make_ticket()
    agent_client.post(f"/tickets/{ticket.pk}/take/")
    ticket.refresh_from_db()
    assert ticket.assignee == agent


def test_controls_change_priority_team_and_assignee(agent_client, team, other_agent):
    other_agent.groups.add(*other_agent.groups.all())
    ticket = make_ticket()
    agent_client.post(f"/tickets/{ticket.pk}/priority/", {"priority": "high"})
    agent_client.post(f"/tickets/{ticket.pk}/team/", {"team": team.pk})
    agent_client.post(f"/tickets/{ticket.pk}/assignee/", {"assignee": other_agent.pk})
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.team, ticket.assignee) == ("high", team, other_agent)
    assert Notification.objects.filter(recipient=other_agent, verb="assigned").count() == 1


def test_unknown_ticket_page_is_a_404(agent_client):
    assert agent_client.get("/tickets/999999/").status_code == 404


def test_record_a_phone_contact_as_a_new_ticket(agent_client, agent):
    from tests.factories import CustomerFactory, OrderFactory

    OrderFactory(customer=CustomerFactory(platform="taobao", platform_account_id="tb_caller"), order_number="TB999")
    form = {
        "kind": "complaint",
        "category": "logistics",
        "channel": "phone",
        "priority": "high",
        "subject": "快递三天没更新",
        "description": "客户来电投诉物流停滞",
        "customer_platform": "taobao",
        "customer_account": "tb_caller",
        "customer_name": "赵先生",
        "customer_phone": "13700001111",
        "customer_email": "",
        "customer_tier": "regular",
        "order_number": "TB999",
    }
    response = agent_client.post("/tickets/new/", form)
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert (ticket.kind, ticket.channel, ticket.created_by, ticket.order.order_number) == (
        "complaint",
        "phone",
        agent,
        "TB999",
    )


def _phone_ticket_form(**overrides):  # type: ignore[no-untyped-def]
    return {
        "kind": "inquiry",
        "category": "order_query",
        "channel": "phone",
        "priority": "normal",
        "subject": "来电问发货",
        "customer_platform": "taobao",
        "customer_account": "tb_phone",
        "customer_name": "钱女士",
        **overrides,
    }


def test_an_agent_who_logs_a_phone_ticket_becomes_its_assignee_unless_they_untick_it(agent_client, agent):
    assert agent_client.post("/tickets/new/", _phone_ticket_form(assign_to_me="on")).status_code == 302
    assert Ticket.objects.get().assignee == agent
    assert agent_client.post("/tickets/new/", _phone_ticket_form(subject="留给团队")).status_code == 302
    assert Ticket.objects.get(subject="留给团队").assignee is None
    page = agent_client.get("/tickets/new/").content.decode()
    assert 'name="assign_to_me"' in page and "checked" in page.split('name="assign_to_me"')[1][:60]


def test_whoever_works_an_unassigned_ticket_becomes_its_assignee(agent, other_agent, integration_user):
    replied = make_ticket()
    ticket_reply(ticket=replied, author=agent, body="您好")
    replied.refresh_from_db()
    assert replied.assignee == agent
    ticket_reply(ticket=replied, author=other_agent, body="补充一下")  # assigned already: it stays
    replied.refresh_from_db()
    assert replied.assignee == agent

    moved = make_ticket()
    ticket_transition(ticket=moved, to_status="resolved", actor=integration_user)  # not an agent: no claim
    moved.refresh_from_db()
    assert moved.assignee is None
    ticket_transition(ticket=moved, to_status="open", actor=other_agent)
    moved.refresh_from_db()
    assert moved.assignee == other_agent
    assert TicketEvent.objects.filter(ticket=moved, type="assigned", data__new=other_agent.pk).exists()


def test_new_ticket_form_shows_errors_and_keeps_input(agent_client):
    form = {
        "kind": "inquiry",
        "category": "exchange",
        "channel": "phone",
        "priority": "normal",
        "subject": "",
        "customer_platform": "taobao",
        "customer_account": "tb_x",
        "customer_name": "钱女士",
        "customer_tier": "regular",
    }
    response = agent_client.post("/tickets/new/", form)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "subject" in errors and "category" in errors
    assert "钱女士" in response.content.decode()
    assert Ticket.objects.count() == 0


def test_escalations_view_lists_overdue_tickets_with_reason_and_lateness(manager_client, team):
    ticket = make_ticket(team=team, received_at=timezone.now() - timedelta(minutes=25))
    sla_sweep()
    response = manager_client.get("/escalations/")
    assert response.status_code == 200
    row = response.context["rows"][0]
    assert row["ticket"].pk == ticket.pk and row["late_seconds"] >= 15 * 60
    assert ticket.reference in response.content.decode()


def test_escalations_view_is_for_managers_only(agent_client):
    assert agent_client.get("/escalations/").status_code == 403


def test_manager_reassigns_from_the_escalations_view(manager_client, team, agent):
    ticket = make_ticket(team=team, received_at=timezone.now() - timedelta(minutes=25))
    sla_sweep()
    manager_client.post(f"/escalations/{ticket.pk}/reassign/", {"assignee": agent.pk})
    ticket.refresh_from_db()
    assert ticket.assignee == agent
    assert Escalation.objects.get().acknowledged_at is not None
    assert manager_client.get("/escalations/").context["rows"] == []


def test_notifications_list_and_mark_read(manager_client, manager, team):
    make_ticket(team=team, received_at=timezone.now() - timedelta(minutes=25))
    sla_sweep()
    assert manager_client.get("/").context["unread_notification_count"] == 1
    assert manager_client.get("/notifications/").status_code == 200
    manager_client.post("/notifications/read/")
    assert Notification.objects.filter(recipient=manager, read_at__isnull=True).count() == 0


def test_language_switch_to_english(agent_client):
    agent_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "My tickets" in agent_client.get("/").content.decode()


def test_pages_follow_the_browser_language_chinese_by_default(agent):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    client.force_login(agent)
    html = client.get("/").content.decode()
    assert "我的工单" in html and "My tickets" not in html
    english = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    english.force_login(agent)
    assert "My tickets" in english.get("/").content.decode()


def test_times_show_in_the_users_time_zone(agent):
    agent.time_zone = "Europe/London"
    agent.save()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(agent)
    from datetime import UTC, datetime

    ticket = make_ticket(received_at=datetime(2026, 1, 5, 8, 0, tzinfo=UTC))
    assert "Received 2026-01-05 08:00" in client.get(f"/tickets/{ticket.pk}/").content.decode()
    agent.time_zone = "Asia/Shanghai"
    agent.save()
    assert "Received 2026-01-05 16:00" in client.get(f"/tickets/{ticket.pk}/").content.decode()


def test_manager_reveals_the_phone_on_the_ticket_page_and_it_is_logged(manager_client, agent_client, manager):
    from audit.models import AuditEntry

    reveals = AuditEntry.objects.filter(action="contact_revealed", target_type="customers.customer")
    ticket = make_ticket()
    page = manager_client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "13812345678" not in page and "reveal-contact" in page
    assert "reveal-contact" not in agent_client.get(f"/tickets/{ticket.pk}/").content.decode()
    url = f"/customers/{ticket.customer_id}/reveal-contact/?context={ticket.reference}"
    fragment = manager_client.post(url, HTTP_HX_REQUEST="true")
    assert "13812345678" in fragment.content.decode()
    assert (
        reveals.filter(actor=manager, target_id=ticket.customer_id, context=ticket.reference, source="page").count()
        == 1
    )
    assert agent_client.post(url).status_code == 403
    assert reveals.count() == 1


def test_inbox_partial_refresh_returns_only_the_table(agent_client, agent):
    make_ticket(assignee=agent, subject="partial one")
    response = agent_client.get("/?view=mine&partial=1", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "partial one" in html and "<html" not in html


def test_escalations_page_query_count_does_not_grow_with_rows(manager_client, team, django_assert_max_num_queries):
    for _ in range(12):
        make_ticket(team=team, received_at=timezone.now() - timedelta(minutes=25))
    sla_sweep()
    with django_assert_max_num_queries(12):
        response = manager_client.get("/escalations/")
    assert len(response.context["rows"]) == 12


def test_reassign_without_choosing_an_agent_changes_nothing(manager_client, team, agent):
    ticket = make_ticket(team=team, assignee=agent, received_at=timezone.now() - timedelta(minutes=25))
    sla_sweep()
    manager_client.post(f"/escalations/{ticket.pk}/reassign/", {"assignee": ""})
    ticket.refresh_from_db()
    assert ticket.assignee == agent
    assert Escalation.objects.get().acknowledged_at is None


def test_new_ticket_status_menu_offers_only_allowed_moves(agent_client):
    ticket = make_ticket()
    choices = [value for value, _ in agent_client.get(f"/tickets/{ticket.pk}/").context["status_choices"]]
    assert choices == ["open", "resolved"]


def test_mark_read_ignores_ids_that_are_not_numbers(manager_client):
    assert manager_client.post("/notifications/read/", {"id": ["99999999999999999999999", "x"]}).status_code == 302


CONTACT_FORM = {
    "kind": "inquiry",
    "category": "order_query",
    "channel": "phone",
    "priority": "normal",
    "subject": "订单在哪",
    "customer_platform": "douyin",
    "customer_account": "dy_caller",
    "customer_name": "孙女士",
    "customer_tier": "",
}


def test_contact_form_refuses_an_unknown_order_number_instead_of_inventing_an_order(agent_client):
    from customers.models import Order

    response = agent_client.post("/tickets/new/", {**CONTACT_FORM, "order_number": "XX999"})
    assert response.status_code == 400
    assert "order_number" in response.context["form"].errors
    assert Ticket.objects.count() == 0 and Order.objects.count() == 0


def test_contact_form_refuses_another_customers_order(agent_client):
    from tests.factories import CustomerFactory, OrderFactory

    OrderFactory(customer=CustomerFactory(platform="douyin"), platform="douyin", order_number="DY123")
    response = agent_client.post("/tickets/new/", {**CONTACT_FORM, "order_number": "DY123"})
    assert response.status_code == 400
    assert "order_number" in response.context["form"].errors


def test_closed_ticket_keeps_its_priority_team_and_assignee(agent, team):
    from core.errors import Conflict

    ticket = make_ticket()
    # Closed by the system (an agent who resolves an unassigned ticket would become its assignee).
    ticket_transition(ticket=ticket, to_status="resolved", actor=None)
    ticket_transition(ticket=ticket, to_status="closed", actor=None)
    for change in (
        lambda: ticket_set_priority(ticket=ticket, priority="urgent", actor=agent),
        lambda: ticket_set_team(ticket=ticket, team=team, actor=agent),
        lambda: ticket_assign(ticket=ticket, assignee=agent, actor=agent),
    ):
        with pytest.raises(Conflict):
            change()
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.team, ticket.assignee) == ("normal", None, None)


def test_opening_a_notification_marks_it_read_and_follows_its_link(manager_client, manager, team):
    ticket = make_ticket(team=team, received_at=timezone.now() - timedelta(minutes=25))
    sla_sweep()
    notification = Notification.objects.get(recipient=manager)
    response = manager_client.get(f"/notifications/{notification.pk}/open/")
    assert response.status_code == 302 and response["Location"] == f"/tickets/{ticket.pk}/"
    notification.refresh_from_db()
    assert notification.is_read


def test_someone_elses_notification_cannot_be_opened(agent_client, manager, team):
    make_ticket(team=team, received_at=timezone.now() - timedelta(minutes=25))
    sla_sweep()
    notification = Notification.objects.get(recipient=manager)
    assert agent_client.get(f"/notifications/{notification.pk}/open/").status_code == 404
    notification.refresh_from_db()
    assert not notification.is_read


def test_inbox_says_which_filters_were_ignored_and_applies_the_rest(agent_client, agent):
    make_ticket(assignee=agent, kind="complaint", category="logistics", subject="complaint one")
    make_ticket(assignee=agent, subject="inquiry one")
    response = agent_client.get("/?view=mine&kind=complaint&team=999999&priority=zzz")
    assert response.status_code == 200
    assert "form-error" in response.content.decode()
    assert [t.subject for t in response.context["page"].object_list] == ["complaint one"]


def test_not_found_page_is_the_styled_translated_page(agent):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-CN")
    client.force_login(agent)
    response = client.get("/tickets/999999/")
    assert response.status_code == 404
    assert "返回工作台" in response.content.decode()


def test_language_menu_names_each_language_in_itself(agent_client):
    html = agent_client.get("/").content.decode()
    assert ">English<" in html and ">简体中文<" in html


def test_closed_ticket_page_has_no_controls_but_takes_notes(agent_client, agent):
    ticket = make_ticket()
    ticket_transition(ticket=ticket, to_status="resolved", actor=agent)
    ticket_transition(ticket=ticket, to_status="closed", actor=agent)
    html = agent_client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert f"/tickets/{ticket.pk}/assignee/" not in html and f"/tickets/{ticket.pk}/reply/" not in html
    assert agent_client.post(f"/tickets/{ticket.pk}/note/", {"body": "客户来电，已告知"}).status_code == 302


def test_refused_action_page_points_the_browser_back_to_the_ticket(agent_client):
    ticket = make_ticket()
    response = agent_client.post(f"/tickets/{ticket.pk}/note/", {"body": ""})
    html = response.content.decode()
    assert response.status_code == 400
    assert f'data-canonical-path="/tickets/{ticket.pk}/"' in html
    assert f'name="next" type="hidden" value="/tickets/{ticket.pk}/"' in html
    assert response.context["active_pane"] == "note-pane"
