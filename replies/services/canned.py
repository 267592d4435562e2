"""Writes of canned replies and their folders.

Shortcut rule: a shortcut is unique within one scope — the global set, one team, one agent's personal set —
and a clash there is refused (409). Across scopes a shortcut may repeat: an agent's personal ``#发货`` shadows
the team's, which shadows the global one (the picker lists the most personal first), so an agent can keep
their own wording without asking a manager, the way 千牛's personal 快捷短语 sit on top of the shop's.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from pypinyin import Style, lazy_pinyin

from core.errors import Conflict, Forbidden, ValidationFailed
from tickets.models import Team

from ..models import CannedReply, Folder, ReplyScope
from ..models.canned import FOLDER_NAME_MAX, REPLY_BODY_MAX, SHORTCUT_MAX, TITLE_MAX
from ..permissions import may_edit_reply, may_manage_folder, may_manage_scope
from ..variables import known_names, unknown_variables

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


class ShortcutTaken(Conflict):
    code = "shortcut_taken"


class UnknownVariable(ValidationFailed):
    code = "unknown_variable"


def _pinyin(text: str, style: Style) -> str:
    return _NOT_ALNUM.sub("", "".join(lazy_pinyin(text, style=style, errors="default")).lower())


def search_key_for(*, title: str, shortcut: str) -> str:
    """Full pinyin and initials of the title and the shortcut: "发货" → "fahuo fh"."""
    parts: list[str] = []
    for text in (shortcut, title):
        for style in (Style.NORMAL, Style.FIRST_LETTER):
            part = _pinyin(text, style)
            if part and part not in parts:
                parts.append(part)
    return " ".join(parts)[:600]


def normalize_shortcut(shortcut: str) -> str:
    return shortcut.strip().lstrip("#＃").strip().lower()


def clean_reply_fields(*, title: str, shortcut: str, body: str) -> tuple[str, str, str]:
    title, shortcut, body = title.strip(), normalize_shortcut(shortcut), body.strip()
    errors: dict[str, list[str]] = {}
    if not title:
        errors["title"] = [_("This field is required.")]
    elif len(title) > TITLE_MAX:
        errors["title"] = [_("At most %(max)s characters.") % {"max": TITLE_MAX}]
    if not shortcut:
        errors["shortcut"] = [_("This field is required.")]
    elif len(shortcut) > SHORTCUT_MAX:
        errors["shortcut"] = [_("At most %(max)s characters.") % {"max": SHORTCUT_MAX}]
    elif any(ch.isspace() or ch in "#＃{}【】" for ch in shortcut):
        errors["shortcut"] = [_("A shortcut is one word: no spaces, no #, braces or 【】 inside.")]
    if not body:
        errors["body"] = [_("This field is required.")]
    elif len(body) > REPLY_BODY_MAX:
        errors["body"] = [_("At most %(max)s characters.") % {"max": REPLY_BODY_MAX}]
    if errors:
        raise ValidationFailed(_("Please correct the canned reply."), fields=errors)
    unknown = unknown_variables(body)
    if unknown:
        names = ", ".join("{{%s}}" % name for name in unknown)
        raise UnknownVariable(
            _("Unknown variable: %(names)s. Known variables: %(known)s.")
            % {"names": names, "known": ", ".join(known_names())},
            fields={"body": [_("Unknown variable: %(names)s.") % {"names": names}]},
        )
    return title, shortcut, body


def _refuse_clash(*, scope: str, team: Team | None, owner: Any, shortcut: str, exclude: int | None = None) -> None:
    clash = CannedReply.objects.filter(scope=scope, shortcut=shortcut)
    if scope == ReplyScope.TEAM:
        clash = clash.filter(team=team)
    elif scope == ReplyScope.PERSONAL:
        clash = clash.filter(owner=owner)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    other = clash.only("title").first()
    if other is not None:
        raise _taken(shortcut, other.title)


def _taken(shortcut: str, title: str = "") -> ShortcutTaken:
    message = _("The shortcut #%(shortcut)s is already used in this scope") % {"shortcut": shortcut}
    if title:
        message += _(" (by “%(title)s”)") % {"title": title}
    return ShortcutTaken(message + ".", fields={"shortcut": [_("Choose another shortcut.")]})


def _check_folder(folder: Folder | None, *, scope: str, team: Team | None, owner: Any) -> None:
    """A reply's folder is a shared one or a folder of the reply's team (personal: of the owner's teams)."""
    if folder is None or folder.team_id is None:
        return
    if scope == ReplyScope.TEAM and folder.team_id == getattr(team, "pk", None):
        return
    if scope == ReplyScope.PERSONAL and owner is not None and owner.teams.filter(pk=folder.team_id).exists():
        return
    raise ValidationFailed(
        _("This folder belongs to another team."), fields={"folder": [_("Choose a shared folder or the team's own.")]}
    )


def canned_reply_create(
    *,
    actor: Any,
    scope: str,
    title: str,
    shortcut: str,
    body: str,
    team: Team | None = None,
    folder: Folder | None = None,
    is_active: bool = True,
) -> CannedReply:
    """Create a reply. Personal replies belong to ``actor``; team replies need ``team``. Refused (403) when the
    actor may not manage the scope, (400) on an unknown variable, (409) when the shortcut is taken."""
    if scope not in ReplyScope.values:
        raise ValidationFailed(_("Unknown scope."), fields={"scope": [_("Choose global, team or personal.")]})
    if scope == ReplyScope.TEAM and team is None:
        raise ValidationFailed(_("A team reply needs a team."), fields={"team": [_("This field is required.")]})
    team = team if scope == ReplyScope.TEAM else None
    if not may_manage_scope(actor, scope, team):
        raise Forbidden(_("You may not manage replies in this scope."))
    title, shortcut, body = clean_reply_fields(title=title, shortcut=shortcut, body=body)
    owner = actor if scope == ReplyScope.PERSONAL else None
    _check_folder(folder, scope=scope, team=team, owner=owner)
    _refuse_clash(scope=scope, team=team, owner=owner, shortcut=shortcut)
    try:
        with transaction.atomic():
            return CannedReply.objects.create(
                scope=scope,
                team=team,
                owner=owner,
                folder=folder,
                title=title,
                shortcut=shortcut,
                body=body,
                search_key=search_key_for(title=title, shortcut=shortcut),
                is_active=is_active,
                created_by=actor,
                updated_by=actor,
            )
    except IntegrityError:  # a concurrent create took the shortcut between the check and the insert
        raise _taken(shortcut) from None


def canned_reply_update(
    *,
    reply: CannedReply,
    actor: Any,
    title: str | None = None,
    shortcut: str | None = None,
    body: str | None = None,
    folder: Folder | None | bool = False,
    is_active: bool | None = None,
) -> CannedReply:
    """Change a reply's text, shortcut, folder or active flag (``folder=False``: leave it). Its scope stays."""
    if not may_edit_reply(actor, reply):
        raise Forbidden(_("You may not change this reply."))
    title, shortcut, body = clean_reply_fields(
        title=reply.title if title is None else title,
        shortcut=reply.shortcut if shortcut is None else shortcut,
        body=reply.body if body is None else body,
    )
    if folder is not False:
        assert folder is None or isinstance(folder, Folder)
        _check_folder(folder, scope=reply.scope, team=reply.team, owner=reply.owner)
        reply.folder = folder
    _refuse_clash(scope=reply.scope, team=reply.team, owner=reply.owner, shortcut=shortcut, exclude=reply.pk)
    reply.title, reply.shortcut, reply.body = title, shortcut, body
    reply.search_key = search_key_for(title=title, shortcut=shortcut)
    if is_active is not None:
        reply.is_active = is_active
    reply.updated_by = actor
    try:
        with transaction.atomic():
            reply.save(
                update_fields=[
                    "title",
                    "shortcut",
                    "body",
                    "search_key",
                    "folder",
                    "is_active",
                    "updated_by",
                    "updated_at",
                ]
            )
    except IntegrityError:
        raise _taken(shortcut) from None
    return reply


def canned_reply_delete(*, reply: CannedReply, actor: Any) -> None:
    if not may_edit_reply(actor, reply):
        raise Forbidden(_("You may not delete this reply."))
    reply.delete()


def canned_reply_record_use(*, reply: CannedReply) -> None:
    """Count one insertion into a reply box (an atomic increment: two agents at once both count)."""
    CannedReply.objects.filter(pk=reply.pk).update(usage_count=F("usage_count") + 1, last_used_at=timezone.now())


def folder_create(*, actor: Any, name: str, team: Team | None = None) -> Folder:
    name = name.strip()
    if not name or len(name) > FOLDER_NAME_MAX:
        raise ValidationFailed(
            _("Please name the folder."), fields={"name": [_("1 to %(max)s characters.") % {"max": FOLDER_NAME_MAX}]}
        )
    if not may_manage_scope(actor, ReplyScope.TEAM if team else ReplyScope.GLOBAL, team):
        raise Forbidden(_("You may not manage these folders."))
    if Folder.objects.filter(team=team, name=name).exists():
        raise Conflict(_("A folder with this name exists already."), fields={"name": [_("Choose another name.")]})
    try:
        with transaction.atomic():
            return Folder.objects.create(name=name, team=team)
    except IntegrityError:
        raise Conflict(
            _("A folder with this name exists already."), fields={"name": [_("Choose another name.")]}
        ) from None


def folder_delete(*, folder: Folder, actor: Any) -> None:
    """Delete a folder; its replies stay, without a folder."""
    if not may_manage_folder(actor, folder):
        raise Forbidden(_("You may not manage these folders."))
    folder.delete()
