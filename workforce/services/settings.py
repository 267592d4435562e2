"""Work settings: the skills catalogue, each agent's capacity (接待上限) and skills, and each team's
auto-assignment settings. Who may change what: managers and admins edit skills; admins any agent and team,
a manager the agents of the teams they manage and those teams (``workforce.selectors_board``).

Whatever may let waiting tickets find an agent (a capacity raised, a skill added, a team resumed or switched
on) asks the assignment engine to run for the teams concerned once the change commits."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from accounts import roles
from core.actors import Actor, is_user
from core.converters import MAX_ID
from core.errors import Conflict, Forbidden, ValidationFailed
from tickets.models import Team

from ..enums import AssignmentMode
from ..models import CAPACITY_MAX, AgentProfile, RoutingRule, Skill, TeamWorkSettings
from ..selectors_board import may_manage_agent, may_manage_team, may_use_work_settings
from . import assignment
from .profiles import agent_profile_ensure, team_settings_ensure

SKILL_NAME_MAX = 50
SKILL_DESCRIPTION_MAX = 200


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = _Unset()


def _refuse_unless(allowed: bool) -> None:
    if not allowed:
        raise Forbidden(_("Only admins and the team's managers may change work settings."))


def _actor_may(actor: Actor, check: Any) -> bool:
    """The system (no actor) may; a person or a key by ``check``."""
    return not is_user(actor) or bool(check(actor))


# --- skills ---------------------------------------------------------------------------------------------------


def _skill_clean(*, name: Any, description: Any, skill: Skill | None) -> tuple[str, str]:
    errors: dict[str, list[str]] = {}
    name = (name if isinstance(name, str) else "").strip()
    description = (description if isinstance(description, str) else "").strip()
    if not name:
        errors["name"] = [_("Give the skill a name.")]
    elif len(name) > SKILL_NAME_MAX:
        errors["name"] = [_("Keep it to %(limit)d characters.") % {"limit": SKILL_NAME_MAX}]
    elif Skill.objects.filter(name__iexact=name).exclude(pk=skill.pk if skill else 0).exists():
        errors["name"] = [_("A skill with this name exists already.")]
    if len(description) > SKILL_DESCRIPTION_MAX:
        errors["description"] = [_("Keep it to %(limit)d characters.") % {"limit": SKILL_DESCRIPTION_MAX}]
    if errors:
        raise ValidationFailed(_("The skill was not saved."), fields=errors)
    return name, description


def _duplicate_name() -> ValidationFailed:
    return ValidationFailed(
        _("The skill was not saved."), fields={"name": [_("A skill with this name exists already.")]}
    )


def skill_create(*, actor: Actor, name: str, description: str = "") -> Skill:
    """A new skill. ``name``: 1–50 characters, unique whatever the letter case. Managers and admins."""
    _refuse_unless(_actor_may(actor, may_use_work_settings))
    name, description = _skill_clean(name=name, description=description, skill=None)
    try:
        with transaction.atomic():
            return Skill.objects.create(name=name, description=description)
    except IntegrityError as exc:  # the same name created at the same moment
        raise _duplicate_name() from exc


def skill_update(*, actor: Actor, skill: Skill, name: str | None = None, description: str | None = None) -> Skill:
    """Rename a skill or change its description (``None``: unchanged). Managers and admins."""
    _refuse_unless(_actor_may(actor, may_use_work_settings))
    name, description = _skill_clean(
        name=skill.name if name is None else name,
        description=skill.description if description is None else description,
        skill=skill,
    )
    skill.name, skill.description = name, description
    try:
        with transaction.atomic():
            skill.save(update_fields=["name", "description"])
    except IntegrityError as exc:
        raise _duplicate_name() from exc
    return skill


def skill_delete(*, actor: Actor, skill: Skill) -> None:
    """Delete a skill: agents lose it, tickets that required it no longer do. Refused (409) while a routing rule
    requires it — the rule would silently stop asking for it."""
    _refuse_unless(_actor_may(actor, may_use_work_settings))
    try:
        with transaction.atomic():
            skill.delete()
    except ProtectedError as exc:
        rules = sorted(RoutingRule.objects.filter(required_skill=skill).values_list("name", flat=True))
        raise Conflict(
            _("Routing rules require this skill (%(rules)s): change those rules before deleting it.")
            % {"rules": ", ".join(rules)},
            code="skill_in_use",
        ) from exc


# --- an agent's capacity and skills ---------------------------------------------------------------------------


def _capacity_clean(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= CAPACITY_MAX:
        message = _("capacity must be between 1 and %(max)d") % {"max": CAPACITY_MAX}
        raise ValidationFailed(message, fields={field: [message]})
    return value


def _skills_clean(skills: Iterable[Any]) -> list[Skill]:
    wanted: list[int] = []
    for item in skills:
        pk = item.pk if isinstance(item, Skill) else item
        if isinstance(pk, bool) or not isinstance(pk, int) or not 1 <= pk <= MAX_ID:
            raise ValidationFailed(_("Unknown skill."), fields={"skills": [_("Unknown skill: %(s)s") % {"s": pk}]})
        wanted.append(pk)
    found = {skill.pk: skill for skill in Skill.objects.filter(pk__in=wanted)}
    unknown = [str(pk) for pk in dict.fromkeys(wanted) if pk not in found]
    if unknown:
        message = _("Unknown skill: %(s)s") % {"s": ", ".join(unknown)}
        raise ValidationFailed(message, fields={"skills": [message]})
    return [found[pk] for pk in dict.fromkeys(wanted)]


def agent_work_profile_update(
    *, actor: Actor, user: Any, capacity: int | None = None, skills: Iterable[Any] | None = None
) -> AgentProfile:
    """Set an agent's capacity (1–200) and/or skills (``None``: unchanged; skills as Skill rows or ids, the
    list replaces the agent's). ``user`` must be an active agent; admins may change anyone's, a manager the
    members of a team they manage. Presence is not touched here (``workforce.services.presence`` owns it).

    A capacity raised or a skill added asks auto-assignment to run for the agent's teams once this commits."""
    if not roles.is_agent(user):
        raise ValidationFailed(_("%(user)s is not an agent.") % {"user": user}, fields={"user": [_("Not an agent.")]})
    if not _actor_may(actor, lambda person: may_manage_agent(person, user)):
        raise Forbidden(_("Only admins and the managers of the agent's teams may change their capacity and skills."))
    new_capacity = _capacity_clean(capacity, "capacity") if capacity is not None else None
    new_skills = _skills_clean(skills) if skills is not None else None
    with transaction.atomic():
        agent_profile_ensure(user=user)
        profile = AgentProfile.objects.select_for_update().get(user=user)
        freed = False
        if new_capacity is not None and new_capacity != profile.capacity:
            freed = new_capacity > profile.capacity
            profile.capacity = new_capacity
            profile.save(update_fields=["capacity"])
        if new_skills is not None:
            old = set(profile.skills.values_list("pk", flat=True))
            new = {skill.pk for skill in new_skills}
            if new != old:
                profile.skills.set(new_skills)
                freed = freed or bool(new - old)
        if freed:
            assignment.autoassign_after_commit(list(Team.objects.filter(members=user).values_list("pk", flat=True)))
    return profile


