import pytest

from tests.factories import CustomerFactory, OrderFactory, make_ticket

from .helpers import reply

pytestmark = pytest.mark.django_db


@pytest.fixture
def replies(agent, other_agent, manager, team):
    return {
        "global": reply(manager, "全局", "{{买家称呼}}您好，订单{{订单号}}", scope="global"),
        "team": reply(manager, "团队", scope="team", team=team),
        "mine": reply(agent, "我的"),
        "theirs": reply(other_agent, "别人的"),
    }


def _shortcuts(response):
    assert response.status_code == 200, response.content
    return sorted(item["shortcut"] for item in response.json()["results"])


def test_an_agent_lists_global_team_and_own_replies(agent_api, replies):
    assert _shortcuts(agent_api.get("/api/v1/canned-replies/")) == sorted(["全局", "团队", "我的"])
    assert _shortcuts(agent_api.get("/api/v1/canned-replies/", {"scope": "personal"})) == ["我的"]
    assert _shortcuts(agent_api.get("/api/v1/canned-replies/", {"q": "qj"})) == ["全局"]


def test_an_api_key_sees_global_replies_only(make_key, key_client, replies):
    _integration, _key, secret = make_key(scopes=["replies:read", "tickets:read"])
    api = key_client(secret)
    assert _shortcuts(api.get("/api/v1/canned-replies/")) == ["全局"]
    assert api.get(f"/api/v1/canned-replies/{replies['mine'].pk}/").status_code == 404
    assert api.get(f"/api/v1/canned-replies/{replies['team'].pk}/").status_code == 404
    assert api.get(f"/api/v1/canned-replies/{replies['global'].pk}/").json()["variables"] == [
        "buyer_name",
        "order_number",
    ]


def test_a_key_without_the_scope_is_refused(make_key, key_client, replies):
    _integration, _key, secret = make_key(scopes=["tickets:read"])
    response = key_client(secret).get("/api/v1/canned-replies/")
    assert response.status_code == 403
    assert response.json()["error"]["required_scope"] == "replies:read"


def test_another_agent_s_personal_reply_is_404(agent_api, replies):
    assert agent_api.get(f"/api/v1/canned-replies/{replies['theirs'].pk}/").status_code == 404


def test_render_fills_the_reply_for_a_ticket_and_lists_what_is_missing(agent_api, replies, team):
    buyer = CustomerFactory(name="小王")
    with_order = make_ticket(customer=buyer, team=team, order=OrderFactory(customer=buyer, order_number="TB-9"))
    url = f"/api/v1/canned-replies/{replies['global'].pk}/render/"
    data = agent_api.get(url, {"ticket": with_order.pk}).json()
    assert data["text"] == "小王您好，订单TB-9" and data["missing"] == []
    no_order = make_ticket(customer=buyer, team=team)
    data = agent_api.get(url, {"ticket": no_order.pk}).json()
    assert [(m["key"], m["alias"]) for m in data["missing"]] == [("order_number", "订单号")]
    assert "【" in data["text"]
    assert agent_api.get(url).status_code == 400
    assert agent_api.get(url, {"ticket": 2**40}).status_code == 404


def test_a_platform_bound_key_renders_only_for_its_own_buyers(make_key, key_client, replies, team):
    _integration, _key, secret = make_key(scopes=["replies:read"], platform="douyin")
    ticket = make_ticket(customer=CustomerFactory(platform="taobao"), team=team)
    url = f"/api/v1/canned-replies/{replies['global'].pk}/render/"
    assert key_client(secret).get(url, {"ticket": ticket.pk}).status_code == 404
