"""Every curl example in docs/integration-guide.md and docs/webhooks.md runs as written against a live server.

The commands are taken from the ```sh / ```bash blocks, in document order, and run by bash (so ``$(…)`` in an
example runs too) with the real ``curl``, against pytest-django's ``live_server`` and the world ``make run``
makes: the demo integration (bound to Taobao, every scope) with its key, and an admin. The test adapts to the
docs, not the other way round: ``$HD`` and ``$KEY`` are set in the environment (the ``export`` lines that
define them in the guide are skipped), and each ``<placeholder>`` the docs list is replaced by the id it
stands for at that point. Each command must exit 0 and answer 2xx, or the status its ``# → NNN`` comment says.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from PIL import Image
from rest_framework.authtoken.models import Token

from accounts.roles import Role
from customers.models import Customer
from integrations import services as integration_services
from integrations.scopes import ALL_SCOPES
from tests.factories import UserFactory
from tickets.models import Ticket
from webhooks.models import WebhookDelivery, WebhookEndpoint

DOCS = Path(__file__).resolve().parent.parent / "docs"
DOCUMENTS = ["integration-guide.md", "webhooks.md"]
ADMIN_PASSWORD = "helpdesk-demo"  # make run's default demo password

FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?:sh|bash)[ \t]*\n(?P<body>.*?)^(?P=indent)```[ \t]*$", re.M | re.S)
PLACEHOLDER = re.compile(r"<([a-z][a-z-]*)>")
EXPECTED = re.compile(r"#\s*→\s*(\d{3})\b")
# The variables the docs define for the reader ("export HD=…", "export KEY=$(cat …)"): the test sets them.
DEFINED_BY_THE_TEST = {"HD", "KEY"}


@dataclass(frozen=True)
class Example:
    document: str
    line: int
    command: str

    def __str__(self) -> str:
        return f"{self.document}:{self.line}: {self.command.splitlines()[0]}"


def _complete(text: str) -> bool:
    """Whether ``text`` is a whole shell command: quotes closed, no line continuation left open."""
    if text.rstrip().endswith("\\"):
        return False
    try:
        shlex.split(text, comments=True)
    except ValueError:  # "No closing quotation": a body that spans lines
        return False
    return True


def examples(document: str) -> list[Example]:
    """The shell commands of the document's sh/bash blocks, in order (comment lines left out)."""
    text = (DOCS / document).read_text()
    found: list[Example] = []
    for block in FENCE.finditer(text):
        first_line = text.count("\n", 0, block.start("body")) + 1
        pending: list[str] = []
        start = first_line
        for offset, line in enumerate(textwrap.dedent(block.group("body")).splitlines()):
            if not pending:
                if not line.strip() or line.lstrip().startswith("#"):
                    continue
                start = first_line + offset
            pending.append(line)
            command = "\n".join(pending)
            if _complete(command):
                found.append(Example(document, start, command))
                pending = []
        assert not pending, f"{document}:{start}: an unfinished command"
    return found


def test_the_docs_have_the_curl_examples_this_test_runs():
    commands = [example.command for document in DOCUMENTS for example in examples(document)]
    assert sum(command.startswith("curl ") for command in commands) >= 24
    assert all(command.startswith(("curl ", "export ")) for command in commands), commands


@pytest.fixture
def world(db, settings, monkeypatch):  # type: ignore[no-untyped-def]
    """What ``make run`` sets up, as far as the docs rely on it: the demo shop integration (Taobao, every scope)
    and its key, a second key of it (the "leaked" one), and an admin with the demo password."""
    from webhooks.tasks import webhook_deliver_task

    monkeypatch.setattr(webhook_deliver_task, "apply_async", lambda *args, **kwargs: None)  # no broker, no sending
    integration = integration_services.integration_create(
        name="演示淘宝店 Demo Taobao shop", platform="taobao", scopes=list(ALL_SCOPES)
    )
    demo = integration_services.api_key_create(integration=integration, name="demo")
    leaked = integration_services.api_key_create(integration=integration, name="leaked")
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    admin.groups.add(Group.objects.get_or_create(name=Role.ADMIN)[0])
    admin.set_password(ADMIN_PASSWORD)
    admin.save()
    placeholders: dict[str, Callable[[], object]] = {
        "key-id": lambda: demo.api_key.pk,
        "leaked-key-id": lambda: leaked.api_key.pk,
        "admin-password": lambda: ADMIN_PASSWORD,
        "ticket-id": lambda: Ticket.objects.latest("pk").pk,
        "customer-id": lambda: Customer.objects.get(platform="taobao", platform_account_id="tb_wxm").pk,
        "endpoint-id": lambda: WebhookEndpoint.objects.latest("pk").pk,
        "delivery-id": lambda: WebhookDelivery.objects.latest("pk").pk,
    }
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "KEY": demo.secret,
        "ADMIN_TOKEN": Token.objects.get_or_create(user=admin)[0].key,
    }
    return placeholders, environment


def _run(  # type: ignore[no-untyped-def]
    example: Example, base_url: str, placeholders: dict[str, Callable[[], object]], env: dict[str, str], cwd: Path
):
    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        assert name in placeholders, f"{example}: unknown placeholder <{name}>; say in the docs what it is"
        return str(placeholders[name]())

    command = PLACEHOLDER.sub(fill, example.command)
    # curl as written, but it also reports the HTTP status on a line of its own, and gives up after 30 s.
    script = 'curl() { command curl --max-time 30 --write-out "\\n%{http_code}" "$@"; }\n' + command
    done = subprocess.run(
        ["bash", "-c", script],
        env={**env, "HD": f"{base_url}/api/v1"},
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
    )
    body, _, status = done.stdout.rpartition("\n")
    return done, body, status


@pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl")
def test_every_curl_example_in_the_docs_runs_as_written(world, live_server, tmp_path):
    placeholders, environment = world
    # The files the examples upload (a buyer's photos), in the folder they run in.
    for name, colour in (("photo1.jpg", "red"), ("photo2.jpg", "blue")):
        Image.new("RGB", (64, 48), colour).save(tmp_path / name, format="JPEG")
    ran = []
    for document in DOCUMENTS:
        for example in examples(document):
            if example.command.startswith("export "):
                name = example.command.removeprefix("export ").split("=", 1)[0]
                assert name in DEFINED_BY_THE_TEST, f"{example}: a variable this test does not set"
                continue
            done, body, status = _run(example, live_server.url, placeholders, environment, tmp_path)
            assert done.returncode == 0, f"{example}\nexit {done.returncode}: {done.stderr[-500:]}"
            expected = EXPECTED.search(example.command)
            if expected:
                assert status == expected.group(1), f"{example}\n{status}: {body[:500]}"
            else:
                assert status.startswith("2"), f"{example}\n{status}: {body[:500]}"
            ran.append(example)
    assert len(ran) >= 24
