"""make run's "ready" process: wait for the web server and the workers, then print the logins last."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from helpdesk.management.commands import demo_ready

pytestmark = pytest.mark.django_db


def test_it_waits_for_the_web_server_and_the_workers_then_prints_the_logins(monkeypatch, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    call_command("seed_demo", "--no-logins", stdout=io.StringIO())
    polls = {"web": 0, "workers": 0}

    def healthy(url: str) -> bool:
        assert url == "http://127.0.0.1:8102"
        polls["web"] += 1
        return polls["web"] >= 3  # up on the third try

    def workers() -> int:
        polls["workers"] += 1
        return polls["workers"]  # one more worker answers each time

    monkeypatch.setattr(demo_ready, "_healthy", healthy)
    monkeypatch.setattr(demo_ready, "_workers_answering", workers)
    monkeypatch.setattr(demo_ready.time, "sleep", lambda seconds: None)
    out, err = io.StringIO(), io.StringIO()
    call_command("demo_ready", "--url", "http://127.0.0.1:8102/", "--workers", "2", "--exit", stdout=out, stderr=err)
    assert polls == {"web": 3, "workers": 2}
    text = out.getvalue()
    assert "Helpdesk on http://127.0.0.1:8102/" in text
    assert text.index("Helpdesk on") < text.index("Demo logins") < text.index("  agent1    agent; teams")
    assert "API key of the demo integration" in text and not err.getvalue()


def test_it_prints_the_logins_anyway_when_a_service_does_not_come_up(monkeypatch, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    call_command("seed_demo", "--no-logins", stdout=io.StringIO())
    monkeypatch.setattr(demo_ready, "_healthy", lambda url: True)
    monkeypatch.setattr(demo_ready, "_workers_answering", lambda: 0)
    monkeypatch.setattr(demo_ready.time, "sleep", lambda seconds: None)
    out, err = io.StringIO(), io.StringIO()
    call_command("demo_ready", "--timeout", "0", "--exit", stdout=out, stderr=err)
    assert "The Celery workers did not answer within 0 s" in err.getvalue()
    assert "manager1" in out.getvalue()


def test_seed_demo_without_logins_prints_none(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    out = io.StringIO()
    call_command("seed_demo", "--no-logins", stdout=out)
    assert "Demo data ready" in out.getvalue() and "agent1" not in out.getvalue()
