"""Report pages for managers: the dashboard, its sections (loaded by htmx, or opened as pages without
JavaScript), the CSV and XLSX exports, and the improvement actions recorded against satisfaction periods.

Every number comes from ``reports.registry.run_report``: these views only parse the filters, run a report and
present its table."""

from __future__ import annotations

import tempfile
from typing import cast

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from accounts.decorators import manager_required
from helpdesk.errors import NotFound, ValidationFailed

from . import export
from .filters import ReportFilters, parse_filters
from .registry import ReportResult, run_report


def _filter_error(
    request: HttpRequest, error: ValidationFailed, template: str = "reports/filter_error.html"
) -> HttpResponse:
    return render(request, template, {"error": error}, status=400)


def _run(name: str, filters: ReportFilters) -> ReportResult:
    try:
        return run_report(name, filters)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@manager_required
def report_csv_view(request: HttpRequest, name: str) -> HttpResponse:
    try:
        filters = parse_filters(request.GET)
    except ValidationFailed as error:
        return _filter_error(request, error)
    result = _run(name, filters)
    chunks = export.in_language(export.csv_chunks(result), get_language())
    response = StreamingHttpResponse(export.streaming_content(request, chunks), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export.export_filename(result, "csv")}"'
    # (The role decorators are typed for HttpResponse; a streamed one is served the same way.)
    return cast(HttpResponse, response)


@manager_required
def report_xlsx_view(request: HttpRequest, name: str) -> HttpResponse:
    try:
        filters = parse_filters(request.GET)
    except ValidationFailed as error:
        return _filter_error(request, error)
    result = _run(name, filters)
    # A temporary file, not memory: the workbook of the tickets report can be large. It is deleted when the
    # response closes it.
    output = tempfile.TemporaryFile(suffix=".xlsx")
    try:
        export.write_xlsx(result, output)
    except BaseException:
        output.close()
        raise
    output.seek(0)
    response = FileResponse(
        output,
        as_attachment=True,
        filename=export.export_filename(result, "xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    return cast(HttpResponse, response)
