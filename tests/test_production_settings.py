"""Production settings come from the environment: HELPDESK_ENV=production turns on HTTPS-only settings and
refuses to start without DJANGO_SECRET_KEY; the embedded default makes its own key once and keeps it in var/.

Each case starts a fresh Python (settings are read once per process), with its own HELPDESK_VAR_DIR."""

from __future__ import annotations

import json
import os
import secrets
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The production environment the README documents (Production settings), for a site at helpdesk.example.com.
PRODUCTION = {
    "HELPDESK_ENV": "production",
    "DJANGO_ALLOWED_HOSTS": "helpdesk.example.com",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://helpdesk.example.com",
    "HELPDESK_PUBLIC_URL": "https://helpdesk.example.com",
    "HELPDESK_TRUSTED_PROXIES": "1",
}
SHOW = (
    "import json, django; django.setup(); from django.conf import settings as s; print(json.dumps({k: "
    "getattr(s, k, None) for k in ('SECRET_KEY', 'DEBUG', 'SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SECURE', "
    "'CSRF_COOKIE_SECURE', 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_HSTS_PRELOAD', "
    "'SECURE_PROXY_SSL_HEADER')}))"
)


def run(args: list[str], var_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HELPDESK_"))}
    environ.update(DJANGO_SETTINGS_MODULE="helpdesk.settings", HELPDESK_VAR_DIR=str(var_dir), **env)
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=120)


def settings_in(var_dir: Path, **env: str) -> dict:
    result = run(["-c", SHOW], var_dir, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_is_clean_with_the_documented_production_environment(tmp_path):
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_turns_on_https_only_settings_each_switchable(tmp_path):
    key = secrets.token_urlsafe(50)
    production = settings_in(tmp_path, DJANGO_SECRET_KEY=key, **PRODUCTION)
    assert production["SECRET_KEY"] == key
    assert production["SECURE_SSL_REDIRECT"] and production["SESSION_COOKIE_SECURE"]
    assert production["CSRF_COOKIE_SECURE"]
    assert production["SECURE_HSTS_SECONDS"] == 31536000
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and production["SECURE_HSTS_PRELOAD"]
    assert production["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]

    tuned = settings_in(
        tmp_path,
        DJANGO_SECRET_KEY=key,
        HELPDESK_SSL_REDIRECT="false",
        HELPDESK_HSTS_SECONDS="600",
        HELPDESK_HSTS_PRELOAD="false",
        HELPDESK_PROXY_SSL_HEADER="X-Scheme",
        **PRODUCTION,
    )
    assert tuned["SECURE_SSL_REDIRECT"] is False and tuned["SESSION_COOKIE_SECURE"] is True
    assert tuned["SECURE_HSTS_SECONDS"] == 600 and tuned["SECURE_HSTS_PRELOAD"] is False
    assert tuned["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_SCHEME", "https"]

    development = settings_in(tmp_path)
    assert not development["SECURE_SSL_REDIRECT"] and not development["SESSION_COOKIE_SECURE"]
    assert development["SECURE_HSTS_SECONDS"] == 0 and development["SECURE_PROXY_SSL_HEADER"] is None


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = run(["manage.py", "check"], tmp_path, **PRODUCTION)
    assert result.returncode != 0
    assert "Refusing to start: HELPDESK_ENV=production needs DJANGO_SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_production_refuses_debug_pages(tmp_path):
    result = run(
        ["manage.py", "check"], tmp_path, DJANGO_SECRET_KEY=secrets.token_urlsafe(50), DJANGO_DEBUG="true", **PRODUCTION
    )
    assert result.returncode != 0 and "DJANGO_DEBUG" in result.stderr


def test_an_unknown_environment_name_is_refused(tmp_path):
    result = run(["manage.py", "check"], tmp_path, HELPDESK_ENV="prod")
    assert result.returncode != 0 and "HELPDESK_ENV must be 'development' or 'production'" in result.stderr


def test_the_embedded_default_makes_its_own_secret_key_once_and_keeps_it(tmp_path):
    first = settings_in(tmp_path)["SECRET_KEY"]
    again = settings_in(tmp_path)["SECRET_KEY"]
    elsewhere = settings_in(tmp_path / "other")["SECRET_KEY"]
    assert first == again  # signed tracking and survey links stay valid across restarts
    assert first != elsewhere and len(first) >= 50
    assert "insecure" not in first
    key_file = tmp_path / "secret_key"
    assert key_file.read_text().strip() == first
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_processes_starting_together_agree_on_one_secret_key(tmp_path):
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HELPDESK_"))}
    environ.update(DJANGO_SETTINGS_MODULE="helpdesk.settings", HELPDESK_VAR_DIR=str(tmp_path))
    processes = [
        subprocess.Popen([sys.executable, "-c", SHOW], cwd=ROOT, env=environ, stdout=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    keys = {json.loads(p.communicate(timeout=120)[0].strip().splitlines()[-1])["SECRET_KEY"] for p in processes}
    assert len(keys) == 1
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("secret_key")] == ["secret_key"]
