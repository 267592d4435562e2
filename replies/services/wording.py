"""Wording rules (话术规范, issue 16 point 6): create, change and delete them; check a reply against them.

``wording_check`` is the ticket core's reply check (``tickets.hooks.register_reply_check``): ``ticket_reply``
runs it on every reply, and the reply box runs it while the agent types (``replies.views.wording``). A forbidden
rule blocks the reply unless the agent gives a reason; a discouraged one warns.

Regular expressions are the managers' own, and Python's ``re`` has no timeout, so a pattern is vetted when it
is saved: at most ``PATTERN_MAX`` characters, it compiles, it has no construct that can backtrack without
bound (a repeat inside a long repeat, alternatives inside a long repeat, back references), and it runs on
worst-case texts of the longest reply (``BODY_MAX``) within ``REGEX_TIME_BUDGET`` seconds.
"""

from __future__ import annotations

import re
import time
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from accounts import roles
from core.actors import Actor, actor_or_none
from core.errors import Forbidden, ValidationFailed, validate_choice
from core.limits import BODY_MAX, refuse_long_text
from tickets.enums import AuthorType, EventType
from tickets.hooks import ReplyProblem
from tickets.models import Message, Team, Ticket, TicketEvent

from ..models import WordingMatch, WordingRule, WordingRuleKind
from ..models.wording import EXPLANATION_MAX, PATTERN_MAX, SUGGESTION_MAX
from ..selectors_wording import wording_rules_for_team

REGEX_TIME_BUDGET = 1.0  # seconds for one search of one worst-case text (BODY_MAX characters at most)
LONG_REPEAT = 10  # a repeat allowing more than this many rounds may not hold another repeat or alternatives
MATCH_SHOWN_MAX = 40  # characters of the matched text a problem quotes


# --- matching -------------------------------------------------------------------------------------------------


def normalize_whole(text: str) -> str:
    """The reply as an "is the whole reply" rule compares it: without punctuation, spaces, symbols (emoji,
    ～) and control characters, letters without case. "好。" "好！" " 好~ " all become "好"."""
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PZSC").casefold()


def phrases(pattern: str) -> list[str]:
    """The phrases of an exact or contains rule, "|"-separated."""
    return [phrase.strip() for phrase in pattern.split("|") if phrase.strip()]


@lru_cache(maxsize=512)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def rule_match(rule: WordingRule, body: str) -> str | None:
    """The text of ``body`` that ``rule`` finds, or None."""
    if rule.match == WordingMatch.EXACT:
        whole = normalize_whole(body)
        return body.strip() if any(whole == normalize_whole(p) for p in phrases(rule.pattern)) else None
    if rule.match == WordingMatch.CONTAINS:
        folded = body.casefold()
        return next((p for p in phrases(rule.pattern) if p.casefold() in folded), None)
    try:
        found = _compiled(rule.pattern).search(body)
    except re.error:  # vetted when saved; a rule stored another way (the admin site) never breaks a reply
        return None
    return found.group(0) if found else None


@dataclass(frozen=True)
class WordingFinding:
    rule: WordingRule
    text: str  # what the rule found

    @property
    def message(self) -> str:
        shown = self.text if len(self.text) <= MATCH_SHOWN_MAX else self.text[:MATCH_SHOWN_MAX] + "…"
        message = _("“%(text)s”: %(explanation)s") % {"text": shown, "explanation": self.rule.explanation}
        if self.rule.suggestion:
            message += " " + _("Better: %(suggestion)s") % {"suggestion": self.rule.suggestion}
        return message

    def problem(self) -> ReplyProblem:
        code = "wording_forbidden" if self.rule.blocks else "wording_discouraged"
        return ReplyProblem(code=code, message=self.message, blocking=self.rule.blocks, rule_id=self.rule.pk)


def wording_findings(*, body: str, rules: list[WordingRule]) -> list[WordingFinding]:
    """What each of ``rules`` finds in ``body`` (forbidden rules first, in the rules' order)."""
    findings = []
    for rule in rules:
        text = rule_match(rule, body)
        if text is not None:
            findings.append(WordingFinding(rule=rule, text=text))
    return sorted(findings, key=lambda finding: not finding.rule.blocks)


def wording_check(*, ticket: Ticket, body: str, actor: Any) -> list[ReplyProblem]:
    """The reply check the ticket core runs (``tickets.hooks``): the active rules of every team and of the
    ticket's team, on ``body``. Reads only."""
    rules = wording_rules_for_team(team_id=ticket.team_id)
    return [finding.problem() for finding in wording_findings(body=body, rules=rules)]


# --- vetting a regular expression -------------------------------------------------------------------------------


