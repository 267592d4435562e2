"""A login lockout in the audit log: "Locked out" once, when the lockout starts (per username and address, until
it ends by itself or an admin unlocks it); every attempt refused during it stays a failed log-in, marked
"refused: locked out" — not a "Locked out" again at every try."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditEntry
from tests.browser import PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LIMIT = 10  # settings.AXES_FAILURE_LIMIT
PATHS = ["/login/", "/admin/login/", "/api/v1/auth/token/"]


def try_login(path: str, username: str, password: str, address: str = "10.0.0.1") -> int:
    if path.startswith("/api/"):
        client = APIClient(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en")
        return client.post(path, {"username": username, "password": password}, format="json").status_code
    return Client(REMOTE_ADDR=address).post(path, {"username": username, "password": password}).status_code


def actions(username: str) -> list[tuple[str, dict]]:
    entries = AuditEntry.objects.filter(actor_label=username).exclude(action="unlocked").order_by("id")
    return [(entry.action, entry.details) for entry in entries]


def failed(n: int, **details: str) -> list[tuple[str, dict]]:
    return [("login_failed", dict(details))] * n


@pytest.mark.parametrize("path", PATHS)
def test_the_lockout_is_recorded_once_and_refused_attempts_stay_failed_log_ins(path):
    UserFactory(username="agent1", is_staff=True)
    statuses = [try_login(path, "agent1", "wrong-password") for _ in range(LIMIT)]
    assert statuses[-1] == 429  # the tenth failure starts the lockout
    for password in ("wrong-again", "another-guess", PASSWORD):
        assert try_login(path, "agent1", password) == 429
    # The failure that started the lockout was a real wrong password, counted; then one "Locked out".
    assert actions("agent1") == [
        *failed(LIMIT - 1),
        ("locked_out", {}),
        *failed(1),
        *failed(3, refused="locked"),
    ]


def test_a_new_lockout_after_the_first_one_ended_is_recorded_again():
    UserFactory(username="agent1")
    for _ in range(LIMIT + 2):
        try_login("/login/", "agent1", "wrong-password")
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=16)):
        for _ in range(LIMIT + 2):
            try_login("/login/", "agent1", "wrong-password")
    recorded = [action for action, _details in actions("agent1")]
    assert recorded.count("locked_out") == 2
    assert recorded.count("login_failed") == 2 * (LIMIT + 2)


def test_a_new_lockout_after_an_admin_unlocked_the_user_is_recorded_again():
    boss = UserFactory(username="boss", is_staff=True, is_superuser=True)
    agent = UserFactory(username="agent1")
    for _ in range(LIMIT + 1):
        try_login("/login/", "agent1", "wrong-password")
    admin = Client(HTTP_ACCEPT_LANGUAGE="en")
    admin.force_login(boss)
    admin.post("/admin/accounts/user/", {"action": "unlock_login", "_selected_action": [agent.pk]})
    for _ in range(LIMIT + 1):
        try_login("/login/", "agent1", "wrong-password")
    recorded = [action for action, _details in actions("agent1")]
    assert recorded.count("locked_out") == 2
    assert AuditEntry.objects.filter(action="unlocked", target_id=agent.pk).count() == 1


def test_an_address_locked_for_every_name_is_recorded_once_for_the_name_that_locked_it():
    for n in range(LIMIT):
        try_login("/login/", f"guess{n}", "wrong-password", address="10.0.3.1")
    try_login("/login/", "agent1", "wrong-password", address="10.0.3.1")
    locked = AuditEntry.objects.filter(action="locked_out")
    assert [(entry.actor_label, entry.ip_address) for entry in locked] == [("guess9", "10.0.3.1")]
    refused = AuditEntry.objects.get(action="login_failed", actor_label="agent1")
    assert refused.details == {"refused": "locked"}


def test_the_audit_page_says_a_failed_log_in_was_refused_by_the_lockout(client, manager):
    UserFactory(username="agent1")
    for _ in range(LIMIT + 1):
        try_login("/login/", "agent1", "wrong-password")
    client.force_login(manager)
    en = client.get("/audit/?action=login_failed", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert en.count("refused: locked out") == 1
    zh = client.get("/audit/?action=login_failed", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert zh.count("已拒绝：登录已被锁定") == 1
    export = client.get("/audit/audit-log.csv?action=login_failed", HTTP_ACCEPT_LANGUAGE="en")
    assert b"".join(export.streaming_content).decode("utf-8-sig").count("refused: locked out") == 1
