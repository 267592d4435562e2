"""The audit page for managers and admins: the log, filtered and paginated, and its CSV export (itself
recorded in the log)."""

from __future__ import annotations

from dataclasses import asdict
from typing import cast
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from accounts.decorators import manager_required
from core.exports import in_language, streaming_content

from . import export, selectors
from .enums import AuditAction
from .forms import AuditFilterForm
from .presentation import AUDIT_LOG_EXPORT, entry_row
from .services import audit_record

PAGE_SIZE = 50


def _filter_query(form: AuditFilterForm) -> str:
    """The filters as asked for (not the page number), for the export link."""
    return urlencode({name: form.data.get(name, "") for name in form.fields if form.data.get(name)})


@manager_required
@require_GET
def audit_log_view(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET)
    filters = form.to_filters()
    page = Paginator(selectors.audit_entries(filters=filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/log.html",
        {
            "form": form,
            "page": page,
            "rows": [entry_row(entry) for entry in page],
            "filter_query": _filter_query(form),
            "filtered": any(form.data.get(name) for name in form.fields),
        },
    )


@manager_required
@require_GET
def audit_log_csv_view(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET)
    filters = form.to_filters()
    audit_record(
        action=AuditAction.EXPORTED,
        actor=request.user,
        target_label=AUDIT_LOG_EXPORT,
        details={"format": "csv", "filters": {key: str(value) for key, value in asdict(filters).items() if value}},
    )
    chunks = export.csv_chunks(selectors.audit_entries(filters=filters), zone=timezone.get_current_timezone())
    response = StreamingHttpResponse(
        streaming_content(request, in_language(chunks, get_language())), content_type="text/csv; charset=utf-8"
    )
    filename = f"helpdesk-audit-log-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # (The role decorators are typed for HttpResponse; a streamed one is served the same way.)
    return cast(HttpResponse, response)
