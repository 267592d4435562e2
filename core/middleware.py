"""Query strings and form bodies that are not text are refused at the door, for every view (API and browser).

Where text enters: JSON bodies are checked by ``core.parsers`` (a ``\\ud800`` escape is the one way a lone
surrogate reaches a ``str``). Query strings and urlencoded bodies arrive percent-encoded: Django decodes them as
UTF-8 and silently replaces what is not UTF-8 (``%ED%A0%80``, the surrogatepass encoding of ``\\ud800``; a stray
``%FF``) with U+FFFD, so the view filters on something the client never sent; and ``%00`` passes through as
NUL, which PostgreSQL cannot store and a lookup with it raises on. Here both are a 400 naming the parameter —
our error body under ``/api/``, plain text elsewhere — before any view runs. (Multipart fields are decoded by
Django with replacement too; their text fields refuse NUL through the form and serializer fields.)

A body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` met here is a 413, as in the API's parsers.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from .errors import error_body, payload_too_large

FORM_TYPE = "application/x-www-form-urlencoded"


def _is_text(raw: str | bytes) -> bool:
    """True when the percent-encoded ``raw`` decodes to UTF-8 text without NUL."""
    try:
        text = unquote_to_bytes(raw).decode("utf-8")
    except UnicodeError:  # not UTF-8; or, in-process, a str holding a lone surrogate
        return False
    return "\x00" not in text


def bad_parameters(raw: str | bytes) -> list[str]:
    """The names of the ``name=value`` pairs of a query string or urlencoded body that are not text."""
    if _is_text(raw):  # the common case, in one pass
        return []
    data = raw if isinstance(raw, bytes) else raw.encode("utf-8", "surrogatepass")
    bad = []
    for pair in data.split(b"&"):
        if not _is_text(pair):
            name = unquote_to_bytes(pair.split(b"=", 1)[0]).decode("utf-8", "replace")
            bad.append(name.replace("\x00", "\ufffd") or "?")
    return bad


def _form_body(request: HttpRequest) -> bytes | None:
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return None
    charset = (request.content_params or {}).get("charset", "utf-8").lower().replace("_", "-")
    if request.content_type != FORM_TYPE or charset not in ("utf-8", "utf8"):
        return None  # another charset: Django decodes it as declared
    return request.body


class MalformedInputMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        bad = bad_parameters(request.META.get("QUERY_STRING", ""))
        try:
            body = _form_body(request)
        except RequestDataTooBig:
            return self._too_large(request)
        if body:
            bad += bad_parameters(body)
        if bad:
            return self._refuse(request, bad)
        return self.get_response(request)

    def _refuse(self, request: HttpRequest, names: list[str]) -> HttpResponse:
        message = _("Query parameters and form fields must be UTF-8 text without NUL characters.")
        if request.path.startswith("/api/"):
            problem = _("Not UTF-8 text, or holds a NUL character.")
            fields = {name: [problem] for name in names}
            return JsonResponse(error_body("validation_error", message, fields), status=400)
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")

    def _too_large(self, request: HttpRequest) -> HttpResponse:
        message = payload_too_large().message
        if request.path.startswith("/api/"):
            return JsonResponse(error_body("request_too_large", message), status=413)
        return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
