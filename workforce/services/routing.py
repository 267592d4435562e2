"""Routing rules (智能分流): managers' ordered list of "when a new ticket looks like this, do that", the engine
that applies it to every new ticket (the intake router, ``tickets.hooks``), and a read-only preview.

How the list is applied (``routing_evaluate``):

- The active *global* rules (no team) run first, by (position, id); then the active rules of the team the
  ticket is headed to: the team its creator chose, else the team a global rule set, else the kind's default
  team (``IntakeDraft.default_team``).
- Every rule whose conditions all hold *fires*. An empty condition matches anything; a list matches any of its
  values. Keywords match case-insensitively anywhere in the subject or the description (Chinese too: 退款).
  An order amount range needs an order (a ticket without one never matches it). "Inside business hours" asks
  the calendar of the team the ticket is headed to at that point (none: always inside).
- Single-valued actions (team, priority, required skill, named owner) are set by the *first* rule that sets
  them; later rules cannot change them. Tags accumulate. "Restrict to the team" is an OR. A rule marked
  "stop here" ends the evaluation after its own actions (global rules too: then no team rule runs).
- ``ticket_create`` applies the decision: a team the creator chose wins over a rule's, and a rule never lowers
  the priority given. A rule's action that could not take effect for these reasons is left out of what the
  ticket's ``routed`` event records, so the timeline says what the rules actually did.

The router reads only (two queries: the active rules, and the kind's default team comes with the draft);
its writes — the ticket's required skill and named owner, the rules' fired counters — run in ``after_save``,
inside the create transaction, once the ticket exists.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from core.actors import Actor, actor_or_none
from core.errors import Forbidden, ValidationFailed
from core.platforms import Platform
from customers.enums import CustomerTier
from tickets.calendars import calendar_get
from tickets.enums import PRIORITY_RANK, Category, Channel, Priority, TicketKind
from tickets.hooks import IntakeDraft, RoutingDecision
from tickets.models import Team, Ticket
from tickets.models.tags import TAG_NAME_MAX

from ..enums import BusinessHoursCondition
from ..models import RoutingRule, Skill, TicketRouting

KEYWORDS_MAX = 20
KEYWORD_LENGTH_MAX = 30
TAGS_MAX = 20
NAME_MAX = 100

# The condition lists and the enum each one's values come from.
LIST_CONDITIONS: dict[str, Any] = {
    "kinds": TicketKind,
    "categories": Category,
    "channels": Channel,
    "platforms": Platform,
    "customer_tiers": CustomerTier,
}
RULE_FIELDS = (
    "name",
    "team",
    "is_active",
    "stop_processing",
    *LIST_CONDITIONS,
    "order_amount_min",
    "order_amount_max",
    "keywords",
    "business_hours",
    "set_team",
    "set_priority",
    "required_skill",
    "add_tags",
    "owner",
    "restrict",
)


# --- permissions ------------------------------------------------------------------------------------------


def _own_team_ids(user: Any) -> set[int]:
    cached = getattr(user, "_routing_team_ids", None)
    if cached is None:
        cached = set(Team.objects.filter(Q(members=user) | Q(managers=user)).values_list("id", flat=True))
        user._routing_team_ids = cached
    return cached


def routing_may_edit(user: Any, team: Team | None) -> bool:
    """Whether ``user`` may create, change or delete a rule of ``team`` (None: a global rule). Admins (and an
    integration, whose API key the scope ``workforce:write`` already vets) any; managers the global rules and
    their own teams' (member or manager); agents none."""
    if roles.is_admin(user) or roles.is_integration(user):
        return True
    if not roles.is_manager(user):
        return False
    return team is None or team.pk in _own_team_ids(user)


def routing_may_read(user: Any) -> bool:
    return roles.is_manager(user) or roles.is_integration(user)


def _check_may_edit(actor: Actor, team: Team | None) -> None:
    if actor is None:
        return  # the system (a management command such as seed_demo), not a request
    if not routing_may_edit(actor, team):
        if team is None:
            raise Forbidden(_("Only managers and admins may change routing rules."))
        raise Forbidden(
            _("You may only change the global rules and your own teams' rules, not %(team)s's.") % {"team": team}
        )


# --- validation -------------------------------------------------------------------------------------------


