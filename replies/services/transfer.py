"""Import and export of canned replies as CSV or XLSX (teams already keep their 话术 in spreadsheets).

Columns: ``scope, team, folder, title, shortcut, body`` (Chinese headers 范围, 团队, 文件夹, 标题, 快捷短语,
内容 are understood too). Scope values: global / team / personal (全局 / 团队 / 个人); empty means personal.

Import is all or nothing: every row is checked first; if any row is refused, nothing is imported and the answer
lists every refused row by its number in the file (row 1 is the header). A partial import would leave the
agent guessing which half of their spreadsheet arrived; fixing the rows and importing again is simple. A row
whose shortcut already exists in the same scope (the same team, or the importer's personal set) updates that
reply, so a spreadsheet can be edited and imported again.

Export neutralises formula injection: a cell starting with = + - @ (or a tab / carriage return) is prefixed
with an apostrophe, so a spreadsheet program shows the text instead of running it.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import xlsxwriter
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from core.errors import ApplicationError, ValidationFailed
from tickets.models import Team

from ..models import CannedReply, Folder, ReplyScope
from ..permissions import may_manage_scope
from .canned import clean_reply_fields, search_key_for

IMPORT_MAX_BYTES = 2 * 1024 * 1024
IMPORT_MAX_ROWS = 2_000
# A workbook's parts unpacked: 2,000 rows of the longest replies (5,000 characters, 3 bytes each in UTF-8) with
# the XML around them fit in well under this.
IMPORT_MAX_UNPACKED_BYTES = 40 * 1024 * 1024
COLUMNS = ["scope", "team", "folder", "title", "shortcut", "body"]
HEADER_ALIASES = {
    "范围": "scope",
    "团队": "team",
    "技能组": "team",
    "文件夹": "folder",
    "分类": "folder",
    "标题": "title",
    "快捷短语": "shortcut",
    "快捷键": "shortcut",
    "快捷方式": "shortcut",
    "内容": "body",
    "正文": "body",
}
SCOPE_ALIASES = {
    "": ReplyScope.PERSONAL,
    "global": ReplyScope.GLOBAL,
    "全局": ReplyScope.GLOBAL,
    "team": ReplyScope.TEAM,
    "团队": ReplyScope.TEAM,
    "personal": ReplyScope.PERSONAL,
    "个人": ReplyScope.PERSONAL,
}
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAGIC = b"PK\x03\x04"


class ImportRefused(ValidationFailed):
    code = "import_refused"


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


def _refuse(message: str) -> ImportRefused:
    return ImportRefused(message, fields={"file": [message]})


# What a damaged workbook makes openpyxl raise (a part that is not XML: SyntaxError's ParseError), while it opens
# the file or, read-only, while it reads the rows.
XLSX_DAMAGED = (
    zipfile.BadZipFile,
    InvalidFileException,
    SyntaxError,
    KeyError,
    IndexError,
    AttributeError,
    ValueError,
    OSError,
    TypeError,
)


def _refuse_zip_bomb(content: bytes) -> None:
    """A workbook's parts may unpack to far more than the file's 2 MB (a 300 KB file held a 300 MB cell, which
    openpyxl read into 600 MB of memory): refuse it from the zip's table of contents, before unpacking."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _refuse(_("This file is neither CSV nor XLSX.")) from None
    if unpacked > IMPORT_MAX_UNPACKED_BYTES:
        raise _refuse(_("This workbook is too large inside; save the replies in a new file and try again."))


def _read_xlsx(content: bytes) -> list[list[str]]:
    _refuse_zip_bomb(content)
    rows: list[list[str]] = []
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0] if workbook.worksheets else None
            if sheet is not None:
                for row in sheet.iter_rows(values_only=True):
                    rows.append(["" if cell is None else str(cell) for cell in row])
                    if len(rows) > IMPORT_MAX_ROWS + 1:
                        break
        finally:
            workbook.close()
    except XLSX_DAMAGED:
        raise _refuse(_("This file is neither CSV nor XLSX.")) from None
    return rows


