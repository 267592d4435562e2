"""Probe: what abusive input does to the running helpdesk, counted from outside (issue 13, "no 500 under
abusive input").

It DROPS and re-creates the database named by ``DATABASE_URL``, migrates it, seeds the demo data (``seed_demo``) and adds
what the demo lacks (an offer, a follow-up call, a webhook endpoint with a delivery, a notification, a spare API
key), then starts the web server as production runs it (gunicorn + UvicornWorker, the Procfile's command) and
sends, over HTTP only:

  schema     16 simultaneous GETs of /api/v1/schema/, first thing after the server started
  deep       a 50,000-deep JSON array as the body of every POST / PATCH / PUT operation
  surrogate  "\\ud800" (JSON-escaped) in every string field of every JSON body, one field at a time; and its
             UTF-8-with-surrogates bytes (%ED%A0%80) in every query parameter of every GET operation
  nul        "\\u0000" the same way (PostgreSQL cannot store it either)
  cursor     forged cursors (bad positions, out-of-range numbers, dates, NUL) on every list with ``cursor``
  digits     "²" (a digit to ``str.isdigit``, not to ``int``) in every integer query parameter, and in the
             browser's integer fields (reports' team, the bell's after and id, unlink's back, after-sales order)
  long       10 MB of text as a ticket's subject or description, a complaint's description, a note (API), and
             a ticket's description in the browser's form; and a 20 MB JSON body: counted when *accepted*.
             Also lists the free-text fields of JSON bodies that declare no maxLength in the schema.

Every operation and parameter comes from the OpenAPI document the server serves, so a new endpoint is probed
without editing this file. It prints the number of 5xx answers per category (and the long-text acceptances),
then each failing request. ``--app-dir`` runs the server from another checkout (e.g. an export of the commit
before a fix) while this process seeds the database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/helpdesk_abuse REDIS_URL=redis://127.0.0.1:6379/12 \\
        .venv/bin/python bench/abuse_probe.py
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEEP = 50_000
TEN_MB = 10 * 1024 * 1024
SURROGATE_QUERY = "%ED%A0%80"
JSON = {"Content-Type": "application/json"}  # "\ud800" encoded as UTF-8 with surrogatepass: what a fuzzer sends


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def recreate_database(url: str) -> None:
    """Drop and create the database (the data migrations' rows come back with ``migrate``)."""
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def seed() -> dict[str, Any]:
    """Fresh data; returns the ids and credentials the probe needs."""
    recreate_database(os.environ["DATABASE_URL"])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from accounts.models import User
    from aftersales.models import AfterSalesRequest, Approval, Evidence, Offer
    from complaints.models import Complaint, FollowUp
    from customers.models import Customer, Order
    from integrations import services as integration_services
    from integrations.models import Integration
    from notifications.models import Notification
    from tests.factories import make_ticket
    from tickets.models import Ticket
    from webhooks.models import WebhookDelivery
    from webhooks.services.endpoints import webhook_endpoint_create, webhook_endpoint_ping

    call_command("migrate", verbosity=0, stdout=io.StringIO())
    call_command("seed_demo", "--no-logins", stdout=io.StringIO())
    admin = User.objects.get(username="admin")
    request = AfterSalesRequest.objects.order_by("id").first()
    assert request is not None
    offer = Offer.objects.create(request=request, resolution="partial_refund", amount=Decimal("1.00"))
    complaint = Complaint.objects.order_by("-ticket_id").first()
    assert complaint is not None
    follow_up = FollowUp.objects.filter(done_at__isnull=True).first() or FollowUp.objects.create(
        complaint=complaint, due_at=timezone.now()
    )
    integration = Integration.objects.order_by("id").first()
    assert integration is not None
    spare = integration_services.api_key_create(integration=integration, name="probe spare")
    endpoint = webhook_endpoint_create(
        integration=integration, url="https://example.com/hook", events=["ticket.created"]
    )
    webhook_endpoint_ping(endpoint=endpoint)
    Notification.objects.create(recipient=admin, verb="probe", message="probe")
    customer = Customer.objects.order_by("id").first()
    assert customer is not None
    aftersales_ticket = request.ticket
    # The browser's "new after-sales request" page reads ?order= only for a ticket without a request yet.
    bare_ticket = Ticket.objects.filter(kind="aftersales").exclude(
        pk__in=AfterSalesRequest.objects.values("ticket_id")
    ).first() or make_ticket(kind="aftersales", category="return_refund")
    approval = Approval.objects.order_by("id").first()
    evidence = Evidence.objects.order_by("id").first()
    # One path segment (after /api/v1/) names the kind of row an {id} stands for.
    ids = {
        "tickets": aftersales_ticket.pk,
        "complaints": complaint.ticket_id,
        "follow-ups": follow_up.pk,
        "requests": request.pk,
        "offers": offer.pk,
        "approvals": approval.pk if approval else 1,
        "evidence": evidence.pk if evidence else 1,
        "customers": customer.pk,
        "orders": Order.objects.order_by("id").values_list("id", flat=True).first(),
        "integrations": integration.pk,
        "api-keys": spare.api_key.pk,
        "endpoints": endpoint.pk,
        "deliveries": WebhookDelivery.objects.order_by("id").values_list("id", flat=True).first(),
    }
    token = Token.objects.get_or_create(user=admin)[0].key
    return {
        "ids": ids,
        "token": token,
        "ticket": bare_ticket.pk,
        "customer": customer.pk,
        "notification": Notification.objects.filter(recipient=admin).values_list("id", flat=True).first(),
    }


class Server:
    """gunicorn with the Procfile's options, in its own process group."""

    def __init__(self, *, app_dir: Path, port: int, log_path: Path):
        env = {
            **os.environ,
            "DJANGO_DEBUG": "0",
            "API_THROTTLE_USER": "1000000/min",
            "API_THROTTLE_ANON": "1000000/min",
            "HELPDESK_VAR_DIR": tempfile.mkdtemp(prefix="abuse_probe_var_"),
            "PYTHONPATH": str(app_dir),
        }
        self.port = port
        self.log_path = log_path
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "helpdesk.asgi:application",
                "--worker-class",
                "uvicorn_worker.UvicornWorker",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--timeout",
                "120",
            ],
            cwd=app_dir,
            env=env,
            stdout=log_path.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log_path}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn not ready; see {self.log_path}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