def _clean_words(values: Iterable[Any], *, field_name: str, most: int, longest: int) -> list[str]:
    """Strip, drop empties, drop repeats (case-insensitively, the first spelling kept); refuse too many or too
    long."""
    cleaned: list[str] = []
    seen: set[str] = set()
    for value in values:
        word = str(value).strip()
        if not word or word.casefold() in seen:
            continue
        if len(word) > longest:
            raise ValidationFailed(
                _("“%(word)s” is too long: at most %(max)s characters.") % {"word": word, "max": longest},
                fields={field_name: [_("At most %(max)s characters each.") % {"max": longest}]},
            )
        seen.add(word.casefold())
        cleaned.append(word)
    if len(cleaned) > most:
        raise ValidationFailed(
            _("Too many entries in %(field)s: at most %(max)s.") % {"field": field_name, "max": most},
            fields={field_name: [_("At most %(max)s.") % {"max": most}]},
        )
    return cleaned


def _clean_choices(values: Iterable[Any], *, field_name: str, choices: Any) -> list[str]:
    cleaned: list[str] = []
    for value in values:
        if value not in choices.values:
            raise ValidationFailed(
                _("“%(value)s” is not a valid value for %(field)s.") % {"value": value, "field": field_name},
                fields={field_name: [_("Choose from: %(values)s.") % {"values": ", ".join(choices.values)}]},
            )
        if value not in cleaned:
            cleaned.append(str(value))
    return cleaned


