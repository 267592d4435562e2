"""Login lockout (django-axes) on the three ways in: /login/, /admin/login/ and POST /api/v1/auth/token/.

Ten failures lock the username (from any address) and the address (for any username) for 15 minutes; the
eleventh try is refused whatever the password; an admin unlocks."""

from __future__ import annotations

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from tests.browser import PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LIMIT = 10


def browser_login(path: str, username: str, password: str, address: str = "10.0.0.1", lang: str = "en"):
    client = Client(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE=lang)
    return client.post(path, {"username": username, "password": password})


def token_login(username: str, password: str, address: str = "10.0.0.1"):
    return APIClient(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en").post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json"
    )


def admin_user(username: str = "boss"):  # type: ignore[no-untyped-def]
    return UserFactory(username=username, is_staff=True, is_superuser=True)


def fail(path: str, username: str, times: int, address: str = "10.0.0.1") -> list[int]:
    if path == "/api/v1/auth/token/":
        return [token_login(username, "wrong-password", address).status_code for _ in range(times)]
    return [browser_login(path, username, "wrong-password", address).status_code for _ in range(times)]


@pytest.mark.parametrize("path", ["/login/", "/admin/login/"])
def test_eleven_wrong_passwords_lock_the_browser_login_and_the_right_one_is_refused(path):
    admin_user("boss")
    statuses = fail(path, "boss", LIMIT + 1)
    assert statuses[: LIMIT - 1] == [200] * (LIMIT - 1)  # the form again, with its error
    assert statuses[LIMIT - 1 :] == [429, 429]
    locked = browser_login(path, "boss", PASSWORD)
    assert locked.status_code == 429
    assert "_auth_user_id" not in locked.client.session
    assert 1 <= int(locked["Retry-After"]) <= 15 * 60
    page = locked.content.decode()
    assert "Login paused" in page and "15 minutes" in page


def test_the_lockout_page_speaks_chinese():
    UserFactory(username="agent9")
    fail("/login/", "agent9", LIMIT)
    page = browser_login("/login/", "agent9", PASSWORD, lang="zh-hans")
    assert page.status_code == 429
    assert "登录已暂停" in page.content.decode()


def test_eleven_wrong_passwords_lock_the_token_api_with_one_error_body_and_retry_after():
    UserFactory(username="agent1")
    statuses = fail("/api/v1/auth/token/", "agent1", LIMIT + 1)
    assert statuses == [400] * (LIMIT - 1) + [429, 429]
    refused = token_login("agent1", PASSWORD)
    assert refused.status_code == 429
    body = refused.json()
    assert body["error"]["code"] == "login_locked_out"
    assert "15 minutes" in body["error"]["message"]
    assert body["error"]["request_id"]
    assert 1 <= int(refused["Retry-After"]) <= 15 * 60


def test_the_lockout_is_per_user_from_every_address():
    UserFactory(username="agent1")
    for n in range(LIMIT):
        token_login("agent1", "wrong-password", address=f"10.0.1.{n}")
    assert token_login("agent1", PASSWORD, address="10.9.9.9").status_code == 429
    # Another user from one of those addresses still gets in (no address reached the limit).
    UserFactory(username="agent2")
    assert token_login("agent2", PASSWORD, address="10.0.1.3").status_code == 200


def test_the_lockout_is_per_address_for_every_username():
    UserFactory(username="agent1")
    for n in range(LIMIT):
        browser_login("/login/", f"guess{n}", "wrong-password", address="10.0.2.1")
    assert browser_login("/login/", "agent1", PASSWORD, address="10.0.2.1").status_code == 429
    assert token_login("agent1", PASSWORD, address="10.0.2.1").status_code == 429
    # The same user from elsewhere is not locked.
    response = browser_login("/login/", "agent1", PASSWORD, address="10.0.2.2")
    assert response.status_code == 302


def test_failures_on_the_three_paths_add_up():
    admin_user("boss")
    fail("/login/", "boss", 4)
    fail("/admin/login/", "boss", 3)
    fail("/api/v1/auth/token/", "boss", 3)
    assert token_login("boss", PASSWORD).status_code == 429


def test_the_lockout_ends_by_itself_after_the_cool_off():
    UserFactory(username="agent1")
    fail("/api/v1/auth/token/", "agent1", LIMIT)
    assert token_login("agent1", PASSWORD).status_code == 429
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=16)):
        assert token_login("agent1", PASSWORD).status_code == 200


