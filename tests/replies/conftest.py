import importlib

import pytest
from django.apps import apps


def seed_default_wording_rules() -> None:
    """The rules migration replies 0002 seeds. A transactional test (the browser tests) empties every table
    when it ends, so tests that rely on them put them back (idempotent)."""
    migration = importlib.import_module("replies.migrations.0002_wording_rules")
    migration.seed_default_rules(apps, None)


@pytest.fixture(autouse=True)
def default_wording_rules(db):  # type: ignore[no-untyped-def]
    seed_default_wording_rules()
