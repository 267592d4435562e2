"""Benchmark: ticket creation over the HTTP API, as a shop platform does it, on PostgreSQL.

Builds a fresh PostgreSQL database (dropped at the end), migrates it, adds teams and the office calendar, an
integration with an API key, then starts the web server as production runs it (gunicorn + UvicornWorker, see
the Procfile) and drives it from this process with concurrent clients. Every request carries a realistic
Chinese-platform payload: a buyer, an order with 2–3 lines, the buyer's message and the platform's message
id (``external_id``). Three scenarios, each over the same requests:

  (a) new tickets, each with its own Idempotency-Key                       → 201
  (b) the same requests retried with the same keys (stored reply replayed)  → 201 + Idempotent-Replayed
  (c) the platform syncs the same messages again (same external_id) with fresh keys → 200, no new ticket

Longer than the house's ~500 lines on purpose: one script a reader runs and reads top to bottom (server
start, payload generator, scenarios, report), with nothing shared that another module would reuse.

It also counts the SQL queries of one request of each kind in-process (test client). Redis database 13
(``--redis-url``) is the benchmark's own: it is flushed before and after.

    .venv/bin/python bench/api_bench.py --creates 1000 --concurrency 8 --workers 2
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform as host
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# --- realistic payloads ----------------------------------------------------------------------------------

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红娥玲芬燕彬鹏辉宇轩浩然子涵欣怡梓萱一诺"
PRODUCTS = [
    ("TS-COT-L-WHT", "纯棉圆领T恤 白色 L", "79.00"),
    ("TS-COT-XL-BLK", "纯棉圆领T恤 黑色 XL", "79.00"),
    ("EAR-BT-PRO", "蓝牙降噪耳机 Pro 曜石黑", "399.00"),
    ("EAR-BT-LITE", "蓝牙耳机 Lite 白色", "159.00"),
    ("CUP-VAC-500", "不锈钢保温杯 500ml 雾蓝", "59.90"),
    ("SHO-RUN-42", "轻便透气跑步鞋 42码", "269.00"),
    ("SHO-RUN-38", "轻便透气跑步鞋 38码 女款", "269.00"),
    ("BAG-CAN-01", "帆布托特包 米白", "45.00"),
    ("PHN-CASE-15", "手机壳 磨砂防摔 适用15系列", "29.90"),
    ("CHG-65W-GAN", "65W 氮化镓快充充电器", "129.00"),
    ("TEA-LJ-250", "明前龙井 250g 礼盒装", "188.00"),
    ("SNK-NUT-MIX", "每日坚果 30袋装", "99.00"),
    ("SKN-CRM-50", "保湿面霜 50g", "168.00"),
    ("HOM-PIL-2P", "记忆棉枕头 两只装", "139.00"),
    ("KIT-PAN-28", "不粘炒锅 28cm 带锅盖", "219.00"),
    ("TOY-BLK-500", "益智积木 500颗粒", "89.00"),
]
# kind, category, subject, message: the message names the order and a product the way buyers write.
MESSAGE_TEXT = """
inquiry shipping_urge | 什么时候发货？ | 亲，订单{order}下单{days}天了还没发货，{title}能今天发吗？着急用，麻烦催一下仓库。
inquiry order_query | 物流一直没更新 | 你好，订单{order}的物流信息两天没有更新了，{title}是不是卡在中转站了？帮忙查一下。
inquiry order_change | 想改收货地址 | 刚拍的订单{order}，收货地址填错了，能改成公司地址吗？{title}还没发货吧。
inquiry product_question | 请问尺码怎么选 | 请问{title}偏大还是偏小？我平时穿L，身高175体重70公斤，订单{order}要不要换码？
inquiry aftersales_question | 七天无理由怎么退 | 订单{order}里的{title}不太合适，支持七天无理由吗？运费谁出？
complaint product_quality | 收到的商品有质量问题 | 订单{order}收到的{title}有明显瑕疵，用了一次就坏了，太失望了，要求给个说法。
complaint logistics | 快递员态度差还没送上门 | 订单{order}显示已签收但我根本没收到{title}，快递也不接电话，请尽快处理！
complaint service_attitude | 客服不回消息 | 昨天问了订单{order}的问题，客服一直不回复，{title}到底还发不发？
aftersales return_refund | 申请退货退款 | 订单{order}的{title}和描述不符，颜色差别很大，申请退货退款，已拍照片。
aftersales exchange | 尺码不合适想换货 | 订单{order}的{title}小了一码，想换大一码，请问怎么寄回？
aftersales refund_only | 少发了一件，申请退款 | 订单{order}少发了{title}，包裹里只有一件，申请仅退款。
aftersales reship | 商品破损要求补发 | 订单{order}的{title}收到时外包装压坏了，里面也碎了，麻烦补发一个。
"""
MESSAGES = [
    (*line.split(" | ", 1)[0].split(), *line.split(" | ", 1)[1].split(" | "))
    for line in MESSAGE_TEXT.strip().splitlines()
]
PLATFORMS = ["taobao", "tmall", "pinduoduo", "douyin", "jd"]
PLATFORM_WEIGHTS = [35, 15, 25, 15, 10]
ACCOUNT_PREFIX = {"taobao": "tb", "tmall": "tm", "pinduoduo": "pdd", "douyin": "dy", "jd": "jd"}


def order_number(platform: str, randomness: random.Random, when: datetime) -> str:
    """Order numbers in each platform's own shape."""
    if platform in ("taobao", "tmall"):
        return str(randomness.randrange(10**18, 5 * 10**18))
    if platform == "pinduoduo":
        return f"{when:%y%m%d}-{randomness.randrange(10**14, 10**15)}"
    if platform == "douyin":
        return str(randomness.randrange(6 * 10**18, 7 * 10**18))
    return str(randomness.randrange(2 * 10**11, 3 * 10**11))  # JD


