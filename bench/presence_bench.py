"""Benchmark: presence fan-out with 200 connected agents, on the production shape (gunicorn + UvicornWorker, see
the Procfile; PostgreSQL; Redis for the cache, the broker and the live wake-ups).

Each agent has a signed-in session and keeps its live stream open (``/notifications/stream/``, the server-sent
events every page follows). One team, least-loaded auto-assignment, capacity 2, ``--waiting`` tickets waiting.

  (1) streams: all agents connect at once; time until every stream has its first event;
  (2) shift start: every agent goes online at the same moment (the top bar's POST); each POST runs the
      assignment after commit, and each assigned agent's stream must show "assigned to you": the POST latency
      (p50/p99) and the time until the last agent has seen their first ticket;
  (3) heartbeats: every agent's page beats at the same instant, ``--rounds`` times (the worst alignment of the
      30 s beat): latency p50/p99;
  (4) the team board with 200 agents (the fragment managers' pages poll every 5 s): median render time;
  (5) memory: resident size of the web workers with every stream open.

The web server reaches PostgreSQL through a PgBouncer of its own (transaction mode, 40 server connections,
``DB_POOLER=pgbouncer``), as the README's deployment section says: 200 requests at the same instant each hold a
database connection, and PostgreSQL's default limit is 100 (``--no-pgbouncer`` shows the 500s without it).

    .venv/bin/python bench/presence_bench.py            # --agents 200 --waiting 400 --workers 2 --rounds 5
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from api_bench import Server, free_port, recreate_database  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def summary(values: list[float]) -> str:
    return f"p50 {percentile(values, 0.5):.0f} ms, p99 {percentile(values, 0.99):.0f} ms, max {max(values):.0f} ms"


def rss_mb(master_pid: int) -> float:
    """Resident memory of the gunicorn master's children (the workers), from /proc."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(master_pid):
            total += int(fields.get("VmRSS", "0 kB").split()[0])
    return total / 1024


class PgBouncer:
    """A pgbouncer of our own on a free port, transaction pooling, trusting the local PostgreSQL's users."""

    def __init__(self, *, port: int, database: str, folder: Path):
        (folder / "users.txt").write_text('"postgres" ""\n')
        (folder / "pgbouncer.ini").write_text(
            f"""[databases]
{database} = host=127.0.0.1 port=5432 dbname={database}
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
auth_type = trust
auth_file = {folder / "users.txt"}
pool_mode = transaction
default_pool_size = 40
max_client_conn = 2000
ignore_startup_parameters = extra_float_digits,options
logfile = {folder / "pgbouncer.log"}
pidfile = {folder / "pgbouncer.pid"}
unix_socket_dir =
"""
        )
        command = ["pgbouncer", str(folder / "pgbouncer.ini")]
        if os.geteuid() == 0:  # pgbouncer refuses to run as root: run it as the postgres account
            folder.chmod(0o777)
            for name in ("users.txt", "pgbouncer.ini"):
                (folder / name).chmod(0o644)
            command = ["runuser", "-u", "postgres", "--", *command]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    return
            time.sleep(0.1)
        raise RuntimeError(f"pgbouncer did not start; see {folder / 'pgbouncer.log'}")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def populate(agents: int, waiting: int) -> tuple[list[dict[str, str]], dict[str, str]]:
    """The team, its agents (signed in: a session each) and a manager; returns their cookies."""
    from django.contrib.auth.models import Group
    from django.test import Client

    from accounts.models import User
    from accounts.roles import Role
    from customers.models import Customer
    from tickets.models import Team
    from tickets.services.intake import ticket_create
    from workforce.models import AgentProfile, TeamWorkSettings

    team = Team.objects.create(name="bench")
    TeamWorkSettings.objects.create(team=team, assignment_mode="least_loaded")
    agent_group = Group.objects.get_or_create(name=Role.AGENT)[0]
    users = [User.objects.create_user(username=f"agent{n:03d}", password=None) for n in range(agents)]
    agent_group.user_set.add(*users)
    team.members.add(*users)
    AgentProfile.objects.bulk_create(AgentProfile(user=user, capacity=2) for user in users)
    manager = User.objects.create_user(username="manager", password=None)
    manager.groups.add(Group.objects.get_or_create(name=Role.MANAGER)[0])
    team.managers.add(manager)
    buyer = Customer.objects.create(name="bench", platform="taobao", platform_account_id="bench")
    for n in range(waiting):
        ticket_create(kind="inquiry", subject=f"waiting {n}", customer=buyer, team=team, channel="api")

    def cookies(user: object) -> dict[str, str]:
        client = Client()
        client.force_login(user)  # type: ignore[arg-type]
        token = secrets.token_hex(16)  # any 32 characters: the CSRF cookie and header must only agree
        return {"sessionid": client.cookies["sessionid"].value, "csrftoken": token}

    return [cookies(user) for user in users], cookies(manager)


