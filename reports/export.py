"""Writers for a ``ReportResult``: CSV and the API's JSON (generators of text chunks, for streaming) and XLSX
(to a file object). The CSV basics and the glue that streams chunks under WSGI and ASGI are ``core.exports``.

All take the rows as they come, one at a time, so the per-ticket report (possibly a million rows) never sits
in memory: CSV and JSON are streamed, the XLSX is written with XlsxWriter's ``constant_memory`` mode.

Values are written raw so a spreadsheet can compute with them: seconds stay seconds (the header says "(s)"),
rates stay fractions (0.9523; the XLSX shows them with a percent format), ``None`` is an empty cell.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import IO, Any

import xlsxwriter
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

# The CSV and streaming pieces every download shares (the audit log's CSV too); named here as the reports'.
from core.exports import CSV_BOM as CSV_BOM
from core.exports import csv_lines, safe_text
from core.exports import in_language as in_language
from core.exports import streaming_content as streaming_content
from tickets.enums import Channel, TicketKind
from tickets.models import Team

from .filters import ReportFilters
from .registry import Column, ReportResult

# Excel's limit, header row included. A sheet that reaches it continues on the next one ("tickets (2)").
EXCEL_MAX_ROWS = 1_048_576
RATE_DECIMALS = 4
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def header_label(column: Column) -> str:
    label = str(column.label)
    return f"{label} (s)" if column.type == "seconds" else label


def export_filename(result: ReportResult, extension: str) -> str:
    """``helpdesk-sla-2026-11-01_2026-11-23.csv``."""
    filters = result.filters
    return f"helpdesk-{result.name}-{filters.start.isoformat()}_{filters.end.isoformat()}.{extension}"


def describe_filters(filters: ReportFilters) -> list[tuple[str, str]]:
    """The filters as (label, value) pairs for people: the About sheet and the dashboard."""
    everything = _("All")
    team = Team.objects.filter(pk=filters.team_id).values_list("name", flat=True).first() if filters.team_id else None
    kinds = dict(TicketKind.choices)
    channels = dict(Channel.choices)
    return [
        (_("From"), filters.start.isoformat()),
        (_("To"), filters.end.isoformat()),
        (_("Team"), str(team) if team else everything),
        (_("Kind"), str(kinds.get(filters.kind, filters.kind)) if filters.kind else everything),
        (_("Channel"), str(channels.get(filters.channel, filters.channel)) if filters.channel else everything),
    ]


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def csv_value(column: Column, value: Any) -> Any:
    if value is None:
        return ""
    if column.type == "rate":
        return round(float(value), RATE_DECIMALS)
    if column.type == "text":
        return safe_text(_plain(value))
    return _plain(value)


def csv_chunks(result: ReportResult) -> Iterator[str]:
    """The CSV as text chunks: the BOM with the header line first, then one line per row."""
    columns = result.columns
    return csv_lines(
        [header_label(column) for column in columns],
        ([csv_value(column, row.get(column.key)) for column in columns] for row in result.rows),
    )


def sheet_name(base: str, number: int) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\; the second sheet is "tickets (2)"."""
    base = _SHEET_NAME_FORBIDDEN.sub("_", base) or "report"
    suffix = f" ({number})" if number > 1 else ""
    return base[: 31 - len(suffix)] + suffix


