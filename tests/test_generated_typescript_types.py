"""The contract in TypeScript: ``openapi-typescript`` (default options) turns the served schema into types, and
an integrator's code (tests/typescript/usage.ts: a ticket create body, a ticket whose order's ``paid_at`` may be
null, a page's ``next``) compiles against them with ``tsc --noEmit --strict``. Both tools are pinned
devDependencies in package.json (``make install`` runs ``npm ci``)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / "node_modules" / ".bin"
USAGE = Path(__file__).resolve().parent / "typescript" / "usage.ts"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not (BIN / "tsc").exists() or not (BIN / "openapi-typescript").exists() or shutil.which("node") is None,
        reason="needs node and the npm devDependencies (node_modules/.bin/tsc, openapi-typescript): make install",
    ),
]


def run(command: list[str], cwd: Path) -> str:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, f"{' '.join(command)}\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


def test_typescript_usage_compiles_strictly_against_the_generated_types(tmp_path: Path) -> None:
    response = Client().get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    (tmp_path / "schema.json").write_bytes(response.content)
    run([str(BIN / "openapi-typescript"), "schema.json", "--output", "api.d.ts"], tmp_path)
    assert "components" in (tmp_path / "api.d.ts").read_text()
    shutil.copy(USAGE, tmp_path / "usage.ts")
    # Files named on the command line: no tsconfig is read, so these flags are the whole configuration.
    compiler = [str(BIN / "tsc"), "--noEmit", "--strict", "--target", "es2022", "--module", "es2022"]
    run([*compiler, "--moduleResolution", "bundler", "usage.ts"], tmp_path)