@dataclass
class Buyer:
    name: str
    platform: str
    account: str
    phone: str
    tier: str


def make_buyers(count: int, randomness: random.Random) -> list[Buyer]:
    buyers = []
    for n in range(count):
        platform = randomness.choices(PLATFORMS, PLATFORM_WEIGHTS)[0]
        name = randomness.choice(SURNAMES) + "".join(randomness.choice(GIVEN) for _ in range(randomness.choice((1, 2))))
        buyers.append(
            Buyer(
                name=name,
                platform=platform,
                account=f"{ACCOUNT_PREFIX[platform]}_{uuid.UUID(int=randomness.getrandbits(128)).hex[:10]}{n}",
                phone=f"1{randomness.choice('3456789')}{randomness.randrange(10**8, 10**9)}",
                tier=randomness.choices(["regular", "silver", "gold", "vip"], [70, 15, 10, 5])[0],
            )
        )
    return buyers


def make_payloads(count: int, randomness: random.Random, tag: str) -> list[dict[str, Any]]:
    """``count`` ticket creates; about a third come from buyers already seen (a second order, another question)."""
    buyers = make_buyers(max(1, count * 2 // 3), randomness)
    now = datetime.now(UTC)
    payloads = []
    for n in range(count):
        buyer = buyers[n] if n < len(buyers) else randomness.choice(buyers)
        kind, category, subject, template = randomness.choice(MESSAGES)
        paid_at = now - timedelta(days=randomness.randint(1, 12), minutes=randomness.randint(0, 1440))
        lines = []
        for sku, title, price in randomness.sample(PRODUCTS, randomness.choice((2, 2, 3))):
            lines.append(
                {"sku": sku, "title": title, "quantity": randomness.choice((1, 1, 1, 2, 3)), "unit_price": price}
            )
        total = sum(Decimal(line["unit_price"]) * line["quantity"] for line in lines)
        discount = Decimal(randomness.choice((0, 0, 5, 10, 20)))
        number = order_number(buyer.platform, randomness, paid_at)
        order: dict[str, Any] = {
            "order_number": number,
            "status": "paid" if category in ("shipping_urge", "order_change") else "delivered",
            "total_amount": str(total),
            "paid_amount": str(max(total - discount, Decimal("0.01"))),
            "paid_at": paid_at.isoformat(),
            "lines": lines,
        }
        if order["status"] == "delivered":
            order["shipped_at"] = (paid_at + timedelta(hours=randomness.randint(4, 36))).isoformat()
            order["delivered_at"] = (paid_at + timedelta(hours=randomness.randint(40, 96))).isoformat()
        customer = {"name": buyer.name, "platform": buyer.platform, "platform_account_id": buyer.account}
        if randomness.random() < 0.6:  # not every platform shares the phone number
            customer["phone"] = buyer.phone
        if buyer.tier != "regular":
            customer["tier"] = buyer.tier
        payloads.append(
            {
                "kind": kind,
                "category": category,
                "subject": subject,
                "description": template.format(order=number, title=lines[0]["title"], days=randomness.randint(2, 5)),
                "channel": "api",
                "priority": randomness.choices(["normal", "high", "urgent"], [85, 12, 3])[0],
                "customer": customer,
                "order": order,
                "received_at": (now - timedelta(seconds=randomness.randint(5, 600))).isoformat(),
                "external_id": f"{buyer.platform}-msg-{tag}-{n:07d}",
            }
        )
    return payloads


# --- database and server -----------------------------------------------------------------------------------


def admin_connection(base_url: str) -> Any:
    import psycopg

    return psycopg.connect(f"{base_url.rstrip('/')}/postgres", autocommit=True)


def recreate_database(base_url: str, name: str) -> str:
    from psycopg import sql

    with admin_connection(base_url) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return str(conn.execute("SHOW server_version").fetchone()[0])


def database_sessions(base_url: str, name: str) -> int:
    """Sessions (connections) ever opened on the database, from PostgreSQL's statistics."""
    with admin_connection(base_url) as conn:
        row = conn.execute("SELECT sessions FROM pg_stat_database WHERE datname = %s", [name]).fetchone()
        return int(row[0] or 0) if row else 0


def drop_database(base_url: str, name: str) -> None:
    from psycopg import sql

    with admin_connection(base_url) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def configure() -> None:
    """What a real installation has: a team per kind, the after-sales team on office hours with the 2026
    holidays (the default 10 min / 24 h SLA policy comes with the migrations)."""
    from datetime import time as clock

    from tickets.models import BusinessCalendar, Team, WorkingHours
    from tickets.services.calendars import CHINA_HOLIDAYS_FILE, calendar_import_days

    calendar = BusinessCalendar.objects.create(name="中国大陆办公时间 China office hours")
    WorkingHours.objects.bulk_create(
        WorkingHours(calendar=calendar, weekday=weekday, start=start, end=end)
        for weekday in range(5)
        for start, end in ((clock(9), clock(12)), (clock(13, 30), clock(18)))
    )
    calendar_import_days(calendar=calendar, text=CHINA_HOLIDAYS_FILE.read_text(encoding="utf-8"))
    Team.objects.create(name="售前 Pre-sales", default_for_kind="inquiry")
    Team.objects.create(name="售后 After-sales", default_for_kind="aftersales", calendar=calendar)
    Team.objects.create(name="投诉 Complaints", default_for_kind="complaint")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """gunicorn with the Procfile's options, in its own process group so it can be stopped whole."""

    def __init__(self, *, port: int, workers: int, env: dict[str, str], log_path: Path):
        self.port = port
        self.log_path = log_path
        self.log = log_path.open("wb")
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),  # the venv this script runs in
                "helpdesk.asgi:application",
                "--worker-class",
                "uvicorn_worker.UvicornWorker",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--access-logfile",
                "-",
                "--timeout",
                "60",
                "--graceful-timeout",
                "10",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 60.0) -> None:
        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see {self.log_path}")
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn not ready after {timeout:.0f}s; see {self.log_path}")

    def stop(self) -> None:
        pid = self.process.pid
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # graceful: the master stops its workers
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(pid, signal.SIGKILL)  # anything of ours left in the group (our pid is its id)
        except (ProcessLookupError, PermissionError):
            pass
        if self.process.poll() is None:
            self.process.wait(timeout=5)
        self.log.close()


