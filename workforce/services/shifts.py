"""Shifts (班次): create, change and delete a team's shifts. Times are wall-clock times in the team calendar's
time zone; a shift whose end is at or before its start runs past midnight (16:00–00:00, 22:00–06:00)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import time
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from accounts import roles
from core.errors import Forbidden, ValidationFailed
from tickets.models import Team

from ..models import Shift
from ..shifts import shift_label, shifts_overlap

NAME_MAX = 50


def shift_may_manage(user: Any, team: Team) -> bool:
    """Admins, the team's managers, and integrations (an API key with ``workforce:write``: the view checks the
    scope) manage a team's shifts."""
    if roles.is_admin(user) or roles.is_integration(user):
        return True
    return roles.is_manager(user) and team.managers.filter(pk=user.pk).exists()


def _check(
    *,
    team: Team,
    name: str,
    start_time: time,
    end_time: time,
    members: list[Any],
    exclude_pk: int | None,
) -> str:
    """The cleaned name; ``ValidationFailed`` naming the field (and the other shift, or the outsiders)."""
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX:
        raise ValidationFailed(
            _("A shift's name is 1 to %(max)s characters.") % {"max": NAME_MAX},
            fields={"name": [_("1 to %(max)s characters.") % {"max": NAME_MAX}]},
        )
    same_team = Shift.objects.filter(team=team)
    others = list(same_team.exclude(pk=exclude_pk) if exclude_pk is not None else same_team)
    if any(other.name == name for other in others):
        raise ValidationFailed(
            _("The team already has a shift called “%(name)s”.") % {"name": name},
            fields={"name": [_("Already used in this team.")]},
        )
    if start_time == end_time:
        raise ValidationFailed(
            _("A shift cannot start and end at the same time."),
            fields={"end_time": [_("Choose an end different from the start.")]},
        )
    for other in others:
        if shifts_overlap(start_time, end_time, other.start_time, other.end_time):
            label = shift_label(other.name, other.start_time, other.end_time)
            raise ValidationFailed(
                _("This shift overlaps %(shift)s of the same team.") % {"shift": label},
                fields={"start_time": [_("Overlaps %(shift)s.") % {"shift": label}]},
                code="shift_overlap",
            )
    member_ids = set(team.members.values_list("pk", flat=True))
    outsiders = [str(member) for member in members if member.pk not in member_ids]
    if outsiders:
        names = "、".join(outsiders)
        raise ValidationFailed(
            _("Not members of the team: %(names)s.") % {"names": names},
            fields={"members": [_("Not members of the team: %(names)s.") % {"names": names}]},
        )
    return name


def _refuse_unless_manager(actor: Any, team: Team) -> None:
    if not shift_may_manage(actor, team):
        raise Forbidden(_("Only the team's managers and admins manage its shifts."))


def _lock_team(team: Team) -> Team:
    """Shifts of one team are checked for overlaps one change at a time."""
    return Team.objects.select_for_update().get(pk=team.pk)


def shift_create(
    *, team: Team, name: str, start_time: time, end_time: time, members: Iterable[Any] = (), actor: Any
) -> Shift:
    """A new shift for the team. The actor manages the team (or is an admin); the name is 1–50 characters and
    new in the team; start and end differ; it shares no minute with another shift of the team; its members
    are members of the team. Each refusal is a ``ValidationFailed`` naming the field."""
    _refuse_unless_manager(actor, team)
    members = list(members)
    with transaction.atomic():
        team = _lock_team(team)
        name = _check(team=team, name=name, start_time=start_time, end_time=end_time, members=members, exclude_pk=None)
        shift = Shift.objects.create(team=team, name=name, start_time=start_time, end_time=end_time)
        shift.members.set(members)
    return shift


def shift_update(
    *,
    shift: Shift,
    actor: Any,
    name: str | None = None,
    start_time: time | None = None,
    end_time: time | None = None,
    members: Iterable[Any] | None = None,
) -> Shift:
    """Change what is given (None: keep), with the checks of ``shift_create`` on the result."""
    _refuse_unless_manager(actor, shift.team)
    new_members = list(members) if members is not None else None
    with transaction.atomic():
        team = _lock_team(shift.team)
        shift = Shift.objects.select_for_update().get(pk=shift.pk)
        name = _check(
            team=team,
            name=shift.name if name is None else name,
            start_time=shift.start_time if start_time is None else start_time,
            end_time=shift.end_time if end_time is None else end_time,
            members=new_members if new_members is not None else [],
            exclude_pk=shift.pk,
        )
        shift.name = name
        shift.start_time = shift.start_time if start_time is None else start_time
        shift.end_time = shift.end_time if end_time is None else end_time
        shift.save(update_fields=["name", "start_time", "end_time"])
        if new_members is not None:
            shift.members.set(new_members)
    return shift


def shift_delete(*, shift: Shift, actor: Any) -> None:
    """Delete the shift. Handovers written in it keep their date and lose the shift."""
    _refuse_unless_manager(actor, shift.team)
    with transaction.atomic():
        _lock_team(shift.team)
        shift.delete()
