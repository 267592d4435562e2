"""Report pages for managers: the dashboard, its sections (loaded by htmx, or opened as pages without
JavaScript), the CSV and XLSX exports, and the improvement actions recorded against satisfaction periods.

Every number comes from ``reports.registry.run_report``: these views only parse the filters, run a report and
present its table (a value's display form is prepared here; the raw value goes along in a title)."""

from __future__ import annotations

import tempfile
from typing import Any, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import manager_required
from core.errors import NotFound, ValidationFailed
from core.formatting import human_duration

from . import export, services
from .filters import ReportFilters, parse_filters
from .forms import ImprovementActionForm, ReportFilterForm
from .models import ImprovementAction
from .registry import REPORTS, Column, ReportDefinition, ReportResult, report_definitions, run_report

# How each dashboard section draws its report (static/js/dashboard.js); a report not named here is a table.
CHARTS = {
    "volume": "heatmap",
    "time_bands": "bands",
    "sla": "sla",
    "complaints": "bars",
    "csat_month": "csat",
    "csat_quarter": "csat",
    "aftersales_reasons": "pareto",
    "aftersales_products": "pareto",
    "agents": "table",
    "agent_online": "table",
    "assignments": "table",
    "handovers": "table",
}
CSAT_REPORTS = ("csat_month", "csat_quarter")
# The SLA report's "dimension" column, for people.
DIMENSIONS = {
    "all": gettext_lazy("All tickets"),
    "team": gettext_lazy("Team"),
    "kind": gettext_lazy("Kind"),
    "agent": gettext_lazy("Agent"),
}
# Sections that share a row on a wide screen; the others take the full width.
HALF_WIDTH = ("time_bands", "complaints", "aftersales_reasons", "aftersales_products", "agent_online", "assignments")
# Tables that would be long and repeat the chart start folded.
FOLDED_TABLES = ("volume",)
# Codes that sit next to their label: left out of the table on screen (the exports and the API keep them).
CODE_COLUMNS = {
    "complaints": {"category"},
    "aftersales_reasons": {"reason"},
    "sla": {"key"},
    "agents": {"agent_id"},
    "agent_online": {"agent_id"},
    "assignments": {"agent_id"},
}


def _filter_error(
    request: HttpRequest, error: ValidationFailed, template: str = "reports/filter_error.html"
) -> HttpResponse:
    return render(request, template, {"error": error}, status=400)


def _run(name: str, filters: ReportFilters) -> ReportResult:
    try:
        return run_report(name, filters)
    except NotFound as exc:
        raise Http404(exc.message) from exc


# --- Presentation of values ----------------------------------------------------------------------------------


def display_value(column: Column, value: Any) -> dict[str, Any]:
    """A table cell: ``text`` shown, ``title`` with the raw value, ``sort`` for sortable tables."""
    cell = _display(column, value)
    cell["type"] = column.type
    return cell


def _display(column: Column, value: Any) -> dict[str, Any]:
    if value is None or value == "":
        return {"text": "—", "title": "", "sort": "", "empty": True}
    kind = column.type
    if kind == "rate":
        return {"text": f"{float(value) * 100:.1f}%", "title": str(value), "sort": value}
    if kind == "seconds":
        return {"text": human_duration(value), "title": _("%(seconds)s s") % {"seconds": value}, "sort": value}
    if kind == "score":
        return {"text": f"{float(value):.2f}", "title": str(value), "sort": value}
    if kind == "int":
        return {"text": f"{value:,}" if isinstance(value, int) else str(value), "title": "", "sort": value}
    text = str(value)
    if column.key == "vital_few":
        text = _("Yes") if value == "yes" else _("No") if value == "no" else text
    elif column.key == "dimension":
        text = str(DIMENSIONS.get(text, text))
    return {"text": text, "title": "", "sort": str(value)}