# --- load ----------------------------------------------------------------------------------------------------


@dataclass
class Request:
    body: bytes
    idempotency_key: str


@dataclass
class Outcome:
    label: str
    expected_status: int
    expect_replayed: bool
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    unexpected: list[str] = field(default_factory=list)
    wall: float = 0.0
    client_cpu: float = 0.0
    machine_busy: float = 0.0
    peak_connections: int = 0


class ConnectionSampler:
    """The most connections the benchmark database had open at once, sampled four times a second."""

    def __init__(self, base_url: str, name: str):
        self.base_url, self.name = base_url, name
        self.peak = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        with admin_connection(self.base_url) as conn:
            while not self.stop.wait(0.25):
                row = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [self.name]).fetchone()
                self.peak = max(self.peak, int(row[0]))

    def __enter__(self) -> ConnectionSampler:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()


def drive(base: str, secret: str, requests: list[Request], concurrency: int, outcome: Outcome) -> Outcome:
    """``concurrency`` threads, each with its own keep-alive connection, take the next request until none is left."""
    import resource

    import httpx

    lock = threading.Lock()
    position = iter(range(len(requests)))
    url = f"{base}/api/v1/tickets/"

    stop = threading.Event()

    def failed(message: str) -> None:
        with lock:
            if len(outcome.unexpected) < 5:
                outcome.unexpected.append(message)
            outcome.statuses[-1] = outcome.statuses.get(-1, 0) + 1

    def client_loop() -> None:
        latencies: list[float] = []
        statuses: dict[int, int] = {}
        with httpx.Client(timeout=60, headers={"Authorization": f"Bearer {secret}"}) as client:
            while not stop.is_set():
                with lock:
                    n = next(position, None)
                if n is None:
                    break
                request = requests[n]
                started = time.perf_counter()
                try:
                    response = client.post(
                        url,
                        content=request.body,
                        headers={"Content-Type": "application/json", "Idempotency-Key": request.idempotency_key},
                    )
                except httpx.HTTPError as exc:
                    failed(f"{type(exc).__name__}: {exc}")
                    continue
                latencies.append(time.perf_counter() - started)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                replayed = response.headers.get("Idempotent-Replayed") == "true"
                if response.status_code != outcome.expected_status or replayed != outcome.expect_replayed:
                    failed(f"{response.status_code} replayed={replayed}: {response.text[:300]}")
        with lock:
            outcome.latencies.extend(latencies)
            for status, count in statuses.items():
                outcome.statuses[status] = outcome.statuses.get(status, 0) + count

    threads = [threading.Thread(target=client_loop, daemon=True) for _ in range(concurrency)]
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = cpu_times()
    started = time.perf_counter()
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    except BaseException:  # interrupted: let the clients finish their request in flight and stop
        stop.set()
        raise
    outcome.wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    outcome.client_cpu = after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime
    cpu_after = cpu_times()
    total = cpu_after[0] - cpu_before[0]
    outcome.machine_busy = 1 - (cpu_after[1] - cpu_before[1]) / total if total else 0.0
    return outcome


