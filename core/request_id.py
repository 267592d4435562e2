"""Every request gets an id: the caller's ``X-Request-ID`` if it is sane, else a new one. It is sent back in
the ``X-Request-ID`` response header, put in API error bodies and in every log line of the request, so a
platform's support ticket ("request abc123 failed") leads straight to our logs.

The middleware also keeps where the request came from (its path and the client's address) for the audit log,
which records them with every entry without each service having to be handed the request."""

from __future__ import annotations

import contextvars
import logging
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse

from .client_ip import client_ip

HEADER = "X-Request-ID"
_SANE = re.compile(r"^[A-Za-z0-9._:\-]{8,128}$")
_current: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


@dataclass(frozen=True)
class RequestOrigin:
    """Where the request being served came from: its path, and the client's address (``core.client_ip``: behind
    trusted proxies the client's, not the proxy's), or ``None`` when that is not an IP address."""

    path: str
    address: str | None


_origin: contextvars.ContextVar[RequestOrigin | None] = contextvars.ContextVar("request_origin", default=None)


def current_request_id() -> str:
    return _current.get()


def current_request_origin() -> RequestOrigin | None:
    """The request being served, or ``None`` outside one (a Celery task, a management command)."""
    return _origin.get()


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(HEADER, "")
        request_id = incoming if _SANE.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = _current.set(request_id)
        origin_token = _origin.set(RequestOrigin(path=request.path, address=client_ip(request)))
        try:
            response = self.get_response(request)
        finally:
            _origin.reset(origin_token)
            _current.reset(token)
        response[HEADER] = request_id
        rate_limit = getattr(request, "rate_limit", None)
        if rate_limit is not None:
            limit, remaining, reset = rate_limit
            response["X-RateLimit-Limit"] = str(limit)
            response["X-RateLimit-Remaining"] = str(remaining)
            response["X-RateLimit-Reset"] = str(reset)
        return response


class RequestIdLogFilter(logging.Filter):
    def filter(self, record: Any) -> bool:
        record.request_id = _current.get()
        return True
