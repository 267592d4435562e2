"""The CSV and XLSX writers (reports.export) without HTTP, then the export pages."""

from __future__ import annotations

import asyncio
import csv
import io
import re
import zipfile
from datetime import date, datetime
from xml.etree import ElementTree

import pytest
from django.test import AsyncRequestFactory, RequestFactory
from django.utils import timezone

from reports import export
from reports.filters import ReportFilters
from reports.registry import REPORTS

from .fakes import FAKE_COLUMNS, FAKE_ROWS, fake_result, fake_rows, register_fake

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
FILTERS = ReportFilters(start=date(2026, 11, 1), end=date(2026, 11, 23))


def about() -> str:
    """The About sheet's name, in the language of the test (translated like every label)."""
    from django.utils.translation import gettext

    return gettext("About")


def _csv(result) -> tuple[str, list[list[str]]]:  # type: ignore[no-untyped-def]
    text = "".join(export.csv_chunks(result))
    return text, list(csv.reader(io.StringIO(text.removeprefix(export.CSV_BOM))))


def _cell_value(cell) -> str | None:  # type: ignore[no-untyped-def]
    inline = cell.find("m:is/m:t", NS)
    if inline is not None:
        return inline.text or ""
    value = cell.find("m:v", NS)
    return value.text if value is not None else None


def read_xlsx(data: bytes) -> dict:  # type: ignore[type-arg]
    """{sheet name: {"rows": [[value, ...], ...], "styles": [[style id, ...]], "frozen": bool}} and "_formats"."""
    book = zipfile.ZipFile(io.BytesIO(data))
    names = [
        sheet.get("name") for sheet in ElementTree.fromstring(book.read("xl/workbook.xml")).iter(f"{{{NS['m']}}}sheet")
    ]
    shared = []
    if "xl/sharedStrings.xml" in book.namelist():
        shared = [
            "".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t"))
            for si in ElementTree.fromstring(book.read("xl/sharedStrings.xml"))
        ]
    styles = ElementTree.fromstring(book.read("xl/styles.xml"))
    formats = {fmt.get("numFmtId"): fmt.get("formatCode") for fmt in styles.iter(f"{{{NS['m']}}}numFmt")}
    xfs = [xf.get("numFmtId") for xf in styles.find("m:cellXfs", NS)]  # type: ignore[union-attr]
    sheets = {}
    for index, name in enumerate(names, 1):
        root = ElementTree.fromstring(book.read(f"xl/worksheets/sheet{index}.xml"))
        rows, row_styles = [], []
        for row in root.iter(f"{{{NS['m']}}}row"):
            values, cell_styles = [], []
            for cell in row.findall("m:c", NS):
                column = ord(re.match(r"[A-Z]+", cell.get("r")).group()[-1]) - ord("A")  # type: ignore[union-attr]
                while len(values) < column:
                    values.append(None)
                    cell_styles.append(None)
                value = _cell_value(cell)
                if cell.get("t") == "s" and value is not None:
                    value = shared[int(value)]
                values.append(value)
                number_format = xfs[int(cell.get("s", "0"))]
                cell_styles.append(formats.get(number_format, number_format))
            rows.append(values)
            row_styles.append(cell_styles)
        pane = root.find(".//m:pane", NS)
        sheets[name] = {
            "rows": rows,
            "formats": row_styles,
            "frozen": pane is not None and pane.get("state") == "frozen" and pane.get("ySplit") == "1",
        }
    return sheets


def test_csv_starts_with_a_bom_and_labels_seconds_columns_with_the_unit():
    text, rows = _csv(fake_result(FILTERS))
    assert text.startswith("\ufeff")
    assert rows[0] == ["名称 Name", "工单 Tickets", "Rate", "Wait (s)", "CSAT", "Day"]
    assert len(rows) == 1 + len(FAKE_ROWS)


def test_csv_keeps_raw_seconds_rates_as_fractions_and_none_as_empty():
    _text, rows = _csv(fake_result(FILTERS))
    assert rows[1] == ["上海 客服组", "21", "0.9524", "252", "4.5", "2026-11-02"]
    assert rows[2][1:] == ["0", "", "", "", ""]


def test_csv_text_that_a_spreadsheet_would_run_as_a_formula_is_quoted():
    _text, rows = _csv(fake_result(FILTERS))
    assert rows[2][0] == '\'=HYPERLINK("http://x")'


