"""The live server for browser tests, safe on the in-memory SQLite database.

On SQLite in memory, Django hands the test's one database connection to every request thread of the live
server. Two requests at once (the reports dashboard loads its sections in parallel) then use one SQLite
connection from two threads; SQLite runs Django's SQL functions (``django_date_trunc`` …) as Python callbacks
while it holds the connection's mutex, and another thread that holds the GIL while it waits for that mutex
never lets the callback run: every thread stops, the GIL is never released, and not even pytest-timeout can
end the test. CI hung on it for 90 minutes.

So, while the connection is shared, requests are served one at a time: the server still accepts connections
in threads (the browser's parallel requests queue, they are not refused), but only one thread at a time runs
the application, and it reads the whole response body before it lets the next one in (a streamed response
still reads the database while it is sent). The test's own queries take the same lock, so they wait for a
request in flight instead of meeting it in SQLite. On PostgreSQL each request thread has its own connection
and nothing changes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread


class OneAppAtATimeWSGIServer(ThreadedWSGIServer):
    """Django's threaded live server, with the application serialised while a connection is shared."""

    def set_app(self, application: Callable[..., Iterable[bytes]]) -> None:
        if not self.connections_override:
            super().set_app(application)
            return
        lock = threading.RLock()  # a request's own queries take it again

        def hold(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
            with lock:
                return execute(sql, params, many, context)

        self._hold = hold
        for connection in self.connections_override.values():
            connection.execute_wrappers.append(hold)

        def one_at_a_time(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
            with lock:
                result = application(environ, start_response)
                try:
                    return list(result)
                finally:
                    close = getattr(result, "close", None)
                    if close is not None:
                        close()

        super().set_app(one_at_a_time)

    def server_close(self) -> None:
        super().server_close()
        hold = getattr(self, "_hold", None)
        for connection in (self.connections_override or {}).values():
            if hold in connection.execute_wrappers:
                connection.execute_wrappers.remove(hold)


def install() -> None:
    """Make every live server (pytest-django's ``live_server`` builds Django's LiveServerThread) use it."""
    LiveServerThread.server_class = OneAppAtATimeWSGIServer


# The rows the data migrations made (roles, after-sales reasons and limits, complaint defaults, the default survey
# and SLA policy): a transactional test's flush empties their tables for the tests after it.
DATA_MIGRATIONS = [
    "accounts.migrations.0002_roles",
    "aftersales.migrations.0002_default_reasons_and_limits",
    "complaints.migrations.0002_defaults",
    "surveys.migrations.0002_default_survey",
    "tickets.migrations.0002_default_sla_policy",
]


def reload_migration_data() -> None:
    """Run the data migrations' code again (each is idempotent), for a transactional test that needs their rows."""
    import importlib

    from django.apps import apps as django_apps

    for module in DATA_MIGRATIONS:
        for operation in importlib.import_module(module).Migration.operations:
            operation.code(django_apps, None)