def _unsafe_construct(items: Any, in_repeat: int = 1, long_repeats: list[int] | None = None) -> str | None:
    """The first construct of a parsed pattern that can backtrack without bound, described; None if none.

    Allowed: repeats that hold no other repeat, alternatives (not inside a long repeat), and at most one long
    repeat (``+``, ``*``, ``{0,50}``; bounded ones such as ``.{0,6}`` or ``\\d{1,2}`` are short). One such repeat
    costs at worst the square of the reply's length, which the timing test then measures; two cost the cube."""
    c = sre_constants
    long_repeats = [] if long_repeats is None else long_repeats
    for op, av in items:
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
            _low, high, sub = av
            if in_repeat > 1 and high > 1:
                return _("a repeat inside a repeat, such as (a+)+")
            if high > LONG_REPEAT:
                long_repeats.append(high)
                if len(long_repeats) > 1:
                    return _("more than one open-ended repeat, such as .*x.*")
            found = _unsafe_construct(sub, max(high, 1) if high > 1 else in_repeat, long_repeats)
        elif op == c.BRANCH:
            if in_repeat > LONG_REPEAT:
                return _("alternatives inside a repeat, such as (a|ab)*")
            found = next((f for branch in av[1] if (f := _unsafe_construct(branch, in_repeat, long_repeats))), None)
        elif op == c.SUBPATTERN:
            found = _unsafe_construct(av[-1], in_repeat, long_repeats)
        elif op in (c.ASSERT, c.ASSERT_NOT):
            found = _unsafe_construct(av[1], in_repeat, long_repeats)
        elif op == getattr(c, "ATOMIC_GROUP", None):
            found = _unsafe_construct(av, in_repeat, long_repeats)
        elif op in (c.GROUPREF, c.GROUPREF_EXISTS):
            return _("a back reference, such as (a)\\1")
        else:
            found = None
        if found:
            return found
    return None


WORST_CASE_UNITS = ("a", "1", "明天", "保证", "a b。")
TEST_LENGTHS = (200, 1_000, 4_000, BODY_MAX)


def _too_slow(compiled: re.Pattern[str]) -> int | None:
    """The length of the test text on which ``compiled`` would take longer than ``REGEX_TIME_BUDGET``, or None.

    Texts grow step by step; before each step the time is extrapolated as if it grew with the square of the
    length (a single unbounded repeat scanned from every position), so a worse pattern is refused on a short
    text without ever running on a long one: nothing here can hang."""
    for unit in WORST_CASE_UNITS:
        previous: tuple[int, float] | None = None
        for length in TEST_LENGTHS:
            if previous is not None and previous[1] * (length / previous[0]) ** 2 > REGEX_TIME_BUDGET * 4:
                return length
            text = (unit * length)[:length]
            started = time.perf_counter()
            compiled.search(text)
            took = time.perf_counter() - started
            if took > REGEX_TIME_BUDGET:
                return length
            previous = (length, max(took, 1e-6))
    return None


def validate_pattern(*, match: str, pattern: str) -> str:
    """The pattern, trimmed, if it is usable for ``match``; else ``ValidationFailed`` naming the field."""
    pattern = pattern.strip()
    if not pattern or (match != WordingMatch.REGEX and not phrases(pattern)):
        raise ValidationFailed(_("Give the words or the pattern."), fields={"pattern": [_("This field is required.")]})
    refuse_long_text(pattern=(pattern, PATTERN_MAX))
    if match != WordingMatch.REGEX:
        if match == WordingMatch.EXACT and not all(normalize_whole(p) for p in phrases(pattern)):
            raise ValidationFailed(
                _("A phrase made only of punctuation or spaces matches nothing."),
                fields={"pattern": [_("Each phrase needs a letter, a digit or a character.")]},
            )
        return pattern
    try:
        parsed = sre_parse.parse(pattern)
        compiled = re.compile(pattern)
    except (re.error, RecursionError, OverflowError) as exc:
        raise ValidationFailed(_("This is not a valid regular expression."), fields={"pattern": [str(exc)]}) from exc
    unsafe = _unsafe_construct(parsed)
    if unsafe:
        raise ValidationFailed(
            _("This pattern could take too long on a long reply."),
            fields={"pattern": [_("Not allowed: %(what)s. Use a bounded repeat such as .{0,6}.") % {"what": unsafe}]},
        )
    if compiled.search("") is not None:
        raise ValidationFailed(
            _("This pattern matches an empty reply, so it would match every reply."),
            fields={"pattern": [_("Make the pattern require some text.")]},
        )
    slow_at = _too_slow(compiled)
    if slow_at is not None:
        raise ValidationFailed(
            _("This pattern could take too long on a long reply."),
            fields={"pattern": [_("It is too slow on a %(n)s-character test text.") % {"n": slow_at}]},
        )
    return pattern


