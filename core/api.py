"""API conventions every app shares: cursor pagination and strict ``?ordering=``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import Cursor, CursorPagination, LimitOffsetPagination

from .errors import ValidationFailed
from .integers import MAX_ID, parse_int

# What a cursor's position may be for a date ordering: no row is older or newer (and the ends overflow in UTC).
CURSOR_YEARS = (1970, 9000)


class StandardCursorPagination(CursorPagination):
    """Newest first by default; ``page_size`` up to 200; follow ``next`` until it is null.

    Every cursor-paginated list uses this class (or a subclass). A ``cursor`` is ours only when it decodes and
    its position has the type of the ordering field (an id: ASCII digits in range; a time: an ISO date-time with
    its offset); anything else is a 400 ``invalid_cursor`` — DRF answered 404 for an undecodable one and 500
    for a position the database could not compare (``p=abc`` on an id, ``p=%00`` on PostgreSQL)."""

    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        self._model = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        """The envelope, in OpenAPI 3.1 terms (DRF's uses 3.0's ``nullable``, which 3.1 validators refuse, and
        leaves ``next`` / ``previous`` optional though every page carries both)."""

        def link(which: str, cursor: str) -> dict[str, Any]:
            return {
                "type": ["string", "null"],
                "format": "uri",
                "description": f"The {which} page as a full URL, to GET as it is (with the same authentication); "
                f"null when there is none. Its `{self.cursor_query_param}` query parameter is also the value "
                f"the operation's `{self.cursor_query_param}` parameter takes.",
                "examples": [f"https://helpdesk.example.com/api/v1/tickets/?{self.cursor_query_param}={cursor}"],
            }

        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": link("next", "cD00ODY%3D"),
                "previous": link("previous", "cj0xJnA9NDg3"),
                "results": schema,
            },
        }

    def decode_cursor(self, request: Any) -> Cursor | None:
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            raise _invalid_cursor() from None
        if cursor is not None and cursor.position is not None and not self._position_fits(str(cursor.position)):
            raise _invalid_cursor()
        return cursor

    def _position_fits(self, position: str) -> bool:
        if "\x00" in position:
            return False
        try:
            field = self._model._meta.get_field(self.ordering[0].lstrip("-"))
        except FieldDoesNotExist:  # an annotation: the database compares it
            return True
        if isinstance(field, models.IntegerField | models.AutoField):
            return parse_int(position, minimum=-(2**63), maximum=2**63 - 1) is not None
        if isinstance(field, models.DateTimeField):
            return _cursor_time(position) is not None
        try:
            field.to_python(position)
        except DjangoValidationError:
            return False
        return True


class StandardOffsetPagination(LimitOffsetPagination):
    """For a list in an order no cursor can follow (the complaint queue: most severe first, then the due time):
    ``page_size`` (default 50, up to 200) and ``offset``, with the total ``count``; follow ``next`` until null."""

    default_limit = 50
    limit_query_param = "page_size"
    max_limit = 200

    def get_offset(self, request: Any) -> int:
        raw = request.query_params.get(self.offset_query_param)
        if raw is None:
            return 0
        offset = parse_int(raw, minimum=0, maximum=MAX_ID)
        if offset is None:
            raise ValidationFailed(
                gettext("Invalid offset."),
                fields={self.offset_query_param: [gettext("A whole number, 0 or more.")]},
            )
        return offset

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        def link(which: str) -> dict[str, Any]:
            return {
                "type": ["string", "null"],
                "format": "uri",
                "description": f"The {which} page as a full URL, to GET as it is; null when there is none.",
                "examples": ["https://helpdesk.example.com/api/v1/complaints/?offset=50&page_size=50"],
            }

        return {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {
                "count": {"type": "integer", "minimum": 0, "description": "How many there are in all."},
                "next": link("next"),
                "previous": link("previous"),
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.limit_query_param,
                "required": False,
                "in": "query",
                "description": "How many per page (1 to 200, default 50).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_limit},
            },
            {
                "name": self.offset_query_param,
                "required": False,
                "in": "query",
                "description": "How many to skip (use the next link instead of counting).",
                "schema": {"type": "integer", "minimum": 0},
            },
        ]


def _cursor_time(position: str) -> datetime | None:
    try:
        moment = parse_datetime(position)
    except ValueError:  # well formed but impossible: 2024-02-30
        return None
    if moment is None or moment.tzinfo is None or not CURSOR_YEARS[0] <= moment.year <= CURSOR_YEARS[1]:
        return None
    return moment


def _invalid_cursor() -> ValidationFailed:
    return ValidationFailed(
        gettext("Invalid cursor."),
        fields={"cursor": [gettext("Use the next or previous link of a page, unchanged.")]},
        code="invalid_cursor",
    )


class StrictOrderingFilter(OrderingFilter):
    """``?ordering=`` with a field we do not sort by is a 400, not silently ignored."""

    def get_ordering(self, request, queryset, view):  # type: ignore[no-untyped-def]
        params = request.query_params.get(self.ordering_param)
        if params:
            allowed = {field for field, _label in self.get_valid_fields(queryset, view, {"request": request})}
            unknown = [p.strip().lstrip("-") for p in params.split(",") if p.strip().lstrip("-") not in allowed]
            if unknown:
                raise ValidationError(
                    {self.ordering_param: [_("Sort by one of: %(fields)s.") % {"fields": ", ".join(sorted(allowed))}]}
                )
        return super().get_ordering(request, queryset, view)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        """``ordering`` as the enum of what it accepts (each field, ascending or with ``-`` descending), not a
        free string: generated clients then offer exactly these values."""
        fields = [field for field in getattr(view, "ordering_fields", None) or [] if isinstance(field, str)]
        if not fields:
            return super().get_schema_operation_parameters(view)
        values = [value for field in fields for value in (field, f"-{field}")]
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": "The order of the results: a field, or with a leading - in descending order. "
                "For incremental sync use updated_at with updated_since.",
                "schema": {"type": "string", "enum": values},
            }
        ]