def write_xlsx(
    result: ReportResult,
    output: str | IO[bytes],
    *,
    max_rows: int = EXCEL_MAX_ROWS,
    generated_at: datetime | None = None,
) -> int:
    """Write the report to ``output`` (a path or a binary file object); return the number of data rows.

    ``max_rows`` is the most rows a sheet holds, its header included (Excel's limit by default; tests pass a
    small one). Rows past it continue on a new sheet that repeats the header. The last sheet, "About", names
    the report, its filters, the row count and when the file was made.
    """
    if max_rows < 2:
        raise ValueError("max_rows must leave room for the header and one row")
    workbook = xlsxwriter.Workbook(
        output,
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    header_format = workbook.add_format({"bold": True, "bg_color": "#EEF2F7", "bottom": 1})
    formats = {
        "rate": workbook.add_format({"num_format": "0.0%"}),
        "score": workbook.add_format({"num_format": "0.00"}),
        "int": workbook.add_format({"num_format": "0"}),
        "seconds": workbook.add_format({"num_format": "0"}),
        "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
    }
    columns = result.columns
    widths = [min(max(len(header_label(column)) * 2, 10), 40) for column in columns]

    def new_sheet(number: int) -> Any:
        sheet = workbook.add_worksheet(sheet_name(result.name, number))
        for index, width in enumerate(widths):
            sheet.set_column(index, index, width)
        for index, column in enumerate(columns):
            sheet.write_string(0, index, header_label(column), header_format)
        sheet.freeze_panes(1, 0)
        return sheet

    def close_sheet(sheet: Any, last_row: int) -> None:
        if columns:
            sheet.autofilter(0, 0, last_row, len(columns) - 1)

    number = 1
    sheet = new_sheet(number)
    row_index = 0  # the last row written on the current sheet (0 = the header)
    total = 0
    for row in result.rows:
        if row_index + 1 >= max_rows:
            close_sheet(sheet, row_index)
            number += 1
            sheet = new_sheet(number)
            row_index = 0
        row_index += 1
        total += 1
        for index, column in enumerate(columns):
            _write_cell(sheet, row_index, index, column, row.get(column.key), formats)
    close_sheet(sheet, row_index)

    about = workbook.add_worksheet(sheet_name(str(_("About")), 1))
    about.set_column(0, 0, 22)
    about.set_column(1, 1, 60)
    generated_at = generated_at or timezone.now()
    lines: list[tuple[str, str]] = [
        (_("Report"), str(result.title)),
        (_("Report name"), result.name),
        *describe_filters(result.filters),
        (_("Rows"), str(total)),
        (_("Generated at"), timezone.localtime(generated_at).strftime("%Y-%m-%d %H:%M:%S %Z")),
        *((_("Note"), str(note)) for note in result.notes),
    ]
    for index, (label, value) in enumerate(lines):
        about.write_string(index, 0, label, header_format)
        about.write_string(index, 1, value)
    workbook.close()
    return total


def _write_cell(sheet: Any, row: int, col: int, column: Column, value: Any, formats: dict[str, Any]) -> None:
    if value is None or value == "":
        return
    kind = column.type
    if kind in ("int", "seconds", "rate", "score") and isinstance(value, (int, float)) and not isinstance(value, bool):
        sheet.write_number(row, col, value, formats[kind])
        return
    if kind == "date":
        day = value if isinstance(value, date) else _parse_date(value)
        if day is not None:
            sheet.write_datetime(row, col, datetime(day.year, day.month, day.day), formats["date"])
            return
    # Text (and anything unexpected) as a string: never a formula, whatever it starts with.
    sheet.write_string(row, col, str(_plain(value)))


def _parse_date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def json_chunks(result: ReportResult, *, batch: int = 500) -> Iterator[str]:
    """The report as one JSON object, ``{"name", "title", "filters", "columns", "rows": [...]}``, in chunks:
    the head first, then the rows ``batch`` at a time, so the per-ticket report is never held whole."""
    columns = result.columns
    head = {
        "name": result.name,
        "title": str(result.title),
        "filters": filters_json(result.filters),
        "columns": columns_json(columns),
    }
    encoded_head = json.dumps(head, ensure_ascii=False, cls=DjangoJSONEncoder)
    yield encoded_head[:-1] + ', "rows": ['
    pending: list[str] = []
    separator = ""
    for row in result.rows:
        pending.append(
            json.dumps(
                {column.key: _json_value(row.get(column.key)) for column in columns},
                ensure_ascii=False,
                cls=DjangoJSONEncoder,
            )
        )
        if len(pending) >= batch:
            yield separator + ",".join(pending)
            separator = ","
            pending = []
    if pending:
        yield separator + ",".join(pending)
    yield "]}"


def columns_json(columns: Iterable[Column]) -> list[dict[str, str]]:
    return [{"key": column.key, "label": str(column.label), "type": column.type} for column in columns]


def _json_value(value: Any) -> Any:
    if isinstance(value, Promise):
        return str(value)
    return value


def filters_json(filters: ReportFilters) -> dict[str, Any]:
    return {
        "start": filters.start.isoformat(),
        "end": filters.end.isoformat(),
        "team": filters.team_id,
        "kind": filters.kind,
        "channel": filters.channel,
    }
