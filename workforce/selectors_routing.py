"""Reads of the routing-rule pages and API: which rules a person sees, grouped as the engine runs them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from accounts import roles
from tickets.models import Team

from .enums import BusinessHoursCondition
from .models import RoutingRule
from .services.routing import LIST_CONDITIONS, routing_may_edit


def routing_rules_visible_to(user: Any) -> QuerySet[RoutingRule]:
    """Admins (and an integration allowed in) see every rule; managers the global rules and their own teams'
    (those they may edit: another team's list is not theirs to read either); everyone else none."""
    rules = RoutingRule.objects.select_related("team", "set_team", "required_skill", "owner").order_by(
        "team__name", "team_id", "position", "id"
    )
    if roles.is_admin(user) or roles.is_integration(user):
        return rules
    if not roles.is_manager(user):
        return rules.none()
    own = Team.objects.filter(Q(members=user) | Q(managers=user)).values("id")
    return rules.filter(Q(team__isnull=True) | Q(team_id__in=own))


def routing_editable_teams(user: Any) -> QuerySet[Team]:
    """The teams whose rules ``user`` may edit (the "applies to" choices besides global)."""
    if roles.is_admin(user) or roles.is_integration(user):
        return Team.objects.order_by("name")
    return Team.objects.filter(Q(members=user) | Q(managers=user)).distinct().order_by("name")


@dataclass
class RuleGroup:
    team: Team | None
    rules: list[RoutingRule]
    editable: bool


def routing_rule_groups(user: Any) -> list[RuleGroup]:
    """The global list first, then each team's, every list in the order the engine runs it."""
    groups: dict[int | None, RuleGroup] = {None: RuleGroup(team=None, rules=[], editable=routing_may_edit(user, None))}
    rules = list(routing_rules_visible_to(user))
    for rule in rules:
        if rule.team_id not in groups:
            groups[rule.team_id] = RuleGroup(team=rule.team, rules=[], editable=routing_may_edit(user, rule.team))
        groups[rule.team_id].rules.append(rule)
    for group in groups.values():
        group.rules.sort(key=lambda rule: (rule.position, rule.pk))
    return list(groups.values())


def rule_condition_labels(rule: RoutingRule) -> list[str]:
    """The rule's conditions in the reader's language, one line each (``["Any ticket"]`` when none)."""
    lines = []
    for name, choices in LIST_CONDITIONS.items():
        values = getattr(rule, name)
        if values:
            labels = [str(choices(value).label) if value in choices.values else value for value in values]
            lines.append(f"{CONDITION_TITLES[name]()}: {', '.join(labels)}")
    low, high = rule.order_amount_min, rule.order_amount_max
    if low is not None and high is not None:
        lines.append(_("Order amount ¥%(low)s–%(high)s") % {"low": low, "high": high})
    elif low is not None:
        lines.append(_("Order amount ≥ ¥%(low)s") % {"low": low})
    elif high is not None:
        lines.append(_("Order amount ≤ ¥%(high)s") % {"high": high})
    if rule.keywords:
        lines.append(_("Keywords: %(words)s") % {"words": ", ".join(rule.keywords)})
    if rule.business_hours != BusinessHoursCondition.ANY:
        lines.append(str(BusinessHoursCondition(rule.business_hours).label))
    return lines or [_("Any ticket")]


def rule_action_dicts(rule: RoutingRule) -> list[dict[str, Any]]:
    """Everything the rule does when it fires, shaped like the ``routed`` event's actions (so one template
    filter words both)."""
    actions: list[dict[str, Any]] = []
    if rule.set_team is not None:
        actions.append({"team": rule.set_team.name})
    if rule.set_priority:
        actions.append({"priority": rule.set_priority})
    if rule.required_skill is not None:
        actions.append({"skill": rule.required_skill.name})
    if rule.owner is not None:
        actions.append({"owner": str(rule.owner)})
    if rule.add_tags:
        actions.append({"tags": list(rule.add_tags)})
    if rule.restrict:
        actions.append({"restricted": True})
    return actions


CONDITION_TITLES = {
    "kinds": lambda: _("Kind"),
    "categories": lambda: _("Category"),
    "channels": lambda: _("Channel"),
    "platforms": lambda: _("Platform"),
    "customer_tiers": lambda: _("Customer tier"),
}