def cpu_times() -> tuple[int, int]:
    """(all, idle) jiffies of the whole machine, from /proc/stat; (0, 0) where there is none."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return 0, 0
    return sum(values[:8]), values[3] + values[4]  # idle + iowait


def percentile(ordered: list[float], fraction: float) -> float:
    """Nearest rank."""
    rank = max(1, min(len(ordered), int(-(-fraction * len(ordered) // 1))))
    return ordered[rank - 1]


def encode(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


# --- queries per request (in-process) -------------------------------------------------------------------------


def count_queries(secret: str, payloads: list[dict[str, Any]]) -> dict[str, list[int]]:
    """SQL queries of one request of each scenario through Django's test client, after a few warm-up creates."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    warm, measured = payloads[:3], payloads[3:]

    def post(payload: dict[str, Any], key: str, expected: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                "/api/v1/tickets/", data=encode(payload), content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
            )
        if response.status_code != expected:
            raise RuntimeError(f"in-process request: {response.status_code} {response.content[:300]!r}")
        return len(queries)

    for payload in warm:
        post(payload, str(uuid.uuid4()), 201)
    counts: dict[str, list[int]] = {"a": [], "b": [], "c": []}
    for payload in measured:
        key = str(uuid.uuid4())
        counts["a"].append(post(payload, key, 201))
        counts["b"].append(post(payload, key, 201))
        counts["c"].append(post(payload, str(uuid.uuid4()), 200))
    connection.close()
    return counts


# --- main ----------------------------------------------------------------------------------------------------


def _terminate(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)  # run the finally blocks: stop the server, drop the database