def _read_rows(content: bytes) -> list[list[str]]:
    if content.startswith(XLSX_MAGIC):
        return _read_xlsx(content)
    if b"\x00" in content:
        raise _refuse(_("This file is neither CSV nor XLSX."))
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise _refuse(_("This CSV file is not UTF-8 or GBK text."))
    try:
        return [row for row in csv.reader(io.StringIO(text))]
    except csv.Error:
        raise _refuse(_("This CSV file could not be read.")) from None


def _header(row: list[str]) -> list[str]:
    names = []
    for cell in row:
        name = cell.strip().lower()
        names.append(HEADER_ALIASES.get(cell.strip(), name))
    missing = [name for name in ("title", "shortcut", "body") if name not in names]
    if missing:
        raise _refuse(
            _("The first row must name the columns; missing: %(missing)s. Columns: %(columns)s.")
            % {"missing": ", ".join(missing), "columns": ", ".join(COLUMNS)}
        )
    return names


def canned_reply_import(*, actor: Any, content: bytes) -> ImportResult:
    """Import replies from a CSV or XLSX file's bytes, all or nothing (see the module docstring)."""
    if len(content) > IMPORT_MAX_BYTES:
        raise _refuse(_("The file is too large: at most %(max)s MB.") % {"max": IMPORT_MAX_BYTES // (1024 * 1024)})
    if not content.strip():
        raise _refuse(_("The file is empty."))
    rows = _read_rows(content)
    if not rows:
        raise _refuse(_("The file is empty."))
    header = _header(rows[0])
    data = rows[1:]
    if len(data) > IMPORT_MAX_ROWS:
        raise _refuse(_("Too many rows: at most %(max)s per file.") % {"max": IMPORT_MAX_ROWS})
    teams = {team.name: team for team in Team.objects.all()}
    folders = {(f.team_id, f.name): f for f in Folder.objects.all()}
    errors: dict[str, list[str]] = {}
    planned: list[dict[str, Any]] = []
    seen: dict[tuple[str, int | None, str], int] = {}
    for number, row in enumerate(data, start=2):
        values = {
            name: unsafe_cell((row[i] if i < len(row) else "").strip())
            for i, name in enumerate(header)
            if name in COLUMNS
        }
        if not any(values.values()):
            continue  # a blank line
        problems: list[str] = []
        scope = SCOPE_ALIASES.get(values.get("scope", "").lower())
        team: Team | None = None
        if scope is None:
            problems.append(_("Unknown scope “%(scope)s”: global, team or personal.") % {"scope": values["scope"]})
        elif scope == ReplyScope.TEAM:
            team = teams.get(values.get("team", ""))
            if team is None:
                problems.append(_("Unknown team “%(team)s”.") % {"team": values.get("team", "")})
        if scope is not None and (scope != ReplyScope.TEAM or team is not None):
            if not may_manage_scope(actor, scope, team):
                problems.append(_("You may not manage replies in this scope."))
        folder_name = values.get("folder", "")
        folder_key: tuple[int | None, str] | None = None
        if folder_name:
            team_id = team.pk if team else None
            if (None, folder_name) in folders:
                folder_key = (None, folder_name)
            elif team_id and (team_id, folder_name) in folders:
                folder_key = (team_id, folder_name)
            elif scope in (ReplyScope.TEAM, ReplyScope.GLOBAL) and may_manage_scope(actor, scope, team):
                folder_key = (team_id, folder_name)  # created with the import
            else:
                problems.append(_("Unknown folder “%(folder)s”.") % {"folder": folder_name})
        try:
            title, shortcut, body = clean_reply_fields(
                title=values.get("title", ""), shortcut=values.get("shortcut", ""), body=values.get("body", "")
            )
        except ApplicationError as exc:
            details = [f"{_column_label(name)}: {' '.join(messages)}" for name, messages in exc.fields.items()]
            problems.append(" ".join(details) or exc.message)
            title = shortcut = body = ""
        if shortcut and scope is not None:
            key = (scope, team.pk if team else None, shortcut)
            if key in seen:
                problems.append(
                    _("The shortcut #%(shortcut)s is also on row %(row)s.") % {"shortcut": shortcut, "row": seen[key]}
                )
            else:
                seen[key] = number
        if problems:
            errors[_("row %(number)s") % {"number": number}] = problems
            continue
        planned.append(
            {"scope": scope, "team": team, "folder_key": folder_key, "title": title, "shortcut": shortcut, "body": body}
        )
    if errors:
        raise ImportRefused(
            ngettext(
                "Nothing was imported: %(count)s row has problems. Fix it and import the file again.",
                "Nothing was imported: %(count)s rows have problems. Fix them and import the file again.",
                len(errors),
            )
            % {"count": len(errors)},
            fields=errors,
        )
    if not planned:
        raise _refuse(_("The file has no replies."))
    try:
        return _apply(actor=actor, planned=planned, folders=folders)
    except IntegrityError:
        # Someone created a reply with one of the file's shortcuts (or the same folder) between the lookup and
        # the insert: the whole import rolled back, as with any refused row.
        raise _refuse(
            _("Someone changed these replies while the file was imported. Nothing was imported: import it again.")
        ) from None


def _apply(*, actor: Any, planned: list[dict[str, Any]], folders: dict[tuple[int | None, str], Folder]) -> ImportResult:
    created = updated = 0
    with transaction.atomic():
        for item in planned:
            folder = None
            if item["folder_key"] is not None:
                folder = folders.get(item["folder_key"])
                if folder is None:
                    team_id, name = item["folder_key"]
                    folder, _created = Folder.objects.get_or_create(team_id=team_id, name=name)
                    folders[item["folder_key"]] = folder
            scope, team = item["scope"], item["team"]
            owner = actor if scope == ReplyScope.PERSONAL else None
            existing = (
                CannedReply.objects.select_for_update()
                .filter(scope=scope, team=team, owner=owner, shortcut=item["shortcut"])
                .first()
            )
            search_key = search_key_for(title=item["title"], shortcut=item["shortcut"])
            if existing is not None:
                existing.title, existing.body, existing.folder = item["title"], item["body"], folder
                existing.search_key, existing.updated_by = search_key, actor
                existing.save(update_fields=["title", "body", "folder", "search_key", "updated_by", "updated_at"])
                updated += 1
            else:
                CannedReply.objects.create(
                    scope=scope,
                    team=team,
                    owner=owner,
                    folder=folder,
                    title=item["title"],
                    shortcut=item["shortcut"],
                    body=item["body"],
                    search_key=search_key,
                    created_by=actor,
                    updated_by=actor,
                )
                created += 1
    return ImportResult(created=created, updated=updated)


def safe_cell(value: str) -> str:
    """A cell a spreadsheet program shows as text, never runs as a formula."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def unsafe_cell(value: str) -> str:
    """The text ``safe_cell`` protected: an exported file imported again gives back the same replies (a body
    "-满199减20" is not stored as "'-满199减20")."""
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES) else value


def _column_label(name: str) -> str:
    """A column as the refused-row message names it, in the page's language (the file may use either)."""
    labels = {
        "title": pgettext("import column", "title"),
        "shortcut": pgettext("import column", "shortcut"),
        "body": pgettext("import column", "body"),
    }
    return labels.get(name, name)


def export_rows(replies: Iterable[CannedReply]) -> list[list[str]]:
    rows = [list(COLUMNS)]
    for reply in replies:
        rows.append(
            [
                safe_cell(cell)
                for cell in (
                    reply.scope,
                    reply.team.name if reply.team else "",
                    reply.folder.name if reply.folder else "",
                    reply.title,
                    reply.shortcut,
                    reply.body,
                )
            ]
        )
    return rows


def export_csv(replies: Iterable[CannedReply]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(export_rows(replies))
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes Excel read the Chinese as UTF-8


def export_xlsx(replies: Iterable[CannedReply]) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    )
    sheet = workbook.add_worksheet("canned replies")
    for r, row in enumerate(export_rows(replies)):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value)
    sheet.set_column(0, 2, 12)
    sheet.set_column(3, 4, 20)
    sheet.set_column(5, 5, 60)
    workbook.close()
    return buffer.getvalue()
