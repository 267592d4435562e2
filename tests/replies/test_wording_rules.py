"""Wording rules (issue 16 point 6): each kind of match, the seeded defaults from seed 004, vetting of regular
expressions, who may change rules, and the reply check that ticket_reply runs."""

import pytest

from core.errors import Forbidden, ValidationFailed
from replies.models import WordingRule
from replies.services.wording import (
    normalize_whole,
    validate_pattern,
    wording_check,
    wording_rule_create,
    wording_rule_delete,
    wording_rule_update,
)
from tests.factories import TeamFactory, make_ticket
from tickets.enums import EventType
from tickets.models import Message, TicketEvent
from tickets.services.messages import ReplyBlocked, ticket_reply

pytestmark = pytest.mark.django_db


def codes(ticket, body, actor=None):
    return [(p.code, p.blocking) for p in wording_check(ticket=ticket, body=body, actor=actor)]


def test_the_defaults_from_the_source_documents_are_seeded_once():
    """Migration replies 0003 seeds them (the conftest puts them back after a transactional test, idempotently)."""
    assert WordingRule.objects.filter(team=None).count() == 3
    patterns = set(WordingRule.objects.values_list("pattern", flat=True))
    assert "恩|嗯|嗯嗯|好|行|哦|好吧" in patterns
    assert r"(明天|今天|后天|\d{1,2}号).{0,4}(一定|肯定|保证).{0,3}(到|送达)" in patterns
    assert r"保证.{0,6}到货" in patterns


@pytest.mark.parametrize("body", ["好", "好。", " 好！ ", "恩", "行~", "嗯嗯", "好 😊"])
def test_a_bare_hao_en_xing_reply_is_warned(body):
    ticket = make_ticket()
    assert codes(ticket, body) == [("wording_discouraged", False)]


@pytest.mark.parametrize("body", ["好的呢亲，马上为您处理", "行李箱的尺寸是 20 寸", "好评返现活动请看首页"])
def test_a_reply_that_only_contains_those_words_is_not_warned(body):
    assert codes(make_ticket(), body) == []


@pytest.mark.parametrize("body", ["明天一定到", "亲，您的包裹明天肯定能送达哦", "15号保证到", "我们保证三天内到货"])
def test_promising_a_delivery_date_is_blocked(body):
    assert ("wording_forbidden", True) in codes(make_ticket(), body)


@pytest.mark.parametrize("body", ["预计明天送到，具体以物流为准", "正常情况下 2–3 天到货"])
def test_an_estimate_is_not_a_promise(body):
    assert codes(make_ticket(), body) == []


def test_a_contains_rule_finds_a_word_anywhere_ignoring_case(manager):
    wording_rule_create(
        actor=manager, kind="discouraged", match="contains", pattern="不知道|NO IDEA", explanation="说“我帮您查一下”"
    )
    ticket = make_ticket()
    assert codes(ticket, "这个我也不知道") == [("wording_discouraged", False)]
    assert codes(ticket, "no idea, sorry") == [("wording_discouraged", False)]
    assert codes(ticket, "我帮您查一下") == []


def test_an_exact_rule_ignores_punctuation_and_spacing():
    assert normalize_whole(" 好 ！！") == normalize_whole("好") == "好"
    assert normalize_whole("OK.") == "ok"


def test_a_team_rule_applies_only_to_that_teams_tickets(manager, team):
    wording_rule_create(
        actor=manager, kind="forbidden", match="contains", pattern="包邮", explanation="本组商品不包邮", team=team
    )
    other = TeamFactory(name="售前")
    assert codes(make_ticket(team=team), "可以包邮") == [("wording_forbidden", True)]
    assert codes(make_ticket(team=other), "可以包邮") == []
    assert codes(make_ticket(), "可以包邮") == []


def test_an_inactive_rule_checks_nothing(manager):
    rule = WordingRule.objects.get(pattern=r"保证.{0,6}到货")
    wording_rule_update(
        rule=rule,
        actor=manager,
        kind=rule.kind,
        match=rule.match,
        pattern=rule.pattern,
        explanation=rule.explanation,
        active=False,
    )
    assert codes(make_ticket(), "保证后天到货") == []


# --- the reply itself ------------------------------------------------------------------------------------------------


def test_a_forbidden_reply_is_refused_and_nothing_is_written(agent):
    ticket = make_ticket()
    with pytest.raises(ReplyBlocked) as refused:
        ticket_reply(ticket=ticket, author=agent, body="亲，明天一定到！")
    assert "不能承诺具体到货时间" in refused.value.fields["body"][0]
    assert not Message.objects.filter(ticket=ticket).exists()
    assert WordingRule.objects.get(pattern__startswith="(明天").overridden_count == 0


def test_an_override_sends_it_records_it_and_counts_it_per_rule(agent):
    ticket = make_ticket()
    rule = WordingRule.objects.get(pattern__startswith="(明天")
    ticket_reply(ticket=ticket, author=agent, body="亲，明天一定到！", override_reason="顺丰次日达，已和快递确认")
    event = TicketEvent.objects.get(ticket=ticket, type=EventType.REPLY_CHECK_OVERRIDDEN)
    assert event.data["rule_ids"] == [rule.pk]
    assert event.data["reason"] == "顺丰次日达，已和快递确认"
    rule.refresh_from_db()
    assert rule.overridden_count == 1


def test_a_sent_reply_with_a_warning_counts_for_the_rule(agent):
    ticket = make_ticket()
    rule = WordingRule.objects.get(match="exact")
    ticket_reply(ticket=ticket, author=agent, body="好")
    ticket_reply(ticket=ticket, author=agent, body="好的亲，马上为您处理")
    rule.refresh_from_db()
    assert rule.warned_count == 1


# --- vetting -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pattern",
    [
        "(",  # does not compile
        "(a+)+",  # nested repeat: catastrophic backtracking
        "(a|ab)*c",  # alternatives in a long repeat
        ".*x.*y",  # two open-ended repeats: the cube of the length
        r"(a)\1",  # back reference
        "a*",  # matches every reply
        "x" * 201,  # too long
    ],
)
def test_a_dangerous_or_broken_regular_expression_is_refused(manager, pattern):
    with pytest.raises(ValidationFailed) as refused:
        wording_rule_create(actor=manager, kind="forbidden", match="regex", pattern=pattern, explanation="x")
    assert "pattern" in refused.value.fields


def test_a_bounded_regular_expression_is_accepted():
    assert validate_pattern(match="regex", pattern=r" 包邮.{0,4}(吗|么) ") == r"包邮.{0,4}(吗|么)"


def test_a_phrase_of_only_punctuation_is_refused():
    with pytest.raises(ValidationFailed):
        validate_pattern(match="exact", pattern="。|！")


def test_agents_may_not_change_rules_and_managers_only_their_teams(agent, manager):
    with pytest.raises(Forbidden):
        wording_rule_create(actor=agent, kind="discouraged", match="contains", pattern="亲爱的", explanation="x")
    foreign = TeamFactory(name="别的组")
    with pytest.raises(Forbidden):
        wording_rule_create(
            actor=manager, kind="discouraged", match="contains", pattern="亲爱的", explanation="x", team=foreign
        )
    rule = wording_rule_create(actor=manager, kind="discouraged", match="contains", pattern="亲爱的", explanation="x")
    assert rule.created_by == manager
    with pytest.raises(Forbidden):
        wording_rule_delete(rule=rule, actor=agent)
    wording_rule_delete(rule=rule, actor=manager)
    assert not WordingRule.objects.filter(pk=rule.pk).exists()