# --- writes ------------------------------------------------------------------------------------------------------


def wording_may_edit(user: Any, team: Team | None) -> bool:
    """Whether ``user`` may create, change or delete a rule of ``team`` (None: every team). Admins (and an
    integration, whose key the scope ``replies:write`` vets) any; managers the global rules and their own
    teams' (member or manager); agents none."""
    if roles.is_admin(user) or roles.is_integration(user):
        return True
    if not roles.is_manager(user):
        return False
    return team is None or team.members.filter(pk=user.pk).exists() or team.managers.filter(pk=user.pk).exists()


def _check_may_edit(actor: Actor, team: Team | None) -> None:
    if actor is None:
        return  # the system (a management command), not a request
    if not wording_may_edit(actor, team):
        raise Forbidden(_("Only managers and admins may change wording rules, and only their own teams' ones."))


def _clean(*, kind: str, match: str, pattern: str, explanation: str, suggestion: str) -> dict[str, str]:
    validate_choice(kind, WordingRuleKind, "kind")
    validate_choice(match, WordingMatch, "match")
    explanation, suggestion = explanation.strip(), suggestion.strip()
    if not explanation:
        raise ValidationFailed(
            _("Explain the rule: the agent sees why."), fields={"explanation": [_("This field is required.")]}
        )
    refuse_long_text(explanation=(explanation, EXPLANATION_MAX), suggestion=(suggestion, SUGGESTION_MAX))
    return {
        "kind": kind,
        "match": match,
        "pattern": validate_pattern(match=match, pattern=pattern),
        "explanation": explanation,
        "suggestion": suggestion,
    }


def wording_rule_create(
    *,
    actor: Actor,
    kind: str,
    match: str,
    pattern: str,
    explanation: str,
    suggestion: str = "",
    active: bool = True,
    team: Team | None = None,
) -> WordingRule:
    """A new rule. Managers: global or their own team's; agents: none (``Forbidden``). The pattern is vetted
    (``validate_pattern``)."""
    _check_may_edit(actor, team)
    fields = _clean(kind=kind, match=match, pattern=pattern, explanation=explanation, suggestion=suggestion)
    return WordingRule.objects.create(**fields, active=active, team=team, created_by=actor_or_none(actor))


def wording_rule_update(
    *,
    rule: WordingRule,
    actor: Actor,
    kind: str,
    match: str,
    pattern: str,
    explanation: str,
    suggestion: str = "",
    active: bool = True,
    team: Team | None = None,
) -> WordingRule:
    """Change a rule (every field but its counters). The actor must be allowed both the old and the new team."""
    _check_may_edit(actor, rule.team)
    _check_may_edit(actor, team)
    fields = _clean(kind=kind, match=match, pattern=pattern, explanation=explanation, suggestion=suggestion)
    with transaction.atomic():
        rule = WordingRule.objects.select_for_update().get(pk=rule.pk)
        for name, value in {**fields, "active": active, "team": team}.items():
            setattr(rule, name, value)
        rule.save(update_fields=[*fields, "active", "team", "updated_at"])
    return rule


def wording_rule_delete(*, rule: WordingRule, actor: Actor) -> None:
    """Delete a rule. Overrides already recorded on tickets keep its id and the text they overrode."""
    _check_may_edit(actor, rule.team)
    rule.delete()


# --- counting -------------------------------------------------------------------------------------------------


def count_rule_hits(ticket: Ticket, event: TicketEvent) -> None:
    """Event listener (``tickets.hooks``): a reply that went out counts for each discouraged rule it matched
    (``warned_count``); an override for each forbidden rule it passed (``overridden_count``). Runs in the
    reply's transaction, so a refused or rolled-back reply counts nothing."""
    if event.type == EventType.REPLY_CHECK_OVERRIDDEN:
        rule_ids = [pk for pk in event.data.get("rule_ids", []) if isinstance(pk, int)]
        if rule_ids:
            WordingRule.objects.filter(pk__in=rule_ids).update(overridden_count=F("overridden_count") + 1)
        return
    if event.type != EventType.REPLIED or event.data.get("automatic") or not event.data.get("message_id"):
        return
    message = Message.objects.filter(pk=event.data["message_id"], author_type=AuthorType.AGENT).first()
    if message is None:
        return
    rules = [rule for rule in wording_rules_for_team(team_id=ticket.team_id) if not rule.blocks]
    warned = [finding.rule.pk for finding in wording_findings(body=message.body, rules=rules)]
    if warned:
        WordingRule.objects.filter(pk__in=warned).update(warned_count=F("warned_count") + 1)
