import pytest
from rest_framework.test import APIClient

from integrations import services as integration_services


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    """Assertions read the English messages (the default language is Simplified Chinese)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def key_client(db):  # type: ignore[no-untyped-def]
    """key_client(scopes) -> an API client that sends a fresh integration's API key as a Bearer token."""
    counter = {"n": 0}

    def make(scopes: list[str]) -> APIClient:
        counter["n"] += 1
        integration = integration_services.integration_create(
            name=f"Order sync {counter['n']}", platform="taobao", scopes=scopes, rate_limit_per_minute=100_000
        )
        secret = integration_services.api_key_create(integration=integration, name="test").secret
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
        return client

    return make
