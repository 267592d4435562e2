"""A refused request (403) is one log line — method, path, user, request id — never a traceback."""

from __future__ import annotations

import logging

import pytest

from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _console_lines(records: list[logging.LogRecord]) -> list[str]:
    """The records as the project's console handler (settings.LOGGING) writes them."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    lines = []
    for record in records:
        assert handler.filter(record)
        lines.append(handler.format(record))
    return lines


def _forbidden_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "django.request" and getattr(r, "status_code", None) == 403]


@pytest.mark.parametrize(
    "how",
    [
        "page that needs a manager (PermissionDenied)",
        "application Forbidden on a page (PermissionDenied from Forbidden)",
        "API permission class (DRF PermissionDenied)",
        "application Forbidden in the API",
    ],
)
def test_a_forbidden_request_logs_one_line_without_a_traceback(how, client, agent, caplog):
    from rest_framework.test import APIClient

    customer = CustomerFactory()
    client.force_login(agent)
    api = APIClient()
    api.force_authenticate(agent)
    requests = {
        "page that needs a manager (PermissionDenied)": lambda: client.get("/aftersales/approvals/"),
        "application Forbidden on a page (PermissionDenied from Forbidden)": lambda: client.post(
            f"/customers/{customer.pk}/reveal-contact/"
        ),
        "API permission class (DRF PermissionDenied)": lambda: api.get("/api/v1/integrations/"),
        "application Forbidden in the API": lambda: api.post(f"/api/v1/customers/{customer.pk}/reveal-contact/"),
    }
    with caplog.at_level(logging.INFO):
        response = requests[how]()
    assert response.status_code == 403
    records = _forbidden_records(caplog)
    assert len(records) == 1
    record = records[0]
    assert record.levelno == logging.WARNING
    assert record.exc_info is None and not record.exc_text
    [line] = _console_lines(records)
    assert "\n" not in line and "Traceback" not in line
    request = response.wsgi_request
    assert f"Forbidden: {request.method} {request.path} (user agent1)" in line
    assert f"[{response['X-Request-ID']}]" in line


def test_other_errors_keep_their_traceback(caplog):
    """Only 403s are shortened: a 500 still carries the exception."""
    from core.log_filters import ForbiddenOneLine

    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal Server Error", (), None)
        record.exc_info = (type(exc), exc, exc.__traceback__)
        record.status_code = 500
    assert ForbiddenOneLine().filter(record)
    assert record.exc_info is not None


def test_an_anonymous_forbidden_request_says_anonymous_and_a_crafted_path_stays_on_one_line(rf):
    from django.contrib.auth.models import AnonymousUser

    from core.log_filters import ForbiddenOneLine

    request = rf.get("/x%0AWARNING%20fake%20line")
    assert request.path == "/x\nWARNING fake line"
    request.user = AnonymousUser()
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Forbidden: %s", ("/x",), None)
    record.status_code = 403
    record.request = request
    assert ForbiddenOneLine().filter(record)
    assert record.getMessage() == "Forbidden: GET /x\\nWARNING fake line (user anonymous)"