async def run(base: str, agents: list[dict[str, str]], manager: dict[str, str], rounds: int, master: int) -> None:
    import httpx

    limits = httpx.Limits(max_connections=len(agents) * 2 + 20, max_keepalive_connections=len(agents) * 2 + 20)
    timeout = httpx.Timeout(60.0)
    first_event: dict[int, float] = {}
    assigned_at: dict[int, float] = {}
    ready = asyncio.Event()

    async def follow(index: int, cookie: dict[str, str], client: httpx.AsyncClient) -> None:
        async with client.stream("GET", f"{base}/notifications/stream/", cookies=cookie) as response:
            async for line in response.aiter_lines():
                if not line.startswith("data: "):
                    continue
                payload = json.loads(line[6:])
                first_event.setdefault(index, time.perf_counter())
                if len(first_event) == len(agents):
                    ready.set()
                if any(item["verb"] == "assigned" for item in payload["items"]):
                    assigned_at.setdefault(index, time.perf_counter())

    async with httpx.AsyncClient(limits=limits, timeout=timeout) as client:
        started = time.perf_counter()
        streams = [asyncio.create_task(follow(n, cookie, client)) for n, cookie in enumerate(agents)]
        await asyncio.wait_for(ready.wait(), 60)
        print(f"(1) {len(agents)} streams open, each with its first event, in {(time.perf_counter() - started):.2f} s")

        async def post(path: str, cookie: dict[str, str], data: dict[str, str]) -> float:
            begun = time.perf_counter()
            response = await client.post(
                f"{base}{path}",
                data=data,
                cookies=cookie,
                headers={"X-CSRFToken": cookie["csrftoken"], "HX-Request": "true"},
            )
            response.raise_for_status()
            return (time.perf_counter() - begun) * 1000

        shift_start = time.perf_counter()
        latencies = await asyncio.gather(*(post("/work/presence/", cookie, {"status": "online"}) for cookie in agents))
        posted = time.perf_counter() - shift_start
        deadline = time.perf_counter() + 30
        while len(assigned_at) < len(agents) and time.perf_counter() < deadline:
            await asyncio.sleep(0.05)
        seen = [(moment - shift_start) * 1000 for moment in assigned_at.values()]
        print(
            f"(2) shift start, {len(agents)} agents online at once: POST {summary(list(latencies))}, all answered in "
            f"{posted:.2f} s; {len(seen)} of {len(agents)} streams showed their first ticket, the last "
            f"{max(seen) / 1000 if seen else float('nan'):.2f} s after the shift started ({summary(seen) if seen else '-'})"
        )
        beats: list[float] = []
        for _ in range(rounds):
            beats += await asyncio.gather(
                *(post("/work/presence/heartbeat/", cookie, {"idle_seconds": "3"}) for cookie in agents)
            )
        print(f"(3) heartbeats, {len(agents)} at the same instant × {rounds}: {summary(beats)}")
        print(f"(5) web workers' resident memory with {len(agents)} streams open: {rss_mb(master):.0f} MB")
        renders = []
        for _ in range(10):
            begun = time.perf_counter()
            response = await client.get(f"{base}/work/board/live/", cookies=manager)
            response.raise_for_status()
            renders.append((time.perf_counter() - begun) * 1000)
        print(
            f"(4) team board with {len(agents)} agents: {statistics.median(renders):.0f} ms per render (median of 10)"
        )
        for task in streams:
            task.cancel()
        await asyncio.gather(*streams, return_exceptions=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--waiting", type=int, default=400)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="helpdesk_presence_bench")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/11")
    parser.add_argument("--no-pgbouncer", action="store_true", help="the web server straight to PostgreSQL")
    args = parser.parse_args()
    if not args.no_pgbouncer and shutil.which("pgbouncer") is None:
        raise SystemExit("pgbouncer is needed (apt-get install pgbouncer), or pass --no-pgbouncer")
    env = {
        **os.environ,
        "DATABASE_URL": f"{args.postgres.rstrip('/')}/{args.database}",
        "REDIS_URL": args.redis,
        "DJANGO_DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "helpdesk.settings",
        "LOG_LEVEL": "WARNING",
        "NOTIFICATIONS_STREAM_SECONDS": "300",  # the streams stay open through the whole run
    }
    env.pop("CELERY_BROKER_URL", None)
    os.environ.update({key: env[key] for key in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")})
    signal.signal(signal.SIGTERM, lambda signum, frame: (_ for _ in ()).throw(SystemExit(143)))
    recreate_database(args.postgres, args.database)
    log_path = Path(tempfile.mkstemp(prefix="presence_bench_gunicorn_", suffix=".log")[1])
    server = None
    bouncer = None
    try:
        import logging

        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        for noisy in ("httpx", "httpcore"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
        call_command("migrate", verbosity=0, stdout=io.StringIO())
        agents, manager = populate(args.agents, args.waiting)
        connections.close_all()
        server_env = dict(env)
        if not args.no_pgbouncer:
            bouncer_port = free_port()
            bouncer = PgBouncer(
                port=bouncer_port, database=args.database, folder=Path(tempfile.mkdtemp(prefix="presence_bench_"))
            )
            server_env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:{bouncer_port}/{args.database}"
            server_env["DB_POOLER"] = "pgbouncer"
        port = free_port()
        server = Server(port=port, workers=args.workers, env=server_env, log_path=log_path)
        server.wait_ready()
        through = "PostgreSQL" if args.no_pgbouncer else "PgBouncer (transaction mode, 40) → PostgreSQL"
        print(f"{args.agents} agents, {args.waiting} waiting tickets, gunicorn × {args.workers}, {through}, Redis")
        asyncio.run(run(f"http://127.0.0.1:{port}", agents, manager, args.rounds, server.process.pid))
    finally:
        if server is not None:
            server.stop()
        if bouncer is not None:
            bouncer.stop()


if __name__ == "__main__":
    main()