def machine_facts(pg_version: str, redis_url: str) -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import django
    import redis

    redis_version = redis.Redis.from_url(redis_url).info("server").get("redis_version", "?")
    return (
        f"machine: {os.cpu_count()} cores{f' ({model})' if model else ''}, {host.system()} {host.release()}, "
        f"load average {os.getloadavg()[0]:.2f} at start; "
        f"PostgreSQL {pg_version}, Redis {redis_version}, Python {host.python_version()}, Django {django.get_version()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--creates", type=int, default=1000, help="tickets created (and as many replays, re-syncs)")
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent clients")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--warmup", type=int, default=100, help="unmeasured creates first (both workers warm)")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432", help="server, no database")
    parser.add_argument("--database", default="helpdesk_apibench", help="created here and dropped at the end")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13", help="flushed before and after")
    parser.add_argument("--port", type=int, default=0, help="0: any free port")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--conn-max-age",
        type=int,
        help="override the server's CONN_MAX_AGE (default: as configured in helpdesk.settings), to compare",
    )
    parser.add_argument("--no-query-count", action="store_true", help="skip the in-process query count")
    args = parser.parse_args()

    signal.signal(signal.SIGTERM, _terminate)
    database_url = f"{args.postgres.rstrip('/')}/{args.database}"
    server_env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": args.redis_url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "helpdesk.settings",
        # The per-user limit (default 1200/min) also counts the integration's service account.
        "API_THROTTLE_USER": "100000000/min",
    }
    server_env.pop("CELERY_BROKER_URL", None)
    override_dir = None
    if args.conn_max_age is not None:  # a settings module of our own, in a temporary directory
        override_dir = tempfile.TemporaryDirectory(prefix="api_bench_settings_")
        Path(override_dir.name, "api_bench_settings.py").write_text(
            f'from helpdesk.settings import *  # noqa: F403\nDATABASES["default"]["CONN_MAX_AGE"] = {args.conn_max_age}\n'
        )
        server_env["DJANGO_SETTINGS_MODULE"] = "api_bench_settings"
        server_env["PYTHONPATH"] = os.pathsep.join([override_dir.name, str(ROOT)])
    os.environ.update(
        {key: server_env[key] for key in ("DATABASE_URL", "REDIS_URL", "DJANGO_DEBUG", "API_THROTTLE_USER")}
    )
    os.environ["DJANGO_SETTINGS_MODULE"] = "helpdesk.settings"
    os.environ.pop("CELERY_BROKER_URL", None)

    import warnings

    import httpx  # noqa: F401 - fail early if missing

    # WhiteNoise in this process (the in-process query count) warns that collectstatic never ran; irrelevant here.
    warnings.filterwarnings("ignore", message="No directory at")
    import redis

    randomness = random.Random(args.seed)
    warmup_payloads = make_payloads(args.warmup + (0 if args.no_query_count else 8), randomness, "warm")
    payloads = make_payloads(args.creates, randomness, "run")
    bodies = [encode(payload) for payload in payloads]

    cache = redis.Redis.from_url(args.redis_url)
    cache.flushdb()
    pg_version = recreate_database(args.postgres, args.database)
    server: Server | None = None
    log_path = Path(tempfile.mkstemp(prefix="api_bench_gunicorn_", suffix=".log")[1])
    failed = True
    try:
        import django

        django.setup()
        import logging

        from django.core.management import call_command

        for noisy in ("httpx", "httpcore"):  # the project's root logger is at INFO: one line per request
            logging.getLogger(noisy).setLevel(logging.WARNING)

        from integrations.services import api_key_create, integration_create

        started = time.perf_counter()
        call_command("migrate", verbosity=0, stdout=io.StringIO())
        configure()
        integration = integration_create(
            name="压测平台 bench platform",
            scopes=["tickets:write", "tickets:read"],
            rate_limit_per_minute=2_000_000_000,
        )
        secret = api_key_create(integration=integration, name="bench").secret
        print(f"database {args.database} migrated and configured in {time.perf_counter() - started:.1f}s")
        print(machine_facts(pg_version, args.redis_url))

        queries = None if args.no_query_count else count_queries(secret, warmup_payloads[-8:])
        from django.db import connection

        connection.close()

        port = args.port or free_port()
        server = Server(port=port, workers=args.workers, env=server_env, log_path=log_path)
        server.wait_ready()
        base = f"http://127.0.0.1:{port}"
        warm = [Request(encode(p), str(uuid.uuid4())) for p in warmup_payloads[: args.warmup]]
        drive(base, secret, warm, args.concurrency, Outcome("warm-up", 201, False))

        sessions_before = database_sessions(args.postgres, args.database)
        new = [Request(body, str(uuid.uuid4())) for body in bodies]
        resync = [Request(body, str(uuid.uuid4())) for body in bodies]
        outcomes = []
        for requests, outcome in (
            (new, Outcome("(a) new ticket, own Idempotency-Key", 201, False)),
            (new, Outcome("(b) retry, same key: replayed", 201, True)),
            (resync, Outcome("(c) re-sync, same external_id, new key", 200, False)),
        ):
            with ConnectionSampler(args.postgres, args.database) as sampler:
                outcomes.append(drive(base, secret, requests, args.concurrency, outcome))
            outcome.peak_connections = sampler.peak

        time.sleep(1.0)  # session statistics reach the shared counters within a second
        sessions = database_sessions(args.postgres, args.database) - sessions_before
        from integrations.models import IdempotencyRecord
        from tickets.models import Ticket

        tickets = Ticket.objects.count()
        expected_tickets = args.warmup + args.creates + (0 if args.no_query_count else 8)
        records = IdempotencyRecord.objects.count()
        connection.close()

        size = statistics.mean(len(body) for body in bodies)
        from django.conf import settings

        configured = settings.DATABASES["default"]["CONN_MAX_AGE"]
        conn_max_age = (
            f"{configured} (as configured)" if args.conn_max_age is None else f"{args.conn_max_age} (override)"
        )
        print(
            f"server: gunicorn helpdesk.asgi:application, UvicornWorker × {args.workers}, DEBUG off, PostgreSQL + "
            f"Redis, CONN_MAX_AGE {conn_max_age}; client: {args.concurrency} threads (httpx, keep-alive) on the "
            f"same machine"
        )
        print(
            f"payload: customer + order with 2–3 lines + the buyer's message, {size:.0f} bytes on average; "
            f"{args.creates} requests per scenario after {args.warmup} warm-up creates"
        )
        print()
        print(
            f"{'scenario':<42} {'status':>16} {'req/s':>6} {'p50 ms':>7} {'p90 ms':>7} {'p99 ms':>7} {'max ms':>7}"
            f" {'PG conns':>8} {'client CPU':>10} {'machine busy':>12}"
        )
        for outcome in outcomes:
            ordered = sorted(outcome.latencies)
            statuses = ",".join(f"{status}×{count}" for status, count in sorted(outcome.statuses.items()) if status > 0)
            print(
                f"{outcome.label:<42} {statuses:>16} {len(ordered) / outcome.wall:>6.1f} "
                + " ".join(f"{percentile(ordered, q) * 1000:>7.1f}" for q in (0.5, 0.9, 0.99, 1.0))
                + f" {outcome.peak_connections:>8}"
                + f" {outcome.client_cpu / outcome.wall * 100:>9.0f}% {outcome.machine_busy * 100:>11.0f}%"
            )
        if queries:

            def spread(values: list[int]) -> str:
                return str(values[0]) if min(values) == max(values) else f"{min(values)}–{max(values)}"

            print(
                f"SQL queries per request (in-process, test client, {len(queries['a'])} of each): "
                f"(a) {spread(queries['a'])}, (b) {spread(queries['b'])}, (c) {spread(queries['c'])}"
            )
        total_requests = sum(len(outcome.latencies) for outcome in outcomes)
        print(
            f"PostgreSQL sessions opened by the server during the {total_requests} requests: {sessions} "
            f"({sessions / total_requests:.2f} per request)"
        )
        print(
            f"PG conns: peak connections open on the benchmark database; client CPU: this process, % of one core; "
            f"machine busy: all cores, everything running (load average "
            f"{os.getloadavg()[0]:.2f} at the end)"
        )
        print(f"check: {tickets} tickets in the database (expected {expected_tickets}), {records} idempotency records")
        bad = [outcome for outcome in outcomes if outcome.statuses.get(-1)]
        for outcome in bad:
            print(
                f"UNEXPECTED in {outcome.label}: {outcome.statuses[-1]} responses, e.g.:",
                *outcome.unexpected,
                sep="\n  ",
            )
        if bad or tickets != expected_tickets:
            raise SystemExit(1)
        failed = False
    finally:
        if server is not None:
            server.stop()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001 - Django may not be set up yet
            pass
        drop_database(args.postgres, args.database)
        cache.flushdb()
        if override_dir is not None:
            override_dir.cleanup()
        if failed:
            print(f"server log kept: {log_path}", file=sys.stderr)
        else:
            log_path.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
