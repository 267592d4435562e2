"""End to end in Debian's chromium: with a page open, a notification made on the server reaches the bell and
shows a message, without a reload.

The page is served by the real ASGI application under uvicorn (pytest-django's live_server is a WSGI server,
which cannot stream). Without Redis the stream finds the notification by polling the database; with
``REDIS_URL`` (as in CI) the database poll is slower than the test's patience, so only the Redis wake-up can
deliver it in time.
"""

from __future__ import annotations

import socket
import threading
import time

import pytest
import uvicorn
from django.db import connections

from accounts.roles import Role
from notifications.models import Notification
from notifications.services import notifications_create, notifications_mark_read
from tests.browser import ARTIFACTS, log_in, staff_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Less than the polling fallback's 20 s: a notification that arrives only by the fallback fails the test.
DELIVERY_TIMEOUT_MS = 8000


@pytest.fixture
def asgi_server(transactional_db, settings, monkeypatch):  # type: ignore[no-untyped-def]
    settings.NOTIFICATIONS_POLL_SECONDS = 0.5  # without Redis
    settings.NOTIFICATIONS_FALLBACK_POLL_SECONDS = 60  # with Redis: only the wake-up is quick enough
    settings.NOTIFICATIONS_STREAM_SECONDS = 30
    from helpdesk.asgi import application

    # An in-memory SQLite test database is one connection: share it with the server's threads, as
    # live_server does (separate connections to it would trip over its table locks).
    shared = connections["default"]
    sharing = shared.vendor == "sqlite" and shared.is_in_memory_db()
    if sharing:
        shared.inc_thread_sharing()
        monkeypatch.setattr(connections, "create_connection", lambda alias: shared)

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(application, lifespan="off", log_level="warning", timeout_graceful_shutdown=1)
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)
    sock.close()
    if sharing:
        shared.dec_thread_sharing()


def test_a_new_notification_reaches_the_open_page_s_bell_and_a_toast_without_a_reload(asgi_server, browser_page):
    agent = staff_user("agent1", Role.AGENT)
    page = browser_page

    log_in(page, asgi_server, "agent1")
    # Static files come through WhiteNoise under ASGI too: the script ran and the stream answered.
    page.wait_for_selector(".bell[data-live=stream]", timeout=DELIVERY_TIMEOUT_MS)
    assert page.locator("[data-testid=unread-count]").count() == 0
    page.evaluate("window.__pageLoadedOnce = true")  # gone if the page reloads

    notifications_create(
        recipients=[agent],
        verb="escalated",
        message="Ticket %(reference)s escalated: first response overdue",
        params={"reference": "HD-000777"},
        url="/tickets/1/",
    )
    notification = Notification.objects.get(recipient=agent)

    page.wait_for_selector("[data-testid=unread-count]", timeout=DELIVERY_TIMEOUT_MS)
    assert page.locator("[data-testid=unread-count]").inner_text() == "1"
    toast = page.locator("[data-testid=notification-toast]")
    toast.wait_for(timeout=DELIVERY_TIMEOUT_MS)
    assert toast.inner_text().startswith("Ticket HD-000777 escalated: first response overdue")
    assert toast.locator("a").get_attribute("href") == f"/notifications/{notification.pk}/open/"
    assert page.evaluate("window.__pageLoadedOnce") is True  # no reload happened
    assert page.locator(".bell").get_attribute("data-live") == "stream"  # not the polling fallback
    page.wait_for_timeout(400)  # the toast's fade-in
    page.screenshot(path=str(ARTIFACTS / "live-notification-toast.png"))

    # Read elsewhere (another tab, the API): this page's bell follows.
    toast.locator("button").click()
    assert toast.count() == 0
    notifications_mark_read(user=agent)
    page.wait_for_selector("[data-testid=unread-count]", state="detached", timeout=DELIVERY_TIMEOUT_MS)
    assert page.problems.unexpected() == []