# --- a team's auto-assignment settings ------------------------------------------------------------------------


def team_work_settings_update(
    *,
    actor: Actor,
    team: Team,
    assignment_mode: str | None = None,
    assignment_paused: bool | None = None,
    capacity_override: int | None | _Unset = UNSET,
    hand_back_on_offline: bool | None = None,
) -> TeamWorkSettings:
    """Change how the team's new tickets find an agent (``None`` / ``UNSET``: unchanged). ``capacity_override``
    1–200, or ``None`` for each agent's own capacity. Admins and the team's managers.

    When the change may let waiting tickets go to someone (auto-assignment switched on or resumed, the capacity
    raised or the override removed) and the team's auto-assignment is on, the engine runs for the team after
    commit."""
    if not _actor_may(actor, lambda person: may_manage_team(person, team)):
        raise Forbidden(_("Only admins and the team's managers may change its work settings."))
    if assignment_mode is not None and assignment_mode not in AssignmentMode.values:
        message = _("Unknown auto-assignment mode: choose one of %(modes)s.") % {
            "modes": ", ".join(AssignmentMode.values)
        }
        raise ValidationFailed(message, fields={"assignment_mode": [message]})
    if capacity_override is not None and not isinstance(capacity_override, _Unset):
        capacity_override = _capacity_clean(capacity_override, "capacity_override")
    for name, value in (("assignment_paused", assignment_paused), ("hand_back_on_offline", hand_back_on_offline)):
        if value is not None and not isinstance(value, bool):
            raise ValidationFailed(_("Give true or false."), fields={name: [_("Give true or false.")]})
    with transaction.atomic():
        team_settings_ensure(team=team)
        settings = TeamWorkSettings.objects.select_for_update().get(team=team)
        was_on = settings.assignment_mode != AssignmentMode.OFF and not settings.assignment_paused
        old_override = settings.capacity_override
        changed: list[str] = []
        if assignment_mode is not None and assignment_mode != settings.assignment_mode:
            settings.assignment_mode = assignment_mode
            changed.append("assignment_mode")
        if assignment_paused is not None and assignment_paused != settings.assignment_paused:
            settings.assignment_paused = assignment_paused
            changed.append("assignment_paused")
        if not isinstance(capacity_override, _Unset) and capacity_override != settings.capacity_override:
            settings.capacity_override = capacity_override
            changed.append("capacity_override")
        if hand_back_on_offline is not None and hand_back_on_offline != settings.hand_back_on_offline:
            settings.hand_back_on_offline = hand_back_on_offline
            changed.append("hand_back_on_offline")
        if changed:
            settings.save(update_fields=[*changed, "updated_at"])
        is_on = settings.assignment_mode != AssignmentMode.OFF and not settings.assignment_paused
        capacity_raised = "capacity_override" in changed and (
            settings.capacity_override is None or old_override is None or settings.capacity_override > old_override
        )
        if is_on and (not was_on or capacity_raised):
            assignment.autoassign_after_commit([team.pk])
    return settings