def _heatmap(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Seven weekday rows of 24 hour cells, each with its numbers and a colour intensity (0–1)."""
    cells = {(int(row["weekday"]), int(row["hour"])): row for row in rows if row.get("weekday") is not None}
    busiest = max((row.get("received") or 0 for row in cells.values()), default=0)
    grid = []
    for weekday in range(1, 8):
        hours = []
        for hour in range(24):
            row = cells.get((weekday, hour), {})
            received = row.get("received") or 0
            resolved = row.get("resolved") or 0
            rate = row.get("resolution_rate")
            rate_text = f"{rate * 100:.1f}%" if rate is not None else "—"
            title = _("%(day)s %(hour)02d:00 — received %(received)s, resolved %(resolved)s (%(rate)s)") % {
                "day": WEEKDAYS_ABBR[weekday - 1],
                "hour": hour,
                "received": received,
                "resolved": resolved,
                "rate": rate_text,
            }
            intensity = received / busiest if busiest else 0
            hours.append(
                {
                    "received": received,
                    "title": title,
                    "intensity": f"{intensity:.3f}",
                    # A class per tenth of the busiest hour (reports.css): no style attribute, which the CSP forbids.
                    "heat": round(intensity * 10),
                    "hot": intensity > 0.6,
                }
            )
        grid.append({"label": WEEKDAYS_ABBR[weekday - 1], "hours": hours})
    return grid


def _section_context(definition: ReportDefinition, filters: ReportFilters) -> dict[str, Any]:
    result = run_report(definition.name, filters)
    rows = list(result.rows)  # dashboard reports are aggregates: a few hundred rows at most
    hidden = CODE_COLUMNS.get(definition.name, set())
    shown = [column for column in result.columns if column.key not in hidden]
    columns = result.columns
    query = urlencode(filters.as_query())
    chart = CHARTS.get(definition.name, "table")
    context: dict[str, Any] = {
        "definition": definition,
        "result": result,
        "chart": chart,
        "width": _width(definition.name),
        "data_id": f"report-data-{definition.name}",
        "query": query,
        "columns": shown,
        "table": [[display_value(column, row.get(column.key)) for column in shown] for row in rows],
        "table_folded": definition.name in FOLDED_TABLES,
        "chart_data": {
            "name": definition.name,
            "chart": chart,
            "columns": export.columns_json(columns),
            "rows": [{column.key: row.get(column.key) for column in columns} for row in rows],
        },
        "links": {
            "csv": f"{reverse('reports:csv', args=[definition.name])}?{query}",
            "xlsx": f"{reverse('reports:xlsx', args=[definition.name])}?{query}",
            "api": f"{reverse('report-detail', args=[definition.name])}?{query}",
            "section": f"{reverse('reports:section', args=[definition.name])}?{query}",
        },
    }
    if chart == "heatmap":
        context["heatmap"] = _heatmap(rows)
    if definition.name in CSAT_REPORTS:
        periods = [str(row["period"]) for row in rows if row.get("period")]
        context["actions"] = list(
            ImprovementAction.objects.filter(period__in=periods)
            .select_related("created_by")
            .order_by("period", "created_at")
        )
        context["periods"] = periods
        context["action_form"] = ImprovementActionForm(
            initial={"period": periods[-1] if periods else ""}, auto_id=f"{definition.name}_%s"
        )
        context["next"] = f"{reverse('reports:dashboard')}?{query}#section-{definition.name}"
    return context


def _width(name: str) -> str:
    return "half" if name in HALF_WIDTH else "wide"


def _dashboard_definitions() -> list[ReportDefinition]:
    return [definition for definition in report_definitions() if definition.on_dashboard]


# --- Pages ---------------------------------------------------------------------------------------------------


@manager_required
@require_GET
def dashboard_view(request: HttpRequest) -> HttpResponse:
    """The shell: the filter bar and one placeholder per report, which htmx fills from the section view."""
    form = ReportFilterForm.for_query(request.GET)
    context: dict[str, Any] = {"form": form, "reports": _dashboard_definitions()}
    try:
        filters = parse_filters(request.GET, viewer=request.user)
    except ValidationFailed as error:
        context["error"] = error
        return render(request, "reports/dashboard.html", context, status=400)
    query = urlencode(filters.as_query())
    context.update(
        filters=filters,
        filter_labels=export.describe_filters(filters),
        query=query,
        sections=[
            {
                "definition": definition,
                "width": _width(definition.name),
                "url": f"{reverse('reports:section', args=[definition.name])}?{query}",
            }
            for definition in context["reports"]
        ],
        raw_links=[
            (
                definition,
                f"{reverse('reports:csv', args=[definition.name])}?{query}",
                f"{reverse('reports:xlsx', args=[definition.name])}?{query}",
            )
            for definition in report_definitions()
            if not definition.on_dashboard
        ],
    )
    return render(request, "reports/dashboard.html", context)


@manager_required
@require_GET
def section_view(request: HttpRequest, name: str) -> HttpResponse:
    """One report's section: the fragment for htmx, or a page of its own for browsers without JavaScript."""
    definition = REPORTS.get(name)
    if definition is None or not definition.on_dashboard:
        raise Http404(_("There is no dashboard section called “%(name)s”.") % {"name": name[:50]})
    fragment = bool(getattr(request, "htmx", False))
    try:
        filters = parse_filters(request.GET, viewer=request.user)
    except ValidationFailed as error:
        if fragment:
            return render(
                request, "reports/_section_error.html", {"error": error, "definition": definition}, status=400
            )
        return _filter_error(request, error)
    context = _section_context(definition, filters)
    if fragment:
        return render(request, "reports/_section.html", context)
    context["filter_labels"] = export.describe_filters(filters)
    return render(request, "reports/section_page.html", context)


@manager_required
@require_POST
def improvement_action_create_view(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("reports:dashboard")
    form = ImprovementActionForm(request.POST)
    if form.is_valid():
        try:
            action = services.improvement_action_add(actor=request.user, **form.cleaned_data)
        except ValidationFailed as error:
            problems = [problem for field in error.fields.values() for problem in field]
            messages.error(request, " ".join([error.message, *problems]))
        else:
            messages.success(request, _("Improvement action recorded for %(period)s.") % {"period": action.period})
    else:
        problems = [str(problem) for field in form.errors.values() for problem in field]
        messages.error(request, " ".join([_("The improvement action was not saved."), *problems]))
    return redirect(next_url)


# --- Exports -------------------------------------------------------------------------------------------------


@manager_required
def report_csv_view(request: HttpRequest, name: str) -> HttpResponse:
    try:
        filters = parse_filters(request.GET, viewer=request.user)
    except ValidationFailed as error:
        return _filter_error(request, error)
    result = _run(name, filters)
    services.report_export_record(result=result, export_format="csv", actor=request.user)
    chunks = export.in_language(export.csv_chunks(result), get_language())
    response = StreamingHttpResponse(export.streaming_content(request, chunks), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export.export_filename(result, "csv")}"'
    # (The role decorators are typed for HttpResponse; a streamed one is served the same way.)
    return cast(HttpResponse, response)


@manager_required
def report_xlsx_view(request: HttpRequest, name: str) -> HttpResponse:
    try:
        filters = parse_filters(request.GET, viewer=request.user)
    except ValidationFailed as error:
        return _filter_error(request, error)
    result = _run(name, filters)
    services.report_export_record(result=result, export_format="xlsx", actor=request.user)
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