def test_retrying_during_the_lockout_does_not_extend_it():
    UserFactory(username="agent1")
    fail("/api/v1/auth/token/", "agent1", LIMIT)
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=10)):
        assert token_login("agent1", "wrong-again").status_code == 429
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=16)):
        assert token_login("agent1", PASSWORD).status_code == 200


def test_an_admin_unlocks_a_user_from_the_user_list():
    boss = admin_user("boss")
    agent = UserFactory(username="agent1")
    fail("/login/", "agent1", LIMIT)
    assert browser_login("/login/", "agent1", PASSWORD).status_code == 429

    admin = Client(HTTP_ACCEPT_LANGUAGE="en")
    admin.force_login(boss)
    response = admin.post(
        "/admin/accounts/user/", {"action": "unlock_login", "_selected_action": [agent.pk]}, follow=True
    )
    assert response.status_code == 200
    assert "Login unlocked for agent1" in response.content.decode()
    assert browser_login("/login/", "agent1", PASSWORD).status_code == 302


def test_an_admin_unlocks_an_address_by_deleting_its_access_attempts():
    boss = admin_user("boss")
    UserFactory(username="agent1")
    for n in range(LIMIT):
        browser_login("/login/", f"guess{n}", "wrong-password", address="10.0.3.1")
    assert browser_login("/login/", "agent1", PASSWORD, address="10.0.3.1").status_code == 429

    admin = Client(HTTP_ACCEPT_LANGUAGE="en")
    admin.force_login(boss)
    assert admin.get("/admin/axes/accessattempt/").status_code == 200
    attempts = list(AccessAttempt.objects.filter(ip_address="10.0.3.1").values_list("pk", flat=True))
    response = admin.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": attempts, "post": "yes"},
        follow=True,
    )
    assert response.status_code == 200
    assert not AccessAttempt.objects.filter(ip_address="10.0.3.1").exists()
    assert browser_login("/login/", "agent1", PASSWORD, address="10.0.3.1").status_code == 302


def test_a_success_does_not_wipe_the_failures_counted_against_an_address():
    """Else an attacker with an account of their own could reset the count between guesses at another's."""
    UserFactory(username="agent1")
    UserFactory(username="mallory")
    for _ in range(LIMIT - 1):
        token_login("agent1", "guess")
    assert token_login("mallory", PASSWORD).status_code == 200
    assert token_login("agent1", "guess").status_code == 429
    assert token_login("agent1", PASSWORD).status_code == 429


def test_behind_a_proxy_the_lockout_counts_the_clients_address_not_the_proxys(settings):
    settings.HELPDESK_TRUSTED_PROXIES = 1
    UserFactory(username="agent1")

    def through_proxy(username: str, password: str, client_address: str):  # type: ignore[no-untyped-def]
        return Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=client_address).post(
            "/login/", {"username": username, "password": password}
        )

    for n in range(LIMIT):
        through_proxy(f"guess{n}", "wrong-password", "203.0.113.5")
    assert through_proxy("agent1", PASSWORD, "203.0.113.5").status_code == 429
    assert through_proxy("agent1", PASSWORD, "198.51.100.7").status_code == 302


def test_a_username_longer_than_any_account_is_a_400_not_a_500():
    """The attempt row's username column holds 255 characters: PostgreSQL refused a longer one with a 500."""
    response = token_login("x" * 300, "wrong-password")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["username"]
    assert not AccessAttempt.objects.exists()


def test_a_lockout_and_an_admin_unlock_are_in_the_audit_log():
    from audit.models import AuditEntry

    boss = admin_user("boss")
    agent = UserFactory(username="agent1")
    fail("/login/", "agent1", LIMIT)
    locked = AuditEntry.objects.get(action="locked_out")
    assert locked.actor is None and locked.actor_label == "agent1"
    admin = Client(HTTP_ACCEPT_LANGUAGE="en")
    admin.force_login(boss)
    admin.post("/admin/accounts/user/", {"action": "unlock_login", "_selected_action": [agent.pk]})
    unlocked = AuditEntry.objects.get(action="unlocked")
    assert unlocked.actor == boss and unlocked.target_id == agent.pk
