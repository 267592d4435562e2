"""Benchmark: the API through a Redis outage, and whether its rate limits count right under concurrency.

Runs the web server as production does (gunicorn + UvicornWorker × 2, see the Procfile) on PostgreSQL, with
Redis as cache and broker — a throw-away ``redis-server`` of its own on ``--redis-port`` (6390), which it
stops and starts again to make the outage; the machine's shared Redis is never touched. The database
(``--database``, default ``helpdesk_redis``) is dropped and created again.

  (1) outage: clients create tickets for ``--before`` s, Redis is stopped (``--mode stop``) or frozen with
      DEBUG SLEEP (``--mode hang``: it accepts connections and answers nothing) for ``--outage`` s, then
      runs again for ``--after`` s. Half the clients use an API key, half a staff token. Counts each status per
      phase; ``/healthz`` is read in each phase.
  (2) staff counting: ``--burst`` requests (default 1300) with one staff token against the default staff
      limit (1200/min), from ``--concurrency`` threads, all inside one minute: how many were accepted.
  (3) key limits: a key with its own limit of 2000/min sends 2100 requests: how many were accepted (the
      staff limit must not cap it).

    .venv/bin/python bench/redis_bench.py            # --outage 40 --concurrency 16 --burst 1300 …
"""

from __future__ import annotations

import argparse
import io
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from api_bench import Server, configure, encode, free_port, make_payloads, recreate_database  # noqa: E402

LIST_ONE = "/api/v1/tickets/?page_size=1"  # a cheap call open to both keys and staff


