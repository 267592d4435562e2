"""The database settings: SQLite waits for the write lock whether it is the embedded default or named by
DATABASE_URL (a scratch database for a demo or a review). Each case starts a fresh Python: settings are read
once per process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHOW = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps(s.DATABASES['default'].get('OPTIONS', {})))"
)


def options_with(var_dir: Path, **env: str) -> dict:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HELPDESK_", "DATABASE_URL"))}
    environ.update(DJANGO_SETTINGS_MODULE="helpdesk.settings", HELPDESK_VAR_DIR=str(var_dir), **env)
    result = subprocess.run(
        [sys.executable, "-c", SHOW], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_sqlite_database_url_waits_for_the_write_lock_like_the_default(tmp_path):
    default = options_with(tmp_path)
    from_url = options_with(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'scratch.sqlite3'}")
    assert from_url == default
    assert from_url["timeout"] == 20 and from_url["transaction_mode"] == "IMMEDIATE"


def test_postgresql_gets_no_sqlite_options(tmp_path):
    assert options_with(tmp_path, DATABASE_URL="postgres://postgres@127.0.0.1:5432/x") == {}
