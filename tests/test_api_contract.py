"""The OpenAPI schema is the contract: schemathesis generates requests for every operation (valid and
invalid) and checks that the API never answers with a server error and never breaks its own schema
(status codes, content types, headers, bodies). Runs in CI with the rest of the suite."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

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
