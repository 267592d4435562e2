import pytest

from core.errors import Forbidden, ValidationFailed
from replies.models import CannedReply, Folder
from replies.services.canned import (
    ShortcutTaken,
    UnknownVariable,
    canned_reply_update,
    folder_create,
    search_key_for,
)
from tests.factories import TeamFactory

from .helpers import reply

pytestmark = pytest.mark.django_db


def test_a_shortcut_is_stored_without_its_hash_and_lower_case(agent):
    created = reply(agent, "#FaHuo")
    assert created.shortcut == "fahuo"
    assert created.owner == agent and created.scope == "personal"


def test_the_same_shortcut_twice_in_one_scope_is_refused_with_409(agent, manager, team):
    reply(agent, "发货")
    with pytest.raises(ShortcutTaken) as refused:
        reply(agent, "#发货", title="另一条")
    assert refused.value.status_code == 409
    assert "#发货" in refused.value.message and "发货" in refused.value.message
    reply(manager, "团队", scope="team", team=team)
    with pytest.raises(ShortcutTaken):
        reply(manager, "团队", scope="team", team=team, title="x")
    reply(manager, "全局", scope="global")
    with pytest.raises(ShortcutTaken):
        reply(manager, "全局", scope="global", title="y")


def test_a_personal_shortcut_may_shadow_a_team_and_a_global_one(agent, other_agent, manager, team):
    reply(manager, "发货", scope="global")
    reply(manager, "发货", scope="team", team=team)
    reply(agent, "发货")
    reply(other_agent, "发货")  # each agent has a personal set of their own
    assert CannedReply.objects.filter(shortcut="发货").count() == 4


def test_renaming_onto_a_taken_shortcut_is_refused(agent):
    reply(agent, "a")
    second = reply(agent, "b")
    with pytest.raises(ShortcutTaken):
        canned_reply_update(reply=second, actor=agent, shortcut="A")


def test_an_unknown_variable_is_refused_naming_it_and_the_known_ones(agent):
    with pytest.raises(UnknownVariable) as refused:
        reply(agent, "x", "您的订单 {{订单编号}} 已发货，{{ buyer_name }}")
    assert refused.value.status_code == 400
    assert "{{订单编号}}" in refused.value.message
    assert "{{order_number}}" in refused.value.message and "{{订单号}}" in refused.value.message
    assert refused.value.fields["body"]


def test_english_and_chinese_variable_names_are_both_accepted(agent):
    created = reply(agent, "x", "{{买家称呼}} 您好，订单 {{ order_number }} 已发货")
    assert created.pk


def test_an_agent_may_not_write_global_or_team_replies(agent, team):
    with pytest.raises(Forbidden):
        reply(agent, "g", scope="global")
    with pytest.raises(Forbidden):
        reply(agent, "t", scope="team", team=team)


def test_a_manager_writes_replies_only_for_their_own_teams(manager, team):
    reply(manager, "ok", scope="team", team=team)
    with pytest.raises(Forbidden):
        reply(manager, "no", scope="team", team=TeamFactory(name="别的组"))


def test_another_agent_may_not_change_a_personal_reply(agent, other_agent):
    mine = reply(agent, "mine")
    with pytest.raises(Forbidden):
        canned_reply_update(reply=mine, actor=other_agent, body="改掉")


def test_empty_and_spaced_shortcuts_and_long_bodies_are_refused(agent):
    with pytest.raises(ValidationFailed) as refused:
        reply(agent, "two words")
    assert "shortcut" in refused.value.fields
    with pytest.raises(ValidationFailed):
        reply(agent, "#")
    with pytest.raises(ValidationFailed) as refused:
        reply(agent, "long", "字" * 5001)
    assert "body" in refused.value.fields


def test_the_search_key_holds_full_pinyin_and_initials():
    assert search_key_for(title="发货", shortcut="发货") == "fahuo fh"
    assert "fhsj" in search_key_for(title="发货时间", shortcut="sj")


def test_a_team_folder_is_not_for_another_team_s_replies(manager, team):
    other = TeamFactory(name="别的组")
    other.managers.add(manager)
    folder = folder_create(actor=manager, name="专用", team=other)
    with pytest.raises(ValidationFailed):
        reply(manager, "f", scope="team", team=team, folder=folder)
    assert Folder.objects.filter(team__isnull=True, name="售前").exists()  # the shared folders every shop starts with


def test_the_demo_seeds_a_few_canned_replies_once(settings, tmp_path):
    import io

    from django.core.management import call_command

    settings.VAR_DIR = tmp_path
    call_command("seed_demo", "--no-logins", stdout=io.StringIO())
    count = CannedReply.objects.count()
    call_command("seed_demo", "--no-logins", stdout=io.StringIO())
    assert CannedReply.objects.count() == count >= 8
    assert CannedReply.objects.filter(shortcut="发货", scope="global").exists()
