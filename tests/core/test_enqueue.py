"""core.enqueue: a broker that is down or hangs never fails, and never long holds up, the caller."""

from __future__ import annotations

import logging
import socket
import threading
import time

import pytest
from django.conf import settings

from core import enqueue as enqueue_module
from core.enqueue import enqueue
from helpdesk.celery import app
from tickets import tasks

TASK = "tickets.tasks.sla_sweep_task"


@pytest.fixture
def hung_redis():  # type: ignore[no-untyped-def]
    """The address of a "Redis" that accepts connections and never answers (a frozen host, a half-open link)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(50)
    accepted: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                accepted.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    server.close()
    for connection in accepted:
        connection.close()


def test_a_hung_redis_broker_fails_an_enqueue_in_seconds_not_never(hung_redis, monkeypatch):
    monkeypatch.setitem(app.conf, "broker_url", hung_redis)
    monkeypatch.setitem(app.conf, "broker_transport_options", settings.REDIS_BROKER_TRANSPORT_OPTIONS)
    monkeypatch.setattr(app, "_pool", None)  # the connection and producer pools: new ones, for the URL above
    monkeypatch.setattr(app.amqp, "_producer_pool", None)
    outcome: list[bool] = []
    started = time.monotonic()
    caller = threading.Thread(target=lambda: outcome.append(enqueue(TASK, if_lost="the next sweep")), daemon=True)
    caller.start()
    caller.join(20)
    assert outcome == [False], "the enqueue still hangs after 20 s"
    assert time.monotonic() - started < 10


def test_after_a_broker_error_the_broker_is_left_alone_for_a_few_seconds(monkeypatch, caplog):
    calls: list[tuple] = []

    def broker_down(args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(args)
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks.sla_sweep_task, "apply_async", broker_down)
    clock = {"now": 1000.0}
    monkeypatch.setattr(enqueue_module, "_now", lambda: clock["now"])
    with caplog.at_level(logging.WARNING, logger="core.enqueue"):
        assert enqueue(TASK, if_lost="the next sweep does it") is False
        clock["now"] += enqueue_module.BROKER_PAUSE_SECONDS - 0.1
        assert enqueue(TASK, if_lost="the next sweep does it") is False
        assert len(calls) == 1, "the second enqueue did not wait on the broker"
        clock["now"] += 0.2
        assert enqueue(TASK, if_lost="the next sweep does it") is False
        assert len(calls) == 2, "after the pause the broker is tried again"
    assert [r.getMessage().endswith("the next sweep does it") for r in caplog.records] == [True] * 3
