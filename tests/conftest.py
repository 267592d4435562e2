from __future__ import annotations

import os

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.roles import Role
from integrations import services as integration_services
from integrations.scopes import ALL_SCOPES

from . import live_server as _live_server
from .browser import open_page
from .factories import CustomerFactory, TeamFactory, UserFactory

REQUIRE_SERVICES = os.environ.get("HELPDESK_REQUIRE_SERVICES") == "1"

_live_server.install()  # requests one at a time while the live server shares SQLite's in-memory connection


@pytest.fixture(scope="session", autouse=True)
def _real_services_when_required(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """In CI the suite must run on the real PostgreSQL and Redis; never fall back silently."""
    if not REQUIRE_SERVICES:
        return
    with django_db_blocker.unblock():
        assert connection.vendor == "postgresql", "HELPDESK_REQUIRE_SERVICES=1 but the database is not PostgreSQL"
    import redis

    url = os.environ.get("REDIS_URL", "")
    assert url.startswith("redis://"), "HELPDESK_REQUIRE_SERVICES=1 but REDIS_URL is not set"
    assert redis.Redis.from_url(url, socket_timeout=3).ping()


def pytest_collection_modifyitems(config, items):  # type: ignore[no-untyped-def]
    """Skip tests whose service is not configured, unless CI requires every service."""
    has_postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    has_redis = os.environ.get("REDIS_URL", "").startswith("redis://")
    has_browser = os.path.exists("/usr/bin/chromium")
    for item in items:
        if REQUIRE_SERVICES:
            continue
        if "postgres" in item.keywords and not has_postgres:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL"))
        if "redis" in item.keywords and not has_redis:
            item.add_marker(pytest.mark.skip(reason="needs Redis: set REDIS_URL"))
        if "browser" in item.keywords and not has_browser:
            item.add_marker(pytest.mark.skip(reason="needs /usr/bin/chromium (apt-get install chromium)"))


def _with_role(user, role: str):  # type: ignore[no-untyped-def]
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


@pytest.fixture
def agent(db):  # type: ignore[no-untyped-def]
    """An agent who sees every ticket (ticket scope "all"), for tests that are not about who sees what; the
    access model has its own tests (tests/tickets/test_access.py) with the real default, "teams"."""
    return _with_role(UserFactory(username="agent1", ticket_scope="all"), Role.AGENT)


@pytest.fixture
def other_agent(db):  # type: ignore[no-untyped-def]
    return _with_role(UserFactory(username="agent2", ticket_scope="all"), Role.AGENT)


@pytest.fixture
def manager(db):  # type: ignore[no-untyped-def]
    return _with_role(UserFactory(username="manager1"), Role.MANAGER)


@pytest.fixture
def integration_user(db):  # type: ignore[no-untyped-def]
    return _with_role(UserFactory(username="platform"), Role.INTEGRATION)


@pytest.fixture
def team(db, agent, manager):  # type: ignore[no-untyped-def]
    team = TeamFactory(name="售后 After-sales")
    team.members.add(agent)
    team.managers.add(manager)
    return team


@pytest.fixture
def customer(db):  # type: ignore[no-untyped-def]
    return CustomerFactory()


def _api_client_for(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def api(integration_user) -> APIClient:  # type: ignore[no-untyped-def]
    return _api_client_for(integration_user)


@pytest.fixture
def agent_api(agent) -> APIClient:  # type: ignore[no-untyped-def]
    return _api_client_for(agent)


@pytest.fixture
def manager_api(manager) -> APIClient:  # type: ignore[no-untyped-def]
    return _api_client_for(manager)


@pytest.fixture
def key_client():  # type: ignore[no-untyped-def]
    """key_client(secret) -> an API client sending ``Authorization: Bearer <secret>`` (an integration's key)."""

    def client(secret: str) -> APIClient:
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
        return api

    return client


@pytest.fixture
def api_client_for():  # type: ignore[no-untyped-def]
    return _api_client_for


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():  # type: ignore[no-untyped-def]
    """Each test's database is new, and ids come round again: no calendar copy may outlive its test."""
    from tickets.calendars import calendar_forget

    calendar_forget()
    yield
    calendar_forget()


@pytest.fixture(autouse=True)
def _no_outage_left_over():  # type: ignore[no-untyped-def]
    """A test that took the broker or the cache down must not leave this process counting it as down."""
    from core.enqueue import broker_pause_reset
    from integrations import ratelimit

    broker_pause_reset()
    ratelimit.reset()
    yield
    broker_pause_reset()
    ratelimit.reset()


@pytest.fixture
def browser_page():  # type: ignore[no-untyped-def]
    """A laptop-sized chromium page in English (tests.browser.open_page); ``page.problems`` collects errors."""
    with open_page() as page:
        yield page


@pytest.fixture
def make_key(db):  # type: ignore[no-untyped-def]
    """make_key(scopes=[...], platform=..., **integration fields) -> (integration, api_key, secret): an
    integration (every scope by default, on Taobao) with one API key."""
    counter = {"n": 0}

    def make(scopes=None, **fields):  # type: ignore[no-untyped-def]
        counter["n"] += 1
        integration = integration_services.integration_create(
            name=fields.pop("name", f"Shop middleware {counter['n']}"),
            platform=fields.pop("platform", "taobao"),
            scopes=list(ALL_SCOPES if scopes is None else scopes),
            **fields,
        )
        new = integration_services.api_key_create(integration=integration, name="test")
        return integration, new.api_key, new.secret

    return make