class Probe:
    def __init__(self, base: str, token: str, ids: dict[str, int]):
        import httpx

        self.base = base
        self.ids = ids
        self.api = httpx.Client(base_url=base, headers={"Authorization": f"Token {token}"}, timeout=120)
        self.results: dict[str, Counter[str]] = defaultdict(Counter)
        self.failures: list[str] = []
        self.answers: list[str] = []
        self.accepted_long: list[str] = []
        self.unbounded: list[str] = []

    def record(self, category: str, label: str, status: int) -> None:
        bucket = "5xx" if status >= 500 else f"{status // 100}xx"
        self.answers.append(f"{category:9} {status} {label}")
        self.results[category][bucket] += 1
        if status >= 500:
            self.failures.append(f"{category:9} {status} {label}")

    def path(self, template: str) -> str:
        segments = template.split("/")
        for index, segment in enumerate(segments):
            if segment == "{id}":
                segments[index] = str(self.ids.get(segments[index - 1], 1))
            elif segment == "{name}":
                segments[index] = "tickets"
        return "/".join(segments)

    def send(self, category: str, method: str, template: str, **kwargs: Any) -> int:
        path = self.path(template)
        try:
            response = self.api.request(method, path, **kwargs)
            if path.startswith("/api/v1/reports/"):
                response.read()
            status = response.status_code
        except Exception as error:  # noqa: BLE001 - a dropped connection counts as a server error here
            status = 599
            kwargs = {"error": repr(error)[:80]}
        label = f"{method} {path} {str(kwargs.get('params') or kwargs.get('error') or '')[:120]}"
        self.record(category, label, status)
        return status


def string_fields(schema: dict[str, Any], components: dict[str, Any], prefix: tuple[str, ...] = ()) -> list[Any]:
    """(path, property schema) for every string property, nested objects and lists of objects included."""
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    for combined in ("allOf", "oneOf", "anyOf"):
        if combined in schema:
            return [f for part in schema[combined] for f in string_fields(part, components, prefix)]
    found: list[Any] = []
    for name, prop in schema.get("properties", {}).items():
        if "$ref" in prop:
            prop = components[prop["$ref"].rsplit("/", 1)[1]]
        if prop.get("readOnly"):
            continue
        if prop.get("type") == "object" or "properties" in prop or "allOf" in prop or "oneOf" in prop:
            found += string_fields(prop, components, (*prefix, name))
        elif prop.get("type") == "array" and prop.get("items"):
            items = prop["items"]
            if "$ref" in items or items.get("type") == "object":
                found += string_fields(items, components, (*prefix, name, "[]"))
            elif items.get("type") == "string" or "enum" in items:
                found.append(((*prefix, name, "[]"), items))
        elif prop.get("type") == "string" or "enum" in prop:
            if prop.get("format") == "binary":
                continue
            found.append(((*prefix, name), prop))
    return found


