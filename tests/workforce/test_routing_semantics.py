"""How the ordered list applies: first setter wins, tags accumulate, restrict is OR, stop here, team rules
after the global ones, the creator's team and priority, and what the ticket keeps of it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from tests.factories import CustomerFactory, TeamFactory, UserFactory, make_ticket
from tickets.enums import EventType
from workforce.models import RoutingRule, Skill, TicketRouting
from workforce.services.routing import routing_rule_move

from .routing_helpers import admin, rule

pytestmark = pytest.mark.django_db


def _tags(ticket) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(ticket.tags.values_list("name", flat=True))


def test_the_first_rule_that_sets_a_single_value_wins():
    first, second = TeamFactory(name="一组"), TeamFactory(name="二组")
    rule("A", keywords=["退款"], set_team=first, set_priority="high")
    rule("B", keywords=["退款"], set_team=second, set_priority="urgent")
    ticket = make_ticket(subject="退款")
    assert ticket.team == first
    assert ticket.priority == "high"


def test_moving_a_rule_up_changes_which_one_wins():
    first, second = TeamFactory(name="一组"), TeamFactory(name="二组")
    rule("A", keywords=["退款"], set_team=first)
    b = rule("B", keywords=["退款"], set_team=second)
    routing_rule_move(rule=b, direction="up", actor=admin())
    assert make_ticket(subject="退款").team == second


def test_tags_accumulate_over_every_rule_that_fires():
    rule("A", keywords=["退款"], add_tags=["退款", "售后"])
    rule("B", customer_tiers=["vip"], add_tags=["VIP", "售后"])
    rule("C", keywords=["发票"], add_tags=["发票"])
    ticket = make_ticket(subject="退款", customer=CustomerFactory(tier="vip"))
    assert _tags(ticket) == ["VIP", "售后", "退款"]


def test_restrict_is_an_or():
    rule("A", keywords=["起火"], restrict=True)
    rule("B", keywords=["起火"], add_tags=["安全"])
    assert make_ticket(subject="起火了").restricted is True


def test_stop_here_ends_the_evaluation():
    rule("A", keywords=["退款"], add_tags=["a"], stop_processing=True)
    rule("B", keywords=["退款"], add_tags=["b"])
    ticket = make_ticket(subject="退款")
    assert _tags(ticket) == ["a"]
    assert [r["name"] for r in ticket.events.get(type=EventType.ROUTED).data["rules"]] == ["A"]


def test_a_global_stop_here_skips_the_team_rules():
    team = TeamFactory(name="售后组")
    rule("global", keywords=["退款"], set_team=team, stop_processing=True)
    rule("team", team=team, add_tags=["售后"])
    ticket = make_ticket(subject="退款")
    assert ticket.team == team and _tags(ticket) == []


def test_team_rules_run_after_the_global_ones_for_the_team_the_ticket_goes_to():
    aftersales, other = TeamFactory(name="售后组"), TeamFactory(name="其他组")
    rule("team first by position", team=aftersales, set_priority="urgent", add_tags=["team"])
    rule("global", keywords=["退款"], set_team=aftersales, set_priority="high", add_tags=["global"])
    rule("other team", team=other, add_tags=["other"])
    ticket = make_ticket(subject="退款")
    assert ticket.team == aftersales
    assert ticket.priority == "high"  # the global rule set it first, though the team rule sits at position 0
    assert _tags(ticket) == ["global", "team"]
    names = [r["name"] for r in ticket.events.get(type=EventType.ROUTED).data["rules"]]
    assert names == ["global", "team first by position"]


def test_team_rules_of_the_creators_team_and_of_the_default_team():
    chosen, default = TeamFactory(name="选择组"), TeamFactory(name="默认组", default_for_kind="complaint")
    rule("chosen", team=chosen, add_tags=["chosen"])
    rule("default", team=default, add_tags=["default"])
    assert _tags(make_ticket(team=chosen)) == ["chosen"]
    defaulted = make_ticket(kind="complaint", category="logistics")
    assert defaulted.team == default and _tags(defaulted) == ["default"]


def test_the_creators_explicit_team_wins_over_a_rule():
    chosen, ruled = TeamFactory(name="选择组"), TeamFactory(name="规则组")
    rule("to ruled", keywords=["退款"], set_team=ruled, add_tags=["x"])
    ticket = make_ticket(subject="退款", team=chosen)
    assert ticket.team == chosen
    # The rule fired (its tag is there) but its team did not take effect, so the event does not claim it.
    assert _tags(ticket) == ["x"]
    assert ticket.events.get(type=EventType.ROUTED).data["rules"][0]["actions"] == [{"tags": ["x"]}]


def test_a_rule_never_lowers_the_priority_given():
    rule("low", keywords=["退款"], set_priority="low")
    ticket = make_ticket(subject="退款", priority="high")
    assert ticket.priority == "high"
    assert ticket.events.get(type=EventType.ROUTED).data["rules"][0]["actions"] == []


def test_empty_conditions_match_every_ticket():
    rule("everything", add_tags=["all"])
    assert _tags(make_ticket()) == ["all"]


def test_the_routed_event_records_each_rule_and_its_actions():
    team = TeamFactory(name="售后组")
    skill = Skill.objects.create(name="发票")
    owner = UserFactory(username="wangfang", first_name="芳", last_name="王")
    owner.groups.add(Group.objects.get_or_create(name="Agent")[0])
    a = rule("A", keywords=["发票"], set_team=team, set_priority="urgent", required_skill=skill, owner=owner)
    b = rule("B", keywords=["发票"], add_tags=["发票"], restrict=True)
    ticket = make_ticket(subject="开发票")
    event = ticket.events.get(type=EventType.ROUTED)
    assert event.actor is None
    assert event.data["rules"] == [
        {
            "id": a.pk,
            "name": "A",
            "actions": [{"team": "售后组"}, {"priority": "urgent"}, {"skill": "发票"}, {"owner": str(owner)}],
        },
        {"id": b.pk, "name": "B", "actions": [{"tags": ["发票"]}, {"restricted": True}]},
    ]
    routing = TicketRouting.objects.get(ticket=ticket)
    assert routing.required_skill == skill and routing.owner == owner


def test_fired_rules_count_and_remember_when():
    fired = rule("fires", keywords=["退款"], add_tags=["x"])
    idle = rule("idle", keywords=["发票"], add_tags=["y"])
    before = timezone.now()
    make_ticket(subject="退款")
    make_ticket(subject="退款")
    fired.refresh_from_db()
    idle.refresh_from_db()
    assert fired.fired_count == 2 and fired.last_fired_at >= before
    assert idle.fired_count == 0 and idle.last_fired_at is None


def test_no_ticket_routing_row_without_a_skill_or_owner_and_no_event_when_nothing_fires():
    rule("tags only", keywords=["退款"], add_tags=["x"])
    tagged = make_ticket(subject="退款")
    plain = make_ticket(subject="发货")
    assert not TicketRouting.objects.filter(ticket__in=[tagged, plain]).exists()
    assert not plain.events.filter(type=EventType.ROUTED).exists()


def test_the_router_reads_in_one_query_and_writes_nothing(django_assert_num_queries):  # type: ignore[no-untyped-def]
    from tickets.hooks import IntakeDraft, run_router

    team = TeamFactory(name="售后组")
    rule("A", keywords=["退款"], set_team=team, required_skill=Skill.objects.create(name="退款"))
    customer = CustomerFactory()
    draft = IntakeDraft(
        kind="inquiry",
        category="other",
        channel="web_form",
        priority="normal",
        subject="退款",
        description="",
        customer=customer,
        order=None,
        team=None,
        default_team=None,
        received_at=timezone.now(),
    )
    with django_assert_num_queries(1):
        decision = run_router(draft)
    assert decision is not None and decision.team == team
    assert RoutingRule.objects.get().fired_count == 0
    assert not TicketRouting.objects.exists()
