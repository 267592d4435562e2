"""Races on the real PostgreSQL: calls started together in threads, to show that row locks, ``SKIP LOCKED``
and unique constraints make each effect happen once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection


def race(*calls: Callable[[], Any], expected: tuple[type[BaseException], ...] = (), timeout: float = 60) -> list[Any]:
    """Run each call in its own thread, all released at once by a barrier; each thread closes its own
    database connection. Returns what each call returned, or the ``expected`` exception it raised, in the
    order they finished. Any other exception, or a thread still running after ``timeout``, fails the test."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[Any] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def run(call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            outcome = call()
        except expected as exc:
            outcome = exc
        except BaseException as exc:  # noqa: BLE001 - reported below, in the test's thread
            with lock:
                failures.append(exc)
            return
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a racing call did not finish"
    assert not failures, failures
    return outcomes
