import pytest
from django.test import Client

from replies.selectors_canned import canned_reply_picker
from tests.factories import TeamFactory

from .helpers import reply

pytestmark = pytest.mark.django_db


def _shortcuts(user, query):
    return [r.shortcut for r in canned_reply_picker(user=user, query=query)]


def test_pinyin_initials_and_full_pinyin_find_a_chinese_reply(agent):
    reply(agent, "发货", "亲，您的包裹已经发出", title="发货通知")
    reply(agent, "退款", "退款会原路返回", title="退款时效")
    assert _shortcuts(agent, "fh") == ["发货"]
    assert _shortcuts(agent, "fahuo") == ["发货"]
    assert _shortcuts(agent, "tksx") == ["退款"]


def test_a_chinese_substring_of_the_title_body_or_shortcut_finds_it(agent):
    reply(agent, "发货", "亲，您的包裹已经发出", title="发货通知")
    assert _shortcuts(agent, "通知") == ["发货"]
    assert _shortcuts(agent, "包裹") == ["发货"]
    assert _shortcuts(agent, "#发") == ["发货"]
    assert _shortcuts(agent, "没有这个") == []


def test_another_agent_s_personal_reply_is_invisible(agent, other_agent):
    reply(other_agent, "私房话", "只给我自己用")
    assert _shortcuts(agent, "私房话") == []
    assert _shortcuts(other_agent, "私房话") == ["私房话"]


def test_a_team_reply_is_seen_by_its_members_only(agent, other_agent, manager, team):
    reply(manager, "售后", scope="team", team=team)
    assert _shortcuts(agent, "售后") == ["售后"]  # agent is a member of team
    assert _shortcuts(other_agent, "售后") == []
    outsider_manager_team = TeamFactory(name="售前组")
    assert _shortcuts(manager, "售后") == ["售后"]
    assert outsider_manager_team.pk


def test_the_most_personal_reply_comes_first_for_the_same_shortcut(agent, manager, team):
    reply(manager, "发货", "全局的", scope="global")
    reply(manager, "发货", "团队的", scope="team", team=team)
    reply(agent, "发货", "我自己的")
    assert [r.scope for r in canned_reply_picker(user=agent, query="发货")] == ["personal", "team", "global"]


def test_an_exact_shortcut_beats_a_mention_in_the_body(agent):
    reply(agent, "退款说明", "发货后可以申请")
    reply(agent, "发货", "亲")
    assert _shortcuts(agent, "发货")[0] == "发货"


def test_inactive_replies_are_not_offered(agent):
    reply(agent, "旧话术", is_active=False)
    assert _shortcuts(agent, "旧话术") == []


def test_the_search_endpoint_answers_json(agent):
    reply(agent, "发货", "亲，您的包裹已经发出", title="发货通知")
    browser = Client()
    browser.force_login(agent)
    data = browser.get("/replies/picker/", {"q": "fh"}).json()
    assert [r["shortcut"] for r in data["results"]] == ["发货"]
    assert data["results"][0]["preview"].startswith("亲，")