def body_with(path: tuple[str, ...], value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if head == "[]":
        return [body_with(rest, value)]
    return {head: body_with(rest, value)}


def forged_cursors() -> list[str]:
    raw = [
        "p=abc",
        "p=%C2%B2",
        "p=99999999999999999999999999",
        "p=-99999999999999999999999999",
        "p=%00",
        "p=2024-13-45",
        "p=9999-12-31T23:59:59-14:00",
        "r=1&p=abc",
        "o=99999999999999999999999999",
        "o=-1&p=1",
    ]
    return [base64.b64encode(text.encode()).decode() for text in raw] + ["!!not base64!!", "cD1hYmM"]


def run(args: argparse.Namespace) -> int:
    fixtures = seed()
    port = free_port()
    log_path = Path(tempfile.mkstemp(prefix="abuse_probe_gunicorn_", suffix=".log")[1])
    server = Server(app_dir=Path(args.app_dir).resolve(), port=port, log_path=log_path)
    try:
        server.wait_ready()
        base = f"http://127.0.0.1:{port}"
        probe = Probe(base, fixtures["token"], fixtures["ids"])
        schema_race(probe, base)
        document = probe.api.get("/api/v1/schema/?format=json", headers={"Accept-Language": "en"}).json()
        components = document["components"]["schemas"]
        operations = [
            (path, method.upper(), operation)
            for path, item in document["paths"].items()
            for method, operation in item.items()
            if method in {"get", "post", "put", "patch", "delete"}
        ]
        deep = ("[" * DEEP + "]" * DEEP).encode()
        for path, method, operation in operations:
            content = operation.get("requestBody", {}).get("content", {})
            if method in {"POST", "PATCH", "PUT"}:
                # With an Idempotency-Key, as a careful client sends: the key's fingerprint reads the body too.
                headers = {"Content-Type": "application/json", "Idempotency-Key": str(uuid.uuid4())}
                probe.send("deep", method, path, content=deep, headers=headers)
            body_schema = content.get("application/json", {}).get("schema")
            if body_schema:
                for field, prop in string_fields(body_schema, components):
                    for category, value in (("surrogate", "\ud800"), ("nul", "\x00")):
                        probe.send(
                            category,
                            method,
                            path,
                            content=json.dumps(body_with(field, value)).encode(),
                            headers={"Content-Type": "application/json"},
                        )
                    if "enum" not in prop and "maxLength" not in prop and prop.get("format") in (None, "uri"):
                        probe.unbounded.append(f"{method} {path} {'.'.join(field)}")
            if method == "GET":
                for parameter in operation.get("parameters", []):
                    if parameter["in"] != "query":
                        continue
                    name = parameter["name"]
                    url = f"{probe.path(path)}?{quote(name)}="
                    probe.send("surrogate", "GET", f"{url}{SURROGATE_QUERY}")
                    probe.send("nul", "GET", f"{url}%00")
                    if parameter.get("schema", {}).get("type") in {"integer", "number"}:
                        probe.send("digits", "GET", f"{url}%C2%B2")
                    if name == "cursor":
                        for cursor in forged_cursors():
                            probe.send("cursor", "GET", path, params={"cursor": cursor})
                            probe.send("cursor", "GET", path, params={"cursor": cursor, "ordering": "updated_at"})
        long_texts(probe)
        browser_digits(probe, base, fixtures)
        browser_long_text(probe, base)
    finally:
        server.stop()
    print(f"server log: {log_path}")
    categories = ["schema", "deep", "surrogate", "nul", "cursor", "digits", "long"]
    total = 0
    for category in categories:
        counts = probe.results.get(category, Counter())
        total += counts["5xx"]
        spread = ", ".join(f"{bucket} {n}" for bucket, n in sorted(counts.items()))
        print(f"{category:10} requests {sum(counts.values()):4}   5xx {counts['5xx']:4}   ({spread})")
    print(f"server errors (5xx): {total}")
    print(f"long or oversized values accepted (2xx): {len(probe.accepted_long)}")
    for line in probe.accepted_long:
        print(f"  accepted  {line}")
    print(f"free-text fields of JSON bodies without maxLength in the schema: {len(probe.unbounded)}")
    for line in probe.unbounded:
        print(f"  unbounded {line}")
    for line in probe.failures:
        print(f"  {line}")
    for line in probe.answers:
        if line.split(" ", 1)[0] in args.show:
            print(f"  answer    {line}")
    return 1 if total else 0


CUSTOMER = {"name": "probe", "platform": "taobao", "platform_account_id": "probe-account"}


def long_texts(probe: Probe) -> None:
    """10 MB of free text where a buyer's words go, in otherwise valid requests; and a 20 MB body."""
    ten_mb = "x" * TEN_MB
    cases = [
        ("POST", "/api/v1/tickets/", {"kind": "inquiry", "subject": "s", "description": ten_mb, "customer": CUSTOMER}),
        ("POST", "/api/v1/tickets/", {"kind": "inquiry", "subject": ten_mb, "customer": CUSTOMER}),
        ("POST", "/api/v1/complaints/", {"subject": "s", "description": ten_mb, "customer": CUSTOMER}),
        ("POST", "/api/v1/tickets/{id}/notes/", {"body": ten_mb}),
        ("POST", "/api/v1/tickets/{id}/notes/", {"body": "x", "padding": "x" * 2 * TEN_MB}),
    ]
    for method, path, body in cases:
        status = probe.send("long", method, path, content=json.dumps(body).encode(), headers=JSON)
        if 200 <= status < 300:
            probe.accepted_long.append(f"{method} {path} {sorted(body)}")


def schema_race(probe: Probe, base: str) -> None:
    import httpx

    barrier = threading.Barrier(16)
    statuses: list[int] = []

    def fetch() -> None:
        with httpx.Client(base_url=base, timeout=120) as client:
            barrier.wait()
            statuses.append(client.get("/api/v1/schema/?format=json").status_code)

    threads = [threading.Thread(target=fetch) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for status in statuses:
        probe.record("schema", "GET /api/v1/schema/ (16 at once after start)", status)


def logged_in_browser(base: str) -> Any:
    import httpx

    browser = httpx.Client(base_url=base, timeout=120, follow_redirects=False)
    browser.get("/login/")
    token = browser.cookies.get("csrftoken", "")
    browser.post(
        "/login/",
        data={"username": "admin", "password": "helpdesk-demo", "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/login/"},
    )
    return browser


def browser_digits(probe: Probe, base: str, fixtures: dict[str, Any]) -> None:
    """The browser's integer inputs, as the logged-in admin (session and CSRF token like a browser)."""

    browser = logged_in_browser(base)
    token = browser.cookies.get("csrftoken", "")
    post_headers = {"X-CSRFToken": token, "Referer": f"{base}/"}
    cases: list[tuple[str, str, dict[str, Any]]] = [
        ("GET", "/reports/?team=%C2%B2", {}),
        ("GET", "/reports/tickets.csv?team=%C2%B2", {}),
        ("GET", "/reports/section/volume/?team=%C2%B2", {}),
        ("GET", "/notifications/summary/?after=%C2%B2", {}),
        ("GET", "/notifications/stream/?after=%C2%B2", {"headers": {"Last-Event-ID": "²".encode()}}),
        ("POST", "/notifications/read/", {"data": {"id": "²"}, "headers": post_headers}),
        ("POST", f"/customers/{fixtures['customer']}/unlink/", {"data": {"back": "²"}, "headers": post_headers}),
        ("GET", f"/aftersales/tickets/{fixtures['ticket']}/new/?order=%C2%B2", {}),
        ("POST", f"/aftersales/tickets/{fixtures['ticket']}/new/", {"data": {"order": "²"}, "headers": post_headers}),
    ]
    for method, path, kwargs in cases:
        try:
            if path.startswith("/notifications/stream/"):
                with browser.stream(method, path, **kwargs) as response:
                    status = response.status_code
            else:
                status = browser.request(method, path, **kwargs).status_code
        except Exception as error:  # noqa: BLE001 - a dropped connection counts as a server error here
            status, path = 599, f"{path} {error!r:.80}"
        probe.record("digits", f"{method} {path} (browser)", status)


def browser_long_text(probe: Probe, base: str) -> None:
    """The browser's new-ticket form with a 10 MB description."""
    import httpx

    browser = logged_in_browser(base)
    token = browser.cookies.get("csrftoken", "")
    data = {
        "kind": "inquiry",
        "category": "other",
        "channel": "phone",
        "priority": "normal",
        "subject": "probe",
        "description": "x" * TEN_MB,
        "customer_platform": "taobao",
        "customer_account": "probe-browser",
        "customer_name": "probe",
        "csrfmiddlewaretoken": token,
    }
    try:
        status = browser.post("/tickets/new/", data=data, headers={"Referer": f"{base}/"}).status_code
    except httpx.HTTPError:
        status = 599
    probe.record("long", "POST /tickets/new/ (browser, 10 MB description)", status)
    if status == 302:  # the form redirects to the new ticket
        probe.accepted_long.append("POST /tickets/new/ (browser) with a 10 MB description")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--app-dir", default=str(ROOT), help="the checkout the server runs from")
    parser.add_argument("--show", action="append", default=[], help="also print every answer of this category")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database this probe may flush.")
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)
    sys.exit(run(args))


if __name__ == "__main__":
    main()