def test_csv_encodes_as_utf8_with_bom_for_excel():
    body = b"".join(export.in_language(export.csv_chunks(fake_result(FILTERS)), "zh-hans"))
    assert body.startswith(b"\xef\xbb\xbf")
    assert "上海 客服组".encode() in body


def test_csv_of_an_empty_report_is_the_header_line_only():
    _text, rows = _csv(fake_result(FILTERS, rows=[]))
    assert rows == [[export.header_label(column) for column in FAKE_COLUMNS]]


def test_csv_rows_are_produced_lazily_one_at_a_time():
    consumed = []

    def rows():  # type: ignore[no-untyped-def]
        for row in fake_rows(1000):
            consumed.append(row)
            yield row

    chunks = export.csv_chunks(fake_result(FILTERS, rows=rows()))
    next(chunks), next(chunks)
    assert len(consumed) == 1


def test_export_file_names_carry_the_report_and_the_period():
    result = fake_result(FILTERS)
    result.name = "sla"
    assert export.export_filename(result, "csv") == "helpdesk-sla-2026-11-01_2026-11-23.csv"


@pytest.mark.django_db
def test_xlsx_writes_numbers_as_numbers_with_a_percent_format_for_rates_and_a_bold_frozen_header():
    output = io.BytesIO()
    assert export.write_xlsx(fake_result(FILTERS), output) == 3
    sheets = read_xlsx(output.getvalue())
    assert list(sheets) == ["fake", about()]
    sheet = sheets["fake"]
    assert sheet["frozen"]
    assert sheet["rows"][0] == ["名称 Name", "工单 Tickets", "Rate", "Wait (s)", "CSAT", "Day"]
    first = sheet["rows"][1]
    assert first[0] == "上海 客服组"
    assert float(first[1]) == 21 and float(first[3]) == 252 and float(first[4]) == 4.5
    assert float(first[2]) == pytest.approx(20 / 21)
    assert sheet["formats"][1][2].endswith("%")
    assert float(first[5]) == 46328  # 2026-11-02 as an Excel serial date
    assert sheet["formats"][1][5] == "yyyy-mm-dd"
    assert sheet["rows"][2][0] == '=HYPERLINK("http://x")'  # a string cell, not a formula


@pytest.mark.django_db
def test_xlsx_continues_on_a_new_sheet_with_the_header_when_a_sheet_is_full():
    output = io.BytesIO()
    total = export.write_xlsx(fake_result(FILTERS, rows=fake_rows(7)), output, max_rows=3)
    assert total == 7
    sheets = read_xlsx(output.getvalue())
    assert list(sheets) == ["fake", "fake (2)", "fake (3)", "fake (4)", about()]
    header = [export.header_label(column) for column in FAKE_COLUMNS]
    data = []
    for name in ["fake", "fake (2)", "fake (3)", "fake (4)"]:
        assert sheets[name]["rows"][0] == header
        assert sheets[name]["frozen"]
        assert len(sheets[name]["rows"]) <= 3
        data += [row[0] for row in sheets[name]["rows"][1:]]
    assert data == [f"行 {number}" for number in range(1, 8)]


@pytest.mark.django_db
def test_xlsx_exactly_full_sheet_does_not_open_an_empty_one():
    output = io.BytesIO()
    export.write_xlsx(fake_result(FILTERS, rows=fake_rows(4)), output, max_rows=3)
    assert list(read_xlsx(output.getvalue())) == ["fake", "fake (2)", about()]


def test_xlsx_default_sheet_size_is_excels_limit():
    assert export.EXCEL_MAX_ROWS == 1_048_576


@pytest.mark.django_db
def test_xlsx_about_sheet_names_the_report_filters_rows_and_generation_time(team):
    filters = ReportFilters(start=date(2026, 11, 1), end=date(2026, 11, 23), team_id=team.pk, kind="complaint")
    generated = timezone.make_aware(datetime(2026, 11, 23, 9, 30))
    output = io.BytesIO()
    export.write_xlsx(fake_result(filters), output, generated_at=generated)
    lines = {row[0]: row[1] for row in read_xlsx(output.getvalue())[about()]["rows"]}
    values = set(lines.values())
    assert {"假报表 Fake", "fake", "2026-11-01", "2026-11-23", team.name, "3"} <= values
    assert any(value.startswith("2026-11-23 09:30:00") for value in values)


