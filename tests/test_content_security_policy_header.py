"""The Content-Security-Policy header (django-csp): strict on every page, relaxed for Swagger UI's styles and
icons on the API docs only, and the self-contained 500 page's one <style> allowed by its hash."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from django.test import Client

STRICT = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def policy(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    header = response["Content-Security-Policy"]
    return {part.split()[0]: " ".join(part.split()[1:]) for part in header.split(";") if part.strip()}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/login/", "/admin/login/", "/api/v1/schema/"])
def test_pages_get_the_strict_policy(client, path):
    found = policy(client.get(path))
    assert {name: found.get(name) for name in STRICT} == STRICT


@pytest.mark.django_db
def test_the_api_docs_relax_styles_and_images_but_not_scripts(client):
    found = policy(client.get("/api/v1/docs/"))
    assert found["script-src"] == "'self'"
    assert found["style-src"] == "'self' 'unsafe-inline'" and found["img-src"] == "'self' data:"
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")


@pytest.mark.django_db
def test_the_500_page_may_use_its_own_style_block_and_nothing_else_inline(monkeypatch):
    from helpdesk import health

    def broken():  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    monkeypatch.setattr(health, "_database_ok", broken)
    response = Client(raise_request_exception=False).get("/healthz")
    assert response.status_code == 500
    style = re.search(r"<style>(.*?)</style>", response.content.decode(), re.S).group(1)  # type: ignore[union-attr]
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    found = policy(response)
    assert found["style-src"] == f"'self' 'sha256-{digest}'"
    assert found["script-src"] == "'self'"


def test_report_only_mode_sends_the_same_policy_as_report_only(tmp_path):
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    show = (
        "import json, django; django.setup(); from django.conf import settings as s; print(json.dumps(["
        "getattr(s, 'CONTENT_SECURITY_POLICY', None) is not None, "
        "getattr(s, 'CONTENT_SECURITY_POLICY_REPORT_ONLY', None) is not None]))"
    )
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HELPDESK_"))}
    environ.update(DJANGO_SETTINGS_MODULE="helpdesk.settings", HELPDESK_VAR_DIR=str(tmp_path))
    root = Path(__file__).resolve().parents[1]

    def modes(**env: str) -> list[bool]:
        result = subprocess.run(
            [sys.executable, "-c", show], cwd=root, env={**environ, **env}, capture_output=True, text=True
        )
        return json.loads(result.stdout.strip().splitlines()[-1])

    assert modes() == [True, False]
    assert modes(HELPDESK_CSP_REPORT_ONLY="true") == [False, True]
