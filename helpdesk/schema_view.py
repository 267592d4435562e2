"""Serving the OpenAPI document (a module of its own: drf-spectacular's views import the schema class of
``helpdesk.schema`` through DRF's settings)."""

from __future__ import annotations

import threading
from typing import Any

from django.core.signals import setting_changed
from drf_spectacular.views import SpectacularAPIView
from rest_framework.request import Request
from rest_framework.response import Response

_documents: dict[str | None, dict[str, Any]] = {}
_generating = threading.Lock()


def _forget_documents(**kwargs: Any) -> None:
    _documents.clear()


setting_changed.connect(_forget_documents)  # a test that changes a setting may change the document


class SchemaApi(SpectacularAPIView):
    """The OpenAPI document, generated once per process (in one language, ``helpdesk.schema``), then served from
    memory: every reader gets the same bytes, whatever their ``Accept-Language``.

    drf-spectacular is not thread-safe: its extensions resolve their target classes on first use, and two
    generations at once in a fresh process read each other's half-resolved class attributes (a 500 for the first
    concurrent requests after a start, ``'NoneType' object has no attribute 'startswith'``). One generation at a
    time, under a lock, and the document does not change while the process lives."""

    def _get_schema_response(self, request: Request) -> Response:
        version = self.api_version or request.version or self._get_version_parameter(request)
        document = _documents.get(version)
        if document is None:
            with _generating:
                document = _documents.get(version)
                if document is None:
                    generator = self.generator_class(urlconf=self.urlconf, api_version=version, patterns=self.patterns)
                    document = generator.get_schema(request=request, public=self.serve_public)
                    _documents[version] = document
        filename = self._get_filename(request, version)
        return Response(data=document, headers={"Content-Disposition": f'inline; filename="{filename}"'})