class ThrowAwayRedis:
    """A redis-server of our own, without persistence, stopped only through its own port."""

    def __init__(self, port: int):
        self.port = port

    def start(self) -> None:
        subprocess.run(
            [
                "redis-server",
                *("--port", str(self.port), "--save", "", "--appendonly", "no", "--daemonize", "yes"),
                *("--enable-debug-command", "local"),  # DEBUG SLEEP: a Redis that hangs
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not self.answers():
            if time.monotonic() > deadline:
                raise RuntimeError(f"redis-server on port {self.port} did not start")
            time.sleep(0.1)

    def stop(self) -> None:
        subprocess.run(["redis-cli", "-p", str(self.port), "shutdown", "nosave"], check=False, capture_output=True)
        deadline = time.monotonic() + 10
        while self.answers() and time.monotonic() < deadline:
            time.sleep(0.1)

    def hang(self, seconds: float) -> subprocess.Popen[bytes]:
        """Freeze the server for ``seconds``: connections are accepted, nothing is answered."""
        return subprocess.Popen(
            ["redis-cli", "-p", str(self.port), "debug", "sleep", str(seconds)], stdout=subprocess.DEVNULL
        )

    def answers(self) -> bool:
        result = subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True)
        return result.stdout.strip() == "PONG"


class Load:
    """Client threads posting new tickets until stopped; each response is counted under the current phase."""

    def __init__(self, base: str, credentials: list[tuple[str, str]], payloads: list[bytes]):
        self.base, self.credentials, self.payloads = base, credentials, payloads
        self.phase = "before"
        self.counts: Counter[tuple[str, str, str]] = Counter()
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.examples: dict[str, str] = {}
        self.latencies: dict[str, list[float]] = {}
        self.sent = 0

    def run(self, who: str, authorization: str) -> None:
        import httpx

        with httpx.Client(timeout=30, headers={"Authorization": authorization}) as client:
            while not self.stop.is_set():
                phase = self.phase
                with self.lock:
                    body = self.payloads[self.sent % len(self.payloads)]
                    self.sent += 1
                started = time.perf_counter()
                try:
                    response = client.post(
                        f"{self.base}/api/v1/tickets/",
                        content=body.replace(b"__EXT__", uuid.uuid4().hex.encode()),
                        headers={"Content-Type": "application/json", "Idempotency-Key": str(uuid.uuid4())},
                    )
                    status = str(response.status_code)
                    if response.status_code >= 500:
                        self.examples.setdefault(status, response.text[:200])
                except httpx.HTTPError as exc:
                    status = type(exc).__name__
                with self.lock:
                    self.counts[(phase, who, status)] += 1
                    self.latencies.setdefault(phase, []).append(time.perf_counter() - started)

    def threads(self, concurrency: int) -> list[threading.Thread]:
        return [
            threading.Thread(target=self.run, args=self.credentials[i % len(self.credentials)], daemon=True)
            for i in range(concurrency)
        ]


def healthz(base: str) -> str:
    import httpx

    try:
        response = httpx.get(f"{base}/healthz", timeout=10)
        return f"{response.status_code} {response.text}"
    except httpx.HTTPError as exc:
        return f"{type(exc).__name__}: {exc}"


def burst(base: str, authorization: str, total: int, concurrency: int, path: str) -> tuple[Counter[str], float]:
    """``total`` GETs from ``concurrency`` threads, started at the top of a minute. Statuses are counted per
    window (the ``X-RateLimit-Reset`` the server sent, when it sends one): a run slower than a minute spans
    two windows, and each may accept up to the limit."""
    import httpx

    statuses: Counter[str] = Counter()
    first_reset: list[int] = []
    lock = threading.Lock()
    remaining = iter(range(total))

    def loop() -> None:
        with httpx.Client(timeout=30, headers={"Authorization": authorization}) as client:
            while True:
                with lock:
                    if next(remaining, None) is None:
                        return
                response = client.get(f"{base}{path}")
                reset = response.headers.get("X-RateLimit-Reset")
                with lock:
                    if reset and not first_reset:
                        first_reset.append(int(reset))
                    window = f"window {(int(reset) - first_reset[0]) // 60 + 1} " if reset else ""
                    statuses[f"{window}{response.status_code}"] += 1

    time.sleep((60 - time.time() % 60) + 0.5)  # a fresh one-minute window
    started = time.perf_counter()
    threads = [threading.Thread(target=loop, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432", help="server, no database")
    parser.add_argument("--database", default="helpdesk_redis", help="dropped and created again")
    parser.add_argument("--redis-port", type=int, default=6390, help="a throw-away redis-server is started here")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads")
    parser.add_argument("--before", type=float, default=10.0)
    parser.add_argument("--outage", type=float, default=40.0)
    parser.add_argument("--after", type=float, default=15.0)
    parser.add_argument(
        "--mode", choices=["stop", "hang"], default="stop", help="the outage: Redis stopped, or frozen (DEBUG SLEEP)"
    )
    parser.add_argument("--burst", type=int, default=1300, help="staff requests against the 1200/min staff limit")
    parser.add_argument("--skip", default="", help="comma-separated parts to skip: outage,staff,key")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    if shutil.which("redis-server") is None:
        raise SystemExit("redis-server is needed (apt-get install redis-server)")

    redis_url = f"redis://127.0.0.1:{args.redis_port}/0"
    database_url = f"{args.postgres.rstrip('/')}/{args.database}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "helpdesk.settings",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("CELERY_BROKER_URL", None)
    env.pop("API_THROTTLE_USER", None)
    os.environ.update({key: env[key] for key in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")})
    signal.signal(signal.SIGTERM, lambda signum, frame: (_ for _ in ()).throw(SystemExit(143)))

    redis_server = ThrowAwayRedis(args.redis_port)
    redis_server.start()
    recreate_database(args.postgres, args.database)
    server: Server | None = None
    log_path = Path(tempfile.mkstemp(prefix="redis_bench_gunicorn_", suffix=".log")[1])
    try:
        import django

        django.setup()
        import logging

        from django.contrib.auth.models import Group
        from django.core.management import call_command
        from rest_framework.authtoken.models import Token

        from accounts.models import User
        from accounts.roles import Role
        from integrations.services import api_key_create, integration_create

        for noisy in ("httpx", "httpcore"):  # the project's root logger is at INFO: one line per request
            logging.getLogger(noisy).setLevel(logging.WARNING)
        call_command("migrate", verbosity=0, stdout=io.StringIO())
        configure()
        scopes = ["tickets:write", "tickets:read"]
        roomy = integration_create(name="outage platform", scopes=scopes, rate_limit_per_minute=1_000_000)
        key_secret = api_key_create(integration=roomy, name="bench").secret
        fast = integration_create(name="2000/min platform", scopes=scopes, rate_limit_per_minute=2000)
        fast_secret = api_key_create(integration=fast, name="bench").secret
        staff = User.objects.create_user(username="staff-bench", password=uuid.uuid4().hex)
        staff.groups.add(Group.objects.get_or_create(name=Role.INTEGRATION)[0])
        staff_token = Token.objects.create(user=staff).key
        from django.db import connections

        connections.close_all()

        port = free_port()
        server = Server(port=port, workers=args.workers, env=env, log_path=log_path)
        server.wait_ready()
        base = f"http://127.0.0.1:{port}"
        payloads = []
        for payload in make_payloads(5000, random.Random(13), "outage"):
            payload["external_id"] = "__EXT__"
            payloads.append(encode(payload))

        if "outage" not in skip:
            load = Load(base, [("key", f"Bearer {key_secret}"), ("staff", f"Token {staff_token}")], payloads)
            threads = load.threads(args.concurrency)
            for thread in threads:
                thread.start()
            time.sleep(args.before)
            health = {"before": healthz(base)}
            if args.mode == "stop":
                redis_server.stop()
            else:
                sleeper = redis_server.hang(args.outage)
            load.phase = "outage"
            time.sleep(args.outage / 2)
            health["outage"] = healthz(base)
            time.sleep(args.outage / 2)
            if args.mode == "stop":
                redis_server.start()
            else:
                sleeper.wait()
            load.phase = "after"
            time.sleep(args.after)
            health["after"] = healthz(base)
            load.stop.set()
            for thread in threads:
                thread.join()
            print(
                f"(1) outage: {args.concurrency} clients creating tickets (half API key, half staff token); "
                f"Redis up {args.before:.0f} s, {'stopped' if args.mode == 'stop' else 'frozen'} {args.outage:.0f} s, "
                f"up again {args.after:.0f} s"
            )
            for phase in ("before", "outage", "after"):
                for who in ("key", "staff"):
                    row = {status: n for (p, w, status), n in load.counts.items() if p == phase and w == who}
                    total = sum(row.values())
                    statuses = ", ".join(f"{status}×{n}" for status, n in sorted(row.items()))
                    print(f"    {phase:<7} {who:<6} {total:>5} requests: {statuses}")
                ordered = sorted(load.latencies.get(phase, [0.0]))
                print(
                    f"    {phase:<7} latency: median {ordered[len(ordered) // 2] * 1000:.0f} ms, "
                    f"max {ordered[-1] * 1000:.0f} ms"
                )
                print(f"    {phase:<7} /healthz: {health[phase][:300]}")
            for status, text in load.examples.items():
                print(f"    e.g. {status}: {text}")

        if "staff" not in skip:
            statuses, seconds = burst(base, f"Token {staff_token}", args.burst, args.concurrency, LIST_ONE)
            print(
                f"(2) staff token, limit 1200/min: {args.burst} requests from {args.concurrency} threads in "
                f"{seconds:.1f} s: {dict(sorted(statuses.items()))}"
            )
        if "key" not in skip:
            statuses, seconds = burst(base, f"Bearer {fast_secret}", 2100, args.concurrency, LIST_ONE)
            print(
                f"(3) API key with its own limit 2000/min: 2100 requests from {args.concurrency} threads in "
                f"{seconds:.1f} s: {dict(sorted(statuses.items()))}"
            )
    finally:
        if server is not None:
            server.stop()
        redis_server.stop()
        print(f"server log: {log_path}", file=sys.stderr)


if __name__ == "__main__":
    main()