def _clean_amount(value: Any, field_name: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        amount = Decimal("NaN")
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e10"):
        raise ValidationFailed(
            _("The order amount must be a number from 0 up."),
            fields={field_name: [_("Enter an amount of 0 or more.")]},
        )
    return amount.quantize(Decimal("0.01"))


def routing_rule_clean(values: dict[str, Any]) -> dict[str, Any]:
    """Check and normalise a rule's fields (all of ``RULE_FIELDS``); raise ``ValidationFailed`` naming the
    field. Read-only: the preview uses it for a rule being edited."""
    v = dict(values)
    v["name"] = str(v.get("name") or "").strip()
    if not v["name"]:
        raise ValidationFailed(_("A rule needs a name."), fields={"name": [_("This field is required.")]})
    if len(v["name"]) > NAME_MAX:
        raise ValidationFailed(
            _("The name is too long: at most %(max)s characters.") % {"max": NAME_MAX},
            fields={"name": [_("At most %(max)s characters.") % {"max": NAME_MAX}]},
        )
    for name, choices in LIST_CONDITIONS.items():
        v[name] = _clean_choices(v.get(name) or [], field_name=name, choices=choices)
    v["keywords"] = _clean_words(
        v.get("keywords") or [], field_name="keywords", most=KEYWORDS_MAX, longest=KEYWORD_LENGTH_MAX
    )
    v["add_tags"] = _clean_words(v.get("add_tags") or [], field_name="add_tags", most=TAGS_MAX, longest=TAG_NAME_MAX)
    v["order_amount_min"] = _clean_amount(v.get("order_amount_min"), "order_amount_min")
    v["order_amount_max"] = _clean_amount(v.get("order_amount_max"), "order_amount_max")
    if v["order_amount_min"] is not None and v["order_amount_max"] is not None:
        if v["order_amount_min"] > v["order_amount_max"]:
            raise ValidationFailed(
                _("The order amount range is empty: “from” is more than “to”."),
                fields={"order_amount_max": [_("Must be at least the “from” amount.")]},
            )
    v["business_hours"] = v.get("business_hours") or BusinessHoursCondition.ANY
    if v["business_hours"] not in BusinessHoursCondition.values:
        raise ValidationFailed(
            _("“%(value)s” is not a valid value for %(field)s.")
            % {"value": v["business_hours"], "field": "business_hours"},
            fields={
                "business_hours": [_("Choose from: %(values)s.") % {"values": ", ".join(BusinessHoursCondition.values)}]
            },
        )
    v["set_priority"] = v.get("set_priority") or ""
    if v["set_priority"] and v["set_priority"] not in Priority.values:
        raise ValidationFailed(
            _("“%(value)s” is not a valid value for %(field)s.")
            % {"value": v["set_priority"], "field": "set_priority"},
            fields={"set_priority": [_("Choose from: %(values)s.") % {"values": ", ".join(Priority.values)}]},
        )
    team, set_team = v.get("team"), v.get("set_team")
    if team is not None and set_team is not None and set_team.pk != team.pk:
        raise ValidationFailed(
            _(
                "A rule of team %(team)s cannot send tickets to another team: it only runs for tickets already headed there."
            )
            % {"team": team},
            fields={"set_team": [_("Leave it empty, or make the rule global.")]},
        )
    skill = v.get("required_skill")
    if skill is not None and (not isinstance(skill, Skill) or skill.pk is None):
        raise ValidationFailed(_("Choose an existing skill."), fields={"required_skill": [_("Unknown skill.")]})
    owner = v.get("owner")
    if owner is not None and (not owner.is_active or not roles.is_agent(owner)):
        raise ValidationFailed(
            _("%(user)s cannot own tickets: the named owner must be an active agent.") % {"user": owner},
            fields={"owner": [_("Choose an active agent.")]},
        )
    v["is_active"] = bool(v.get("is_active", True))
    v["stop_processing"] = bool(v.get("stop_processing", False))
    v["restrict"] = bool(v.get("restrict", False))
    if not (set_team or v["set_priority"] or skill or v["add_tags"] or owner or v["restrict"]):
        raise ValidationFailed(
            _(
                "A rule must do something: set a team, a priority, a required skill, tags, a named owner, "
                "or restrict the ticket to its team."
            ),
            fields={"non_field_errors": [_("Choose at least one action.")]},
        )
    return {name: v.get(name) for name in RULE_FIELDS}


def rule_values(rule: RoutingRule) -> dict[str, Any]:
    """A saved rule's fields, as ``routing_rule_clean`` takes them (an update starts from these)."""
    return {name: getattr(rule, name) for name in RULE_FIELDS}


def routing_rule_build(*, rule: RoutingRule | None = None, **changes: Any) -> RoutingRule:
    """An unsaved rule with ``changes`` applied on ``rule`` (a copy of it; a new rule when None), checked.
    Writes nothing: the edit page's preview runs the list with this in place of the saved rule."""
    base = rule_values(rule) if rule is not None else {}
    unknown = set(changes) - set(RULE_FIELDS)
    if unknown:
        raise ValidationFailed(
            _("Unknown rule fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))},
            fields={name: [_("Unknown field.")] for name in sorted(unknown)},
        )
    cleaned = routing_rule_clean({**base, **changes})
    built = RoutingRule(**cleaned)
    if rule is not None:
        built.pk = rule.pk
        built.position = rule.position if cleaned["team"] == rule.team else _next_position(cleaned["team"])
        built.fired_count = rule.fired_count
        built.last_fired_at = rule.last_fired_at
    else:
        built.position = _next_position(cleaned["team"])
    return built


def _next_position(team: Team | None) -> int:
    top = RoutingRule.objects.filter(team=team).aggregate(top=Max("position"))["top"]
    return 0 if top is None else top + 1


# --- writes -----------------------------------------------------------------------------------------------


def routing_rule_create(*, actor: Actor, **values: Any) -> RoutingRule:
    """Add a rule at the end of its list (global, or its team's). ``values`` are ``RULE_FIELDS``; conditions
    left out match anything. Managers may add global rules and rules of their own teams; admins any."""
    _check_may_edit(actor, values.get("team"))
    with transaction.atomic():
        rule = routing_rule_build(**values)
        rule.created_by = actor_or_none(actor)
        rule.save()
    return rule


def routing_rule_update(*, rule: RoutingRule, actor: Actor, **changes: Any) -> RoutingRule:
    """Change some of a rule's fields (the rest stay). Moving it to another team (or to the global list)
    puts it at the end of that list; the actor must be allowed to edit both lists."""
    _check_may_edit(actor, rule.team)
    if "team" in changes:
        _check_may_edit(actor, changes["team"])
    with transaction.atomic():
        locked = RoutingRule.objects.select_for_update().get(pk=rule.pk)
        built = routing_rule_build(rule=locked, **changes)
        for name in (*RULE_FIELDS, "position"):
            setattr(locked, name, getattr(built, name))
        locked.save(update_fields=[*RULE_FIELDS, "position", "updated_at"])
    return locked


def routing_rule_delete(*, rule: RoutingRule, actor: Actor) -> None:
    """Remove a rule. Tickets it routed keep what it did (their ``routed`` events keep its name)."""
    _check_may_edit(actor, rule.team)
    rule.delete()


def routing_rule_move(*, rule: RoutingRule, direction: str, actor: Actor) -> RoutingRule:
    """Move a rule one place ``"up"`` (earlier) or ``"down"`` within its list; at either end nothing changes.
    The list is renumbered 0, 1, 2 … on the way, so positions stay distinct."""
    if direction not in ("up", "down"):
        raise ValidationFailed(
            _("Move a rule “up” or “down”."),
            fields={"direction": [_("Choose from: %(values)s.") % {"values": "up, down"}]},
        )
    _check_may_edit(actor, rule.team)
    with transaction.atomic():
        siblings = list(RoutingRule.objects.select_for_update().filter(team=rule.team).order_by("position", "id"))
        ids = [sibling.pk for sibling in siblings]
        index = ids.index(rule.pk)
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(ids):
            ids[index], ids[other] = ids[other], ids[index]
        _renumber(siblings, ids)
    rule.refresh_from_db()
    return rule


def routing_rules_reorder(*, team: Team | None, rule_ids: Sequence[int], actor: Actor) -> None:
    """Put a list (global, or a team's) in the given order; ``rule_ids`` must be exactly that list's rules."""
    _check_may_edit(actor, team)
    with transaction.atomic():
        siblings = list(RoutingRule.objects.select_for_update().filter(team=team).order_by("position", "id"))
        if sorted(rule_ids) != sorted(sibling.pk for sibling in siblings) or len(set(rule_ids)) != len(rule_ids):
            raise ValidationFailed(
                _("Give every rule of the list exactly once."),
                fields={"rule_ids": [_("Every rule of the list, each once.")]},
            )
        _renumber(siblings, list(rule_ids))


def _renumber(siblings: list[RoutingRule], ordered_ids: list[int]) -> None:
    by_id = {sibling.pk: sibling for sibling in siblings}
    for position, pk in enumerate(ordered_ids):
        sibling = by_id[pk]
        if sibling.position != position:
            sibling.position = position
            sibling.save(update_fields=["position"])


# --- the engine -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoutingSample:
    """What the rules look at: a new ticket (from an ``IntakeDraft``) or a sample typed on the preview form.
    ``team`` is the team the creator chose (None: none); ``default_team`` the kind's default team."""

    kind: str
    category: str = "other"
    channel: str = Channel.WEB_FORM
    platform: str = ""
    customer_tier: str = CustomerTier.REGULAR
    order_amount: Decimal | None = None
    subject: str = ""
    description: str = ""
    priority: str = Priority.NORMAL
    team: Team | None = None
    default_team: Team | None = None
    received_at: datetime = field(default_factory=timezone.now)

    @classmethod
    def from_draft(cls, draft: IntakeDraft) -> RoutingSample:
        return cls(
            kind=draft.kind,
            category=draft.category,
            channel=draft.channel,
            platform=draft.customer.platform,
            customer_tier=draft.customer.tier,
            order_amount=draft.order.total_amount if draft.order is not None else None,
            subject=draft.subject,
            description=draft.description,
            priority=draft.priority,
            team=draft.team,
            default_team=draft.default_team,
            received_at=draft.received_at,
        )


@dataclass
class RoutingOutcome:
    """What the list decided for a sample. ``fired`` is one ``{"id", "name", "actions"}`` per rule that fired,
    in order; its actions are the ones that took effect (see the module docstring)."""

    fired: list[dict[str, Any]] = field(default_factory=list)
    fired_rules: list[RoutingRule] = field(default_factory=list)
    team: Team | None = None
    priority: str | None = None
    required_skill: Skill | None = None
    owner: Any = None
    tags: list[str] = field(default_factory=list)
    restricted: bool = False
    stopped_by: RoutingRule | None = None

    def final_team(self, sample: RoutingSample) -> Team | None:
        """The team the ticket gets: the creator's, else a rule's, else the kind's default."""
        return sample.team or self.team or sample.default_team

    def final_priority(self, sample: RoutingSample) -> str:
        if self.priority and PRIORITY_RANK[self.priority] > PRIORITY_RANK[sample.priority]:  # type: ignore[index]
            return self.priority
        return sample.priority


def _text_of(sample: RoutingSample) -> str:
    return f"{sample.subject}\n{sample.description}".casefold()


def _inside_business_hours(team: Team | None, moment: datetime) -> bool:
    if team is None or team.calendar_id is None:
        return True
    return calendar_get(team.calendar_id).is_working(moment)


def rule_matches(rule: RoutingRule, sample: RoutingSample, *, destination: Team | None) -> bool:
    """Whether every condition the rule has holds for the sample. ``destination``: the team the ticket is
    headed to now, whose calendar says what business hours are."""
    if rule.kinds and sample.kind not in rule.kinds:
        return False
    if rule.categories and sample.category not in rule.categories:
        return False
    if rule.channels and sample.channel not in rule.channels:
        return False
    if rule.platforms and sample.platform not in rule.platforms:
        return False
    if rule.customer_tiers and sample.customer_tier not in rule.customer_tiers:
        return False
    if rule.order_amount_min is not None or rule.order_amount_max is not None:
        if sample.order_amount is None:
            return False
        if rule.order_amount_min is not None and sample.order_amount < rule.order_amount_min:
            return False
        if rule.order_amount_max is not None and sample.order_amount > rule.order_amount_max:
            return False
    if rule.keywords:
        text = _text_of(sample)
        if not any(word.casefold() in text for word in rule.keywords):
            return False
    if rule.business_hours != BusinessHoursCondition.ANY:
        inside = _inside_business_hours(destination, sample.received_at)
        if inside != (rule.business_hours == BusinessHoursCondition.INSIDE):
            return False
    return True


def _apply(rule: RoutingRule, sample: RoutingSample, outcome: RoutingOutcome) -> None:
    actions: list[dict[str, Any]] = []
    # A team the creator chose wins, so a rule's team is not taken (nor recorded) then.
    if rule.set_team is not None and outcome.team is None and sample.team is None:
        outcome.team = rule.set_team
        actions.append({"team": rule.set_team.name})
    if rule.set_priority and outcome.priority is None:
        outcome.priority = rule.set_priority
        if PRIORITY_RANK[rule.set_priority] > PRIORITY_RANK[sample.priority]:  # type: ignore[index]
            actions.append({"priority": rule.set_priority})
    if rule.required_skill is not None and outcome.required_skill is None:
        outcome.required_skill = rule.required_skill
        actions.append({"skill": rule.required_skill.name})
    # An owner who has since left (deactivated) is passed over, as if the rule named nobody.
    if rule.owner is not None and rule.owner.is_active and outcome.owner is None:
        outcome.owner = rule.owner
        actions.append({"owner": str(rule.owner)})
    if rule.add_tags:
        outcome.tags.extend(tag for tag in rule.add_tags if tag not in outcome.tags)
        actions.append({"tags": list(rule.add_tags)})
    if rule.restrict:
        outcome.restricted = True
        actions.append({"restricted": True})
    outcome.fired.append({"id": rule.pk, "name": rule.name, "actions": actions})
    outcome.fired_rules.append(rule)


def routing_evaluate(*, sample: RoutingSample, rules: Iterable[RoutingRule]) -> RoutingOutcome:
    """Run an ordered rule list (``active_rules``) on a sample. Pure: reads calendars, writes nothing."""
    ordered = [rule for rule in rules if rule.is_active]
    global_rules = [rule for rule in ordered if rule.team_id is None]
    outcome = RoutingOutcome()
    for rule in global_rules:
        destination = sample.team or outcome.team or sample.default_team
        if rule_matches(rule, sample, destination=destination):
            _apply(rule, sample, outcome)
            if rule.stop_processing:
                outcome.stopped_by = rule
                return outcome
    destination = outcome.final_team(sample)
    if destination is None:
        return outcome
    for rule in ordered:
        if rule.team_id == destination.pk and rule_matches(rule, sample, destination=destination):
            _apply(rule, sample, outcome)
            if rule.stop_processing:
                outcome.stopped_by = rule
                break
    return outcome


def _sort_key(rule: RoutingRule) -> tuple[int, float]:
    return (rule.position, rule.pk if rule.pk is not None else float("inf"))


def active_rules(*, replacing: RoutingRule | None = None) -> list[RoutingRule]:
    """The active rules in order (one query), optionally with ``replacing`` — an unsaved edit of a saved rule,
    or a new rule — in its place, as the list would be if it were saved."""
    rules = list(
        RoutingRule.objects.filter(is_active=True)
        .select_related("set_team", "required_skill", "owner")
        .order_by("position", "id")
    )
    if replacing is not None:
        rules = [rule for rule in rules if replacing.pk is None or rule.pk != replacing.pk]
        if replacing.is_active:
            rules.append(replacing)
        rules.sort(key=_sort_key)
    return rules


def route_intake(draft: IntakeDraft) -> RoutingDecision | None:
    """The intake router (``tickets.hooks.register_router``): what the rules decide for a new ticket, or None
    when no rule fires. Reads only; the writes wait for ``after_save``."""
    sample = RoutingSample.from_draft(draft)
    outcome = routing_evaluate(sample=sample, rules=active_rules())
    if not outcome.fired:
        return None
    fired_ids = [rule.pk for rule in outcome.fired_rules]
    skill, owner = outcome.required_skill, outcome.owner

    def after_save(ticket: Ticket) -> None:
        if skill is not None or owner is not None:
            TicketRouting.objects.update_or_create(ticket=ticket, defaults={"required_skill": skill, "owner": owner})
        RoutingRule.objects.filter(pk__in=fired_ids).update(
            fired_count=F("fired_count") + 1, last_fired_at=timezone.now()
        )

    return RoutingDecision(
        team=outcome.team,
        priority=outcome.priority,
        restricted=outcome.restricted,
        tags=outcome.tags or None,
        rules=outcome.fired,
        after_save=after_save,
    )


@dataclass
class PreviewResult:
    sample: RoutingSample
    outcome: RoutingOutcome
    team: Team | None
    priority: str
    considered: int


def routing_preview(*, sample: RoutingSample, replacing: RoutingRule | None = None) -> PreviewResult:
    """Which rules would fire for ``sample`` and what the ticket would get — with the saved rules, or with
    ``replacing`` (an unsaved edit, from ``routing_rule_build``) in place. Writes nothing."""
    if sample.team is None and sample.default_team is None:
        default_team = Team.objects.filter(default_for_kind=sample.kind).order_by("id").first()
        if default_team is not None:
            sample = RoutingSample(**{**sample.__dict__, "default_team": default_team})
    rules = active_rules(replacing=replacing)
    outcome = routing_evaluate(sample=sample, rules=rules)
    return PreviewResult(
        sample=sample,
        outcome=outcome,
        team=outcome.final_team(sample),
        priority=outcome.final_priority(sample),
        considered=len(rules),
    )


def routing_sample_clean(values: dict[str, Any]) -> RoutingSample:
    """A preview sample from typed values, checked like a ticket's (unknown kind, channel … refused)."""
    kind = values.get("kind") or TicketKind.INQUIRY
    checks = (
        ("kind", kind, TicketKind),
        ("category", values.get("category") or "other", Category),
        ("channel", values.get("channel") or Channel.WEB_FORM, Channel),
        ("customer_tier", values.get("customer_tier") or CustomerTier.REGULAR, CustomerTier),
        ("priority", values.get("priority") or Priority.NORMAL, Priority),
    )
    for name, value, choices in checks:
        _clean_choices([value], field_name=name, choices=choices)
    platform = values.get("platform") or ""
    if platform:
        _clean_choices([platform], field_name="platform", choices=Platform)
    return RoutingSample(
        kind=kind,
        category=values.get("category") or "other",
        channel=values.get("channel") or Channel.WEB_FORM,
        platform=platform,
        customer_tier=values.get("customer_tier") or CustomerTier.REGULAR,
        order_amount=_clean_amount(values.get("order_amount"), "order_amount"),
        subject=str(values.get("subject") or ""),
        description=str(values.get("description") or ""),
        priority=values.get("priority") or Priority.NORMAL,
        team=values.get("team"),
        received_at=values.get("received_at") or timezone.now(),
    )
