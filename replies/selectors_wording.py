"""Reads of the wording rules (issue 16 point 6)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from accounts import roles
from tickets.hooks import run_reply_checks
from tickets.models import Team, Ticket

from .models import WordingRule


def wording_rules_visible_to(user: Any) -> QuerySet[WordingRule]:
    """Every rule, global first: agents read them all (they are the wording every agent must follow; a team's
    rules only apply to that team's tickets), managers and admins too. Anyone else none."""
    rules = WordingRule.objects.select_related("team", "created_by").order_by("team__name", "team_id", "-kind", "id")
    if roles.is_agent(user) or roles.is_integration(user):
        return rules
    return rules.none()


def wording_rules_for_team(*, team_id: int | None) -> list[WordingRule]:
    """The active rules a reply on a ticket of ``team_id`` is checked against: the global ones and the team's."""
    scope = Q(team__isnull=True) | Q(team_id=team_id) if team_id else Q(team__isnull=True)
    return list(WordingRule.objects.filter(scope, active=True).order_by("-kind", "id"))


def wording_editable_teams(user: Any) -> QuerySet[Team]:
    """The teams whose rules ``user`` may change (the "applies to" choices besides every team)."""
    if roles.is_admin(user) or roles.is_integration(user):
        return Team.objects.order_by("name")
    if not roles.is_manager(user):
        return Team.objects.none()
    return Team.objects.filter(Q(members=user) | Q(managers=user)).distinct().order_by("name")


def reply_check_result(*, ticket: Ticket, body: str, actor: Any) -> dict[str, Any]:
    """Every reply check's problems with ``body`` on ``ticket`` (wording rules and any other app's), with each
    wording rule's explanation and suggestion: what the reply box and the API's reply check show."""
    problems = run_reply_checks(ticket=ticket, body=body, actor=actor)
    rule_ids = {problem.rule_id for problem in problems if problem.rule_id is not None}
    rules = {rule.pk: rule for rule in WordingRule.objects.filter(pk__in=rule_ids)} if rule_ids else {}
    return {
        "blocking": any(problem.blocking for problem in problems),
        "problems": [
            {
                "code": problem.code,
                "message": problem.message,
                "blocking": problem.blocking,
                "overridable": problem.overridable,
                "rule_id": problem.rule_id,
                "explanation": rules[problem.rule_id].explanation if problem.rule_id in rules else "",
                "suggestion": rules[problem.rule_id].suggestion if problem.rule_id in rules else "",
            }
            for problem in problems
        ],
    }
