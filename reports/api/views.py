"""Reports over the API: the list of reports and one report's table, for managers and for API keys with the
scope ``reports:read``. Every number comes from ``reports.registry.run_report``, as on the dashboard."""

from __future__ import annotations

from typing import Any

from django.http import StreamingHttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import roles
from integrations.permissions import ApiKeyScope, request_integration
from integrations.scopes import Scope
from tickets.enums import Channel, TicketKind

from .. import export
from ..filters import PERIODS, parse_filters
from ..registry import report_definitions, run_report
from ..services import report_export_record
from . import serializers as s


class CanReadReports(BasePermission):
    message = _("Reports are open to managers, and to API keys with the reports:read scope.")

    def has_permission(self, request: Any, view: Any) -> bool:
        # A key's scope is checked by ApiKeyScope; people need the manager role (or are superusers).
        return request_integration(request) is not None or roles.is_manager(request.user)


class _ReportApi(APIView):
    permission_classes = [IsAuthenticated, ApiKeyScope, CanReadReports]
    required_scopes = (Scope.REPORTS_READ, Scope.REPORTS_READ)


FILTER_PARAMETERS = [
    OpenApiParameter(
        "period",
        str,
        enum=list(PERIODS),
        description="A preset period, in the helpdesk's time zone. Without period, start and end: the last 30 days.",
    ),
    OpenApiParameter("start", OpenApiTypes.DATE, description="First day, inclusive (YYYY-MM-DD); overrides period."),
    OpenApiParameter("end", OpenApiTypes.DATE, description="Last day, inclusive (YYYY-MM-DD); overrides period."),
    OpenApiParameter("team", int, description="A team's id: only its tickets."),
    OpenApiParameter("kind", str, enum=list(TicketKind.values), description="Only tickets of this kind."),
    OpenApiParameter("channel", str, enum=list(Channel.values), description="Only tickets from this channel."),
]


class ReportListApi(_ReportApi):
    @extend_schema(
        responses=s.ReportSummaryOutput(many=True),
        description="Every report: name, title and columns. Satisfaction reports add one score column per "
        "survey dimension (dim_<code>) for the dimensions answered in the period asked for.",
    )
    def get(self, request: Request) -> Response:
        reports = [
            {
                "name": definition.name,
                "title": str(definition.title),
                "description": str(definition.description),
                "on_dashboard": definition.on_dashboard,
                "columns": export.columns_json(definition.columns),
            }
            for definition in report_definitions()
        ]
        return Response(reports)


class ReportDetailApi(_ReportApi):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "name",
                str,
                OpenApiParameter.PATH,
                enum=[definition.name for definition in report_definitions()],
                description="The report.",
            ),
            *FILTER_PARAMETERS,
        ],
        responses=s.ReportOutput,
        description="One report's table for the filters. The body is streamed (the tickets report has one row "
        "per ticket): read it to the end. Rates are fractions (0–1), durations whole seconds.",
    )
    def get(self, request: Request, name: str) -> StreamingHttpResponse:
        filters = parse_filters(request.query_params, viewer=request.user)
        result = run_report(name, filters)
        report_export_record(result=result, export_format="json", actor=request.user)
        chunks = export.in_language(export.json_chunks(result), get_language())
        return StreamingHttpResponse(
            export.streaming_content(request._request, chunks), content_type="application/json"
        )
