"""``make run``'s last word: wait until the web server answers ``/healthz`` and the Celery workers answer a
ping, then print where the helpdesk is and the demo logins, below the services' start-up output.

Runs as a Procfile process. honcho stops every process when one exits, so after printing it waits quietly
until honcho stops it.
"""

from __future__ import annotations

import signal
import sys
import time
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from ._demo_logins import login_lines


class Command(BaseCommand):
    help = "Wait for the web server and the Celery workers, print the demo logins, then wait (for the Procfile)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--url", default="http://127.0.0.1:8000", help="The web server's address (default http://127.0.0.1:8000)."
        )
        parser.add_argument("--workers", type=int, default=2, help="How many Celery workers to wait for.")
        parser.add_argument("--timeout", type=float, default=90.0, help="Seconds to wait before printing anyway.")
        parser.add_argument("--exit", action="store_true", help="Exit after printing instead of waiting.")

    def handle(self, *args: Any, **options: Any) -> None:
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        url = options["url"].rstrip("/")
        deadline = time.monotonic() + options["timeout"]
        web_up = self._wait(lambda: _healthy(url), deadline)
        workers_up = self._wait(lambda: _workers_answering() >= options["workers"], deadline)
        if not (web_up and workers_up):
            waiting_for = " and ".join(
                name for name, up in (("the web server", web_up), ("the Celery workers", workers_up)) if not up
            )
            self.stderr.write(
                f"{waiting_for[0].upper()}{waiting_for[1:]} did not answer within {options['timeout']:.0f} s "
                "(see the output above)."
            )
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Helpdesk on {url}/  (API docs: {url}/api/v1/docs/)"))
        for line in login_lines():
            self.stdout.write(line)
        if settings.EMAIL_BACKEND.endswith("filebased.EmailBackend"):
            self.stdout.write(f"E-mails (escalations, notifications) are written to {settings.EMAIL_FILE_PATH}/.")
        self.stdout.write("Stop with Ctrl-C.")
        self.stdout.flush()
        if options["exit"]:
            return
        try:
            while True:
                signal.pause()
        except KeyboardInterrupt:
            pass

    def _wait(self, ready: Any, deadline: float) -> bool:
        while True:
            if ready():
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.5)


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=3) as response:  # noqa: S310 - our own server
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _workers_answering() -> int:
    from helpdesk.celery import app

    try:
        return len(app.control.ping(timeout=1.0) or [])
    except Exception:  # noqa: BLE001 - a broker that is not up yet is simply "not ready"
        return 0
