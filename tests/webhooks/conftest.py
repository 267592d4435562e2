from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from webhooks.models import WebhookEndpoint
from webhooks.services.endpoints import webhook_endpoint_create
from webhooks.services.outbox import webhook_subscriptions_forget


@pytest.fixture(autouse=True)
def _webhook_settings(settings):  # type: ignore[no-untyped-def]
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True  # the receiver is on 127.0.0.1
    settings.WEBHOOK_TIMEOUT_SECONDS = 2
    settings.WEBHOOK_RETRY_HOURS = 25


@pytest.fixture(autouse=True)
def _fresh_subscriptions():  # type: ignore[no-untyped-def]
    webhook_subscriptions_forget()
    yield
    webhook_subscriptions_forget()


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """A real HTTP server on 127.0.0.1 that records every request and answers ``status`` after ``delay``."""

    url: str
    requests: list[Received] = field(default_factory=list)
    status: int = 200
    delay: float = 0.0
    body: bytes = b'{"ok": true}'


@pytest.fixture
def receiver():  # type: ignore[no-untyped-def]
    state: dict[str, Receiver] = {}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server API
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            rec = state["receiver"]
            with lock:
                rec.requests.append(Received(self.path, dict(self.headers.items()), body))
            if rec.delay:
                time.sleep(rec.delay)
            self.send_response(rec.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(rec.body)))
            self.end_headers()
            self.wfile.write(rec.body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state["receiver"] = Receiver(url=f"http://127.0.0.1:{server.server_address[1]}/hooks")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state["receiver"]
    server.shutdown()
    server.server_close()


@pytest.fixture
def integration(make_key):  # type: ignore[no-untyped-def]
    return make_key(platform="")[0]


@pytest.fixture
def endpoint(integration, receiver) -> WebhookEndpoint:  # type: ignore[no-untyped-def]
    """Subscribed to every event type, pointing at the local receiver."""
    from webhooks.enums import WebhookEventType

    return webhook_endpoint_create(integration=integration, url=receiver.url, events=list(WebhookEventType.values))


@pytest.fixture
def queued(monkeypatch):  # type: ignore[no-untyped-def]
    """Delivery ids handed to the broker (nothing is sent to a real broker)."""
    from webhooks.tasks import webhook_deliver_task

    ids: list[int] = []
    monkeypatch.setattr(webhook_deliver_task, "apply_async", lambda args, **kwargs: ids.append(args[0]))
    return ids
