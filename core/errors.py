"""One application error hierarchy and one JSON error body.

Services raise ``ApplicationError`` subclasses; the API turns them (and DRF's own errors) into::

    {"error": {"code": "...", "message": "...", "fields": {"field": ["message", ...]}}}

Browser views catch them and show the message as a form error.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Choices
from django.http import Http404, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.defaults import page_not_found as default_page_not_found
from django.views.defaults import server_error as default_server_error
from rest_framework import exceptions as drf_exceptions
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .request_id import current_request_id


class ApplicationError(Exception):
    status_code: int = status.HTTP_400_BAD_REQUEST
    code = "invalid"

    def __init__(self, message: Any, *, fields: dict[str, list[str]] | None = None, code: str | None = None):
        super().__init__(str(message))
        self.message = str(message)
        self.fields = fields or {}
        if code:
            self.code = code


class ValidationFailed(ApplicationError):
    code = "validation_error"


class NotFound(ApplicationError):
    status_code = status.HTTP_404_NOT_FOUND
    code = "not_found"


class Forbidden(ApplicationError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "permission_denied"


class PayloadTooLarge(ApplicationError):
    """The body is over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (files aside): refused before it is parsed."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    code = "request_too_large"


def payload_too_large() -> PayloadTooLarge:
    return PayloadTooLarge(
        _("The request body is too large: at most %(max)s bytes (files aside).")
        % {"max": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
    )


class RateLimited(ApplicationError):
    """Too many requests from one caller in a window (a public form's flood protection)."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    code = "rate_limited"


class Conflict(ApplicationError):
    """The request is well formed but the object's current state does not allow it."""

    status_code = status.HTTP_409_CONFLICT
    code = "conflict"


def field_path(parent: str, key: str | int) -> str:
    """How the error body names a nested field: ``order.lines[0].quantity`` (a dot before a name, an index in
    brackets), the same as the request's JSON path, whoever found the problem (a serializer, a service, the
    JSON parser)."""
    if isinstance(key, int):
        return f"{parent}[{key}]"
    return f"{parent}.{key}" if parent else key


def flatten_errors(detail: Any, parent: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as ``{path: [messages]}``. Lists of objects come as a list of dicts or, since
    DRF 3.18 (``LIST_SERIALIZER_ERRORS_AS_DICT``), as a dict keyed by the items' indexes: both name the item
    ``lines[0]``."""
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            path = field_path(parent, key)
            if isinstance(value, dict):
                out.update(flatten_errors(value, path))
            elif isinstance(value, list) and value and isinstance(value[0], dict):
                for index, item in enumerate(value):
                    out.update(flatten_errors(item, field_path(path, index)))
            elif isinstance(value, list):
                out[path] = [str(v) for v in value]
            else:
                out[path] = [str(value)]
        return out
    if isinstance(detail, list):
        return {parent or "non_field_errors": [str(v) for v in detail]}
    return {parent or "non_field_errors": [str(detail)]}


def error_body(code: str, message: str, fields: dict[str, list[str]] | None = None, **extra: Any) -> dict[str, Any]:
    """The one error body. ``request_id`` matches the ``X-Request-ID`` header and our logs."""
    return {
        "error": {"code": code, "message": message, "fields": fields or {}, **extra, "request_id": current_request_id()}
    }


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, RequestDataTooBig):  # Django's multipart parser, or request.body, over the limit
        exc = payload_too_large()
    elif isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        exc = ValidationFailed(str(_("Too many fields or files in one request.")), code="parse_error")
    if isinstance(exc, ApplicationError):
        # A subclass may add keys of its own next to code and message (``extra``: a stale ticket's changes).
        extra = getattr(exc, "extra", None) or {}
        return Response(error_body(exc.code, exc.message, exc.fields, **extra), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(error_body("validation_error", str(_("Invalid input.")), fields), status=400)
    if isinstance(exc, Http404):
        exc = drf_exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = drf_exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, drf_exceptions.ValidationError):
        response.data = error_body("validation_error", str(_("Invalid input.")), flatten_errors(exc.detail))
    elif isinstance(exc, drf_exceptions.APIException):
        detail = exc.detail
        message = str(detail) if not isinstance(detail, (dict, list)) else str(_("Request failed."))
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else exc.default_code
        response.data = error_body(code, message, **getattr(exc, "extra", {}))
    return response


def page_not_found(request: Any, exception: Exception) -> Any:
    """Under /api/ a missing page is the JSON error body, like every other API error; elsewhere the page."""
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("not_found", str(_("Not found."))), status=404)
    return default_page_not_found(request, exception)


def server_error(request: Any) -> Any:
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("server_error", str(_("Something went wrong on our side."))), status=500)
    return default_server_error(request)


def validate_choice(value: str, choices: type[Choices], field: str) -> None:
    """Refuse a value that is not one of ``choices`` (a TextChoices), naming the field and the allowed values."""
    if value not in choices.values:
        raise ValidationFailed(
            _("“%(value)s” is not a valid %(field)s.") % {"value": value, "field": field},
            fields={field: [_("Choose one of: %(values)s.") % {"values": ", ".join(choices.values)}]},
        )
