import pytest
from django.test import Client

from complaints.models import Complaint, FollowUp
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_client(manager):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(manager)
    return client


@pytest.fixture
def complaint(team):
    ticket = make_ticket(kind="complaint", category="negative_review", subject="<b>差评</b>", team=team)
    return Complaint.objects.get(ticket=ticket)


def test_ticket_page_shows_the_complaint_panel(manager_client, complaint):
    html = manager_client.get(f"/tickets/{complaint.ticket_id}/").content.decode()
    assert 'data-testid="complaint-panel"' in html and 'data-testid="complaint-resolve"' in html
    assert "Review link" in html  # negative reviews record the review


def test_queue_lists_open_complaints_severity_first(manager_client, complaint, team):
    critical = Complaint.objects.get(
        ticket=make_ticket(kind="complaint", category="product_quality", subject="起火", team=team)
    )
    response = manager_client.get("/complaints/")
    assert [row["complaint"].pk for row in response.context["rows"]] == [critical.pk, complaint.pk]
    assert "&lt;b&gt;差评&lt;/b&gt;" in response.content.decode()


def test_queue_query_count_does_not_grow_with_rows(manager_client, team, django_assert_max_num_queries):
    for _ in range(10):
        make_ticket(kind="complaint", category="logistics", subject="物流慢", team=team)
    with django_assert_max_num_queries(12):
        assert len(manager_client.get("/complaints/").context["rows"]) == 10


def test_resolve_from_the_panel_then_record_the_follow_up(manager_client, complaint):
    pk = complaint.ticket_id
    form = {"root_cause": "误会", "outcome": "已解释", "compensation_amount": "0", "message": "您好，已核实并解释。"}
    assert manager_client.post(f"/complaints/{pk}/resolve/", form).status_code == 302
    follow_up = FollowUp.objects.get()
    response = manager_client.post(
        f"/complaints/follow-ups/{follow_up.pk}/", {"satisfied": "yes", "next": "follow-ups"}
    )
    assert response.status_code == 302 and response["Location"] == "/complaints/follow-ups/"
    follow_up.refresh_from_db()
    assert follow_up.satisfied is True


def test_incomplete_resolution_re_renders_the_ticket_page_with_errors_and_input(manager_client, complaint):
    pk = complaint.ticket_id
    response = manager_client.post(
        f"/complaints/{pk}/resolve/", {"root_cause": "写了一半", "outcome": "", "message": ""}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "写了一半" in html and "field-error" in html
    assert f'data-canonical-path="/tickets/{pk}/"' in html


def test_follow_up_list_page(manager_client, complaint, manager):
    from complaints import services

    services.complaint_resolve(complaint=complaint, actor=manager, root_cause="a", outcome="b", message="c")
    assert manager_client.get("/complaints/follow-ups/?show=open").context["follow_ups"].count() == 1
    assert manager_client.get("/complaints/follow-ups/?show=done").status_code == 200


@pytest.fixture
def agent_client(agent):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(agent)
    return client


def test_an_agent_resolving_a_complaint_in_the_browser_gets_403_as_in_the_api(agent_client, agent_api, complaint):
    pk = complaint.ticket_id
    form = {"root_cause": "误会", "outcome": "已解释", "compensation_amount": "0", "message": "您好，已核实并解释。"}
    page = agent_client.post(f"/complaints/{pk}/resolve/", form)
    api = agent_api.post(f"/api/v1/complaints/{pk}/resolve/", form, format="json")
    assert page.status_code == api.status_code == 403
    assert "Only managers resolve complaints." in page.content.decode()
    complaint.refresh_from_db()
    assert complaint.result_reported_at is None


def test_an_agent_posting_an_incomplete_resolution_gets_403_not_a_form_to_fix(agent_client, complaint):
    response = agent_client.post(f"/complaints/{complaint.ticket_id}/resolve/", {"root_cause": "", "outcome": ""})
    assert response.status_code == 403
    assert "field-error" not in response.content.decode()


def test_the_panel_tells_an_agent_that_managers_resolve_complaints(agent_client, complaint):
    html = agent_client.get(f"/tickets/{complaint.ticket_id}/").content.decode()
    assert 'data-testid="complaint-resolve"' not in html
    assert 'data-testid="complaint-resolve-managers-only"' in html