def test_sheet_names_respect_excels_rules():
    assert export.sheet_name("tickets", 2) == "tickets (2)"
    assert len(export.sheet_name("x" * 40, 12)) == 31
    assert export.sheet_name("a/b:c", 1) == "a_b_c"


def test_streaming_under_wsgi_hands_the_chunks_over_as_they_are():
    request = RequestFactory().get("/")
    content = export.streaming_content(request, iter([b"a", b"b"]))
    assert list(content) == [b"a", b"b"]  # type: ignore[arg-type]


def test_streaming_under_asgi_is_an_async_iterator_that_pulls_the_chunks_lazily():
    request = AsyncRequestFactory().get("/")
    pulled = []

    def chunks():  # type: ignore[no-untyped-def]
        for number in range(200):
            pulled.append(number)
            yield str(number).encode()

    content = export.streaming_content(request, chunks())
    assert not hasattr(content, "__iter__") and hasattr(content, "__aiter__")
    assert pulled == []

    async def collect() -> list[bytes]:
        return [part async for part in content]  # type: ignore[union-attr]

    assert asyncio.run(collect()) == [str(number).encode() for number in range(200)]


# --- The export pages ----------------------------------------------------------------------------------------


def _body(response) -> bytes:  # type: ignore[no-untyped-def]
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_csv_export_page_streams_the_report_for_the_filters(client, manager, monkeypatch):
    register_fake(monkeypatch)
    client.force_login(manager)
    response = client.get("/reports/fake.csv?start=2026-11-01&end=2026-11-23")
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="helpdesk-fake-2026-11-01_2026-11-23.csv"' in response["Content-Disposition"]
    body = _body(response)
    assert body.startswith(b"\xef\xbb\xbf")
    assert body.decode("utf-8-sig").splitlines()[1] == "上海 客服组,21,0.9524,252,4.5,2026-11-02"


def test_xlsx_export_page_serves_a_workbook_file(client, manager, monkeypatch):
    register_fake(monkeypatch)
    client.force_login(manager)
    response = client.get("/reports/fake.xlsx?period=last_month")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert re.search(r'filename="helpdesk-fake-\d{4}-\d\d-01_\d{4}-\d\d-\d\d\.xlsx"', response["Content-Disposition"])
    sheets = read_xlsx(_body(response))
    assert list(sheets) == ["fake", about()] and len(sheets["fake"]["rows"]) == 4


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_every_report_exports_as_csv_and_xlsx(client, manager, name):
    client.force_login(manager)
    csv_response = client.get(f"/reports/{name}.csv?period=last_30_days")
    assert csv_response.status_code == 200
    lines = list(csv.reader(io.StringIO(_body(csv_response).decode("utf-8-sig"))))
    columns = REPORTS[name].build(ReportFilters(start=date.today(), end=date.today())).columns
    assert len(lines[0]) >= len(columns) and all(len(line) == len(lines[0]) for line in lines)
    xlsx_response = client.get(f"/reports/{name}.xlsx?period=last_30_days")
    assert xlsx_response.status_code == 200
    sheets = read_xlsx(_body(xlsx_response))
    assert list(sheets)[-1] == about()
    assert len(sheets[list(sheets)[0]]["rows"]) == len(lines)


def test_exports_refuse_bad_filters_with_a_400_that_names_the_field(client, manager):
    client.force_login(manager)
    for suffix in ("csv", "xlsx"):
        response = client.get(f"/reports/sla.{suffix}?start=2026-13-40&team=x")
        assert response.status_code == 400
        content = response.content.decode()
        assert 'data-field="start"' in content and 'data-field="team"' in content


def test_export_of_an_unknown_report_is_a_404(client, manager):
    client.force_login(manager)
    assert client.get("/reports/nonsense.csv").status_code == 404
    assert client.get("/reports/nonsense.xlsx").status_code == 404


def test_exports_are_for_managers_only(client, agent):
    assert client.get("/reports/sla.csv").status_code == 302  # to the login page
    client.force_login(agent)
    assert client.get("/reports/sla.csv").status_code == 403
    assert client.get("/reports/sla.xlsx").status_code == 403


def test_superusers_may_export(client, django_user_model):
    admin = django_user_model.objects.create_superuser("boss", "boss@example.com", "pw-123456789")
    client.force_login(admin)
    assert client.get("/reports/sla.csv").status_code == 200
