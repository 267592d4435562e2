import pytest

from complaints.models import Complaint, FollowUp
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db

PAYLOAD = {
    "category": "negative_review",
    "subject": "买家给了一星差评",
    "description": "评价说衣服掉色",
    "customer": {"name": "刘芳", "platform": "tmall", "platform_account_id": "tm_liufang"},
    "customer_request": "退一半货款",
    "review_link": "https://rate.tmall.example/review/8899",
}


def test_platform_creates_a_complaint_with_request_and_review_link(api):
    response = api.post("/api/v1/complaints/", PAYLOAD, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["ticket"]["kind"] == "complaint"
    assert body["customer_request"] == "退一半货款" and body["review_link"].endswith("/8899")
    assert body["apology_sent_at"] is not None


@pytest.mark.parametrize(
    "change,field",
    [
        ({"category": "exchange"}, "category"),
        ({"review_link": "not a url"}, "review_link"),
        ({"subject": ""}, "subject"),
    ],
)
def test_create_rejects_bad_input(api, change, field):
    response = api.post("/api/v1/complaints/", {**PAYLOAD, **change}, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert Complaint.objects.count() == 0


def test_patch_and_resolve_and_follow_up_over_the_api(api, manager_api, agent_api, team):
    ticket_id = api.post("/api/v1/complaints/", {**PAYLOAD, "team": team.pk}, format="json").json()["ticket"]["id"]
    patched = agent_api.patch(f"/api/v1/complaints/{ticket_id}/", {"review_outcome": "explained"}, format="json")
    assert patched.status_code == 200 and patched.json()["review_outcome"] == "explained"
    resolution = {
        "root_cause": "色牢度不达标",
        "outcome": "退一半货款",
        "message": "已为您退款 50%",
        "compensation_amount": "39.50",
    }
    assert agent_api.post(f"/api/v1/complaints/{ticket_id}/resolve/", resolution, format="json").status_code == 403
    resolved = manager_api.post(f"/api/v1/complaints/{ticket_id}/resolve/", resolution, format="json")
    assert resolved.status_code == 200, resolved.content
    assert resolved.json()["ticket"]["status"] == "resolved"
    assert manager_api.post(f"/api/v1/complaints/{ticket_id}/resolve/", resolution, format="json").status_code == 409
    follow_up = FollowUp.objects.get()
    recorded = agent_api.post(f"/api/v1/complaints/follow-ups/{follow_up.pk}/", {"satisfied": False}, format="json")
    assert recorded.status_code == 200 and recorded.json()["satisfied"] is False
    assert agent_api.get(f"/api/v1/complaints/{ticket_id}/").json()["ticket"]["status"] == "open"


def test_resolve_with_missing_fields_is_a_field_error(api, manager_api):
    ticket_id = api.post("/api/v1/complaints/", PAYLOAD, format="json").json()["ticket"]["id"]
    response = manager_api.post(f"/api/v1/complaints/{ticket_id}/resolve/", {"outcome": "x"}, format="json")
    assert response.status_code == 400
    assert {"root_cause", "message"} <= set(response.json()["error"]["fields"])


def test_unknown_complaint_is_a_404(agent_api):
    assert agent_api.get("/api/v1/complaints/999999/").status_code == 404


def test_complaint_list_is_severity_first(api, agent_api):
    api.post("/api/v1/complaints/", PAYLOAD, format="json")
    critical = {
        **PAYLOAD,
        "description": "插头漏电，差点触电",
        "customer": {**PAYLOAD["customer"], "platform_account_id": "x2"},
    }
    api.post("/api/v1/complaints/", critical, format="json")
    page = agent_api.get("/api/v1/complaints/?view=all").json()
    assert page["count"] == 2 and len(page["results"]) == 2 and page["next"] is None
    open_rows = agent_api.get("/api/v1/complaints/").json()["results"]
    assert [row["severity"] for row in open_rows] == ["critical", "normal"]


def test_the_complaint_list_pages_past_its_first_page_in_severity_order(agent_api, team):
    """It used to stop at 200 rows without a word; now every complaint is reachable through ``next``."""
    for number in range(5):
        make_ticket(kind="complaint", category="logistics", subject=f"投诉 {number}", team=team)
    seen, url = [], "/api/v1/complaints/?view=all&page_size=2"
    while url:
        page = agent_api.get(url).json()
        assert page["count"] == 5
        seen += [row["ticket"]["id"] for row in page["results"]]
        url = page["next"]
    assert len(seen) == len(set(seen)) == 5
    for bad in ("-1", "abc", "²", "9" * 30):
        response = agent_api.get(f"/api/v1/complaints/?offset={bad}")
        assert response.status_code == 400 and "offset" in response.json()["error"]["fields"], bad


def test_an_id_beyond_the_database_range_is_a_404_not_a_500(manager_api):
    """Found by the schemathesis contract test on SQLite: OverflowError for /complaints/<33 digits>/."""
    huge = 293812709177948216643919357673472
    assert manager_api.get(f"/api/v1/complaints/{huge}/").status_code == 404
    assert manager_api.patch(f"/api/v1/complaints/{huge}/", {"severity": "serious"}, format="json").status_code == 404
    assert manager_api.post(f"/api/v1/complaints/{huge}/resolve/", {}, format="json").status_code in (400, 404)


def test_a_review_link_is_a_url_or_empty(api, agent_api):
    refused = api.post("/api/v1/complaints/", {**PAYLOAD, "review_link": "not a link"}, format="json")
    assert refused.status_code == 400 and "review_link" in refused.json()["error"]["fields"]
    created = api.post("/api/v1/complaints/", {**PAYLOAD, "review_link": ""}, format="json")
    assert created.status_code == 201 and created.json()["review_link"] == ""
    ticket_id = created.json()["ticket"]["id"]
    assert (
        agent_api.patch(f"/api/v1/complaints/{ticket_id}/", {"review_link": "ftp//x"}, format="json").status_code == 400
    )
    patched = agent_api.patch(
        f"/api/v1/complaints/{ticket_id}/", {"review_link": "https://rate.example/1"}, format="json"
    )
    assert patched.status_code == 200 and patched.json()["review_link"] == "https://rate.example/1"
