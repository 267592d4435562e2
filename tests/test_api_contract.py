"""The OpenAPI schema is the contract: schemathesis generates requests for every operation (valid and
invalid) and checks that the API never answers with a server error and never breaks its own schema
(status codes, content types, headers, bodies). Runs in CI with the rest of the suite. A second test sends the
same generated requests with astral-plane text, lone surrogates or JSON nested up to 50,000 levels put in."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.core import NOT_SET

from integrations import services as integration_services
from integrations.scopes import ALL_SCOPES
from tests.factories import OrderFactory, OrderLineFactory, make_ticket

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_headers_conformance,
    schemathesis.checks.response_schema_conformance,
]


@pytest.fixture
def contract_key(db, team):  # type: ignore[no-untyped-def]
    """An integration with every scope, a generous rate limit, and a little data for ids to hit."""
    cache.clear()
    integration = integration_services.integration_create(
        name="contract", platform="taobao", scopes=list(ALL_SCOPES), rate_limit_per_minute=1_000_000
    )
    ticket = make_ticket(team=team)
    order = OrderFactory(customer=ticket.customer)
    OrderLineFactory(order=order)
    return integration_services.api_key_create(integration=integration).secret


@pytest.fixture(autouse=True)
def _keep_the_test_connection():  # type: ignore[no-untyped-def]
    """Like Django's test client: the WSGI request cycle must not close the test's database connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# The schema view needs no database, so the document is read once, at collection.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())
# Random (hypothesis) requests, valid and invalid, rather than schemathesis's exhaustive boundary-value
# phase, which takes minutes on this many operations; run that one with `make contract` (see README).
schema.config.phases.update(phases=["examples", "fuzzing"])
schema.config.generation.update(modes=list(schemathesis.GenerationMode))  # valid and invalid requests


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
)
def test_api_honours_its_openapi_contract(case, contract_key, settings):  # type: ignore[no-untyped-def]
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    case.call_and_validate(headers={"Authorization": f"Bearer {contract_key}"}, checks=CHECKS)


# --- the same contract under abusive input ----------------------------------------------------------------------
# Text outside the Basic Multilingual Plane (emoji, and CJK Extension B characters found in Chinese names), lone
# surrogates (a JSON escape such as "\ud800", which is not text) and JSON nested past the parser's limit, put
# into the generated requests: valid ones must still succeed or be refused with a 4xx, never a 500.
ASTRAL = ["😀", "𠀀", "𪚥", "𝒳", "🧧"]


def _strings_replaced(value: Any, replace: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return replace(value)
    if isinstance(value, dict):
        return {key: _strings_replaced(item, replace) for key, item in value.items()}
    if isinstance(value, list):
        return [_strings_replaced(item, replace) for item in value]
    return value


def _astral(text: str, char: str) -> str:
    # Keep the length (limits count characters) and any date or number a field expects at its start.
    return text[:-1] + char if text and not text[-1].isdigit() else text


def _abused_body(body: Any, how: str, data: Any) -> Any:
    if how == "astral":
        char = data.draw(st.sampled_from(ASTRAL), label="astral")
        return _strings_replaced(body, lambda text: _astral(text, char))
    # Sent as bytes, as a client would: schemathesis's own validation of the body cannot hold a lone surrogate,
    # and a 50,000-deep value cannot be built as Python lists.
    if how == "surrogate":
        surrogates = _strings_replaced(body, lambda text: text + "\ud800")
        return json.dumps(surrogates, default=str).encode()  # escaped as \\ud800
    depth = data.draw(st.sampled_from([33, 1_000, 50_000]), label="depth")
    deep = "[" * depth + '"deep"' + "]" * depth
    if isinstance(body, dict):
        key = data.draw(st.sampled_from(sorted(body) or ["extra"]), label="key")
        return json.dumps({**body, key: "DEEP"}, default=str).replace('"DEEP"', deep, 1).encode()
    return deep.encode()


@schema.parametrize()
@schema.given(data=st.data())
@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
)
def test_api_honours_its_contract_under_deep_nesting_astral_text_and_lone_surrogates(  # type: ignore[no-untyped-def]
    case, data, contract_key, settings
):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    how = data.draw(st.sampled_from(["astral", "surrogate", "deep"]), label="abuse")
    char = data.draw(st.sampled_from(ASTRAL), label="query astral")
    if case.query:  # a URL carries astral text (UTF-8); a lone surrogate cannot be encoded into one
        case.query = _strings_replaced(case.query, lambda text: _astral(text, char))
    if case.media_type == "application/json" and case.body is not NOT_SET:
        case.body = _abused_body(case.body, how, data)
    case.call_and_validate(headers={"Authorization": f"Bearer {contract_key}"}, checks=CHECKS)
