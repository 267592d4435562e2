"""``/healthz`` for the load balancer and for monitoring.

Only the database decides whether this node can serve (503 without it): with Redis down — the broker, the
cache or both — the API still takes tickets (rate limits count per process, e-mails and webhooks wait in the
database for the recovery tasks), so the answer stays 200 with ``"status": "degraded"`` and the names of what
is down in ``"down"``. A load balancer must not take every node out of service because the one Redis they
share is down; monitoring alerts on ``degraded``.
"""

from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest, JsonResponse


def _database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True, connection.vendor
    except Exception as exc:  # noqa: BLE001 - health checks report, never raise
        return False, f"{type(exc).__name__}: {exc}"


def _broker_ok() -> tuple[bool, str]:
    from helpdesk.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            return True, conn.transport_cls if isinstance(conn.transport_cls, str) else conn.transport.driver_type
    except Exception as exc:  # noqa: BLE001
        return False, f"{type(exc).__name__}: {exc}"


def _cache_ok() -> tuple[bool, str]:
    cache = caches["default"]
    try:
        cache.get("healthz")  # one round trip
        return True, type(cache).__name__
    except Exception as exc:  # noqa: BLE001
        return False, f"{type(exc).__name__}: {exc}"


def healthz(request: HttpRequest) -> JsonResponse:
    """Database, broker and cache reachability, as JSON: 200 "ok", 200 "degraded" (Redis down: the broker
    or the cache), 503 "error" (the database is down)."""
    checks = {"database": _database_ok(), "broker": _broker_ok(), "cache": _cache_ok()}
    down = [name for name, (ok, _detail) in checks.items() if not ok]
    status = "error" if "database" in down else "degraded" if down else "ok"
    return JsonResponse(
        {
            "status": status,
            "down": down,
            **{name: {"ok": ok, "detail": detail} for name, (ok, detail) in checks.items()},
        },
        status=503 if status == "error" else 200,
    )
