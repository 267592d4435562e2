import importlib

import pytest
from django.apps import apps
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    """Messages read in English (the pages follow the browser's language; these tests name English text)."""
    with translation.override("en"):
        yield


def seed_default_wording_rules() -> None:
    """The rules migration replies 0003 seeds. A transactional test (the browser tests) empties every table
    when it ends, so tests that rely on them put them back (idempotent)."""
    migration = importlib.import_module("replies.migrations.0003_wording_rules")
    migration.seed_default_rules(apps, None)


@pytest.fixture(autouse=True)
def default_wording_rules(db):  # type: ignore[no-untyped-def]
    seed_default_wording_rules()
