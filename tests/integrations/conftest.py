import pytest

from integrations import services
from integrations.scopes import ALL_SCOPES


@pytest.fixture
def make_key(db):  # type: ignore[no-untyped-def]
    """make_key(scopes=[...], **integration fields) -> (integration, api_key, secret)."""
    counter = {"n": 0}

    def make(scopes=None, **fields):  # type: ignore[no-untyped-def]
        counter["n"] += 1
        integration = services.integration_create(
            name=fields.pop("name", f"Shop middleware {counter['n']}"),
            platform=fields.pop("platform", "taobao"),
            scopes=list(ALL_SCOPES if scopes is None else scopes),
            **fields,
        )
        new = services.api_key_create(integration=integration, name="test")
        return integration, new.api_key, new.secret

    return make
