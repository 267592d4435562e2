"""Browser tests drive Debian's chromium through Playwright (never a downloaded browser).

``open_page`` launches it with the flags this machine needs and collects the page's real problems: console
errors, uncaught exceptions and failed requests. A request the browser itself cancels because the page
navigated away (``net::ERR_ABORTED``: the live notification stream, an htmx load still running when a form
is submitted) is not a problem of the page, and counting it made tests fail at random.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth.models import Group

from tests.factories import UserFactory

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}


@dataclass
class Problems:
    """What went wrong on a page. ``ignore`` takes substrings of messages the test expects (a 400 it provoked)."""

    items: list[str] = field(default_factory=list)

    def watch(self, page: Any) -> None:
        page.on("console", lambda message: self.items.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: self.items.append(str(error)))
        page.on("requestfailed", self._request_failed)

    def _request_failed(self, request: Any) -> None:
        if request.failure != "net::ERR_ABORTED":
            self.items.append(f"failed: {request.url} ({request.failure})")

    def unexpected(self, *ignore: str) -> list[str]:
        return [item for item in self.items if not any(part in item for part in ignore)]


@contextmanager
def chromium() -> Iterator[Any]:
    """Debian's chromium, launched headless with the flags this machine needs (never a downloaded browser)."""
    # Playwright's sync API runs an event loop in this thread; the tests' ORM calls happen outside it.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def new_page(
    browser: Any, *, locale: str = "en-US", viewport: dict[str, int] | None = None, phone: bool = False
) -> Any:
    """A page in a fresh context (its own cookies); ``page.problems`` collects what went wrong. Close it with
    ``page.context.close()``."""
    options: dict[str, Any] = {
        "locale": locale,
        "viewport": viewport or (PHONE if phone else LAPTOP),
        "timezone_id": "Asia/Shanghai",
    }
    if phone:
        options.update(is_mobile=True, has_touch=True)
    page = browser.new_context(**options).new_page()
    page.problems = Problems()
    page.problems.watch(page)
    return page


@contextmanager
def open_page(*, locale: str = "en-US", viewport: dict[str, int] | None = None, phone: bool = False) -> Iterator[Any]:
    """A fresh browser and page; ``page.problems`` collects what went wrong. Screenshots go to ARTIFACTS."""
    with chromium() as browser:
        page = new_page(browser, locale=locale, viewport=viewport, phone=phone)
        try:
            yield page
        finally:
            page.context.close()


PASSWORD = "secret-pass-123"  # UserFactory's


def staff_user(username: str, role: str, **fields: Any) -> Any:
    """A user in a role (``accounts.roles.Role``), with UserFactory's password, to log in as."""
    user = UserFactory(username=username, **fields)
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def log_in(page: Any, base_url: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click(".login-card button[type=submit]")
    page.wait_for_url(f"{base_url}/")
