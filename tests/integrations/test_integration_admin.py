"""The integrations in the admin speak the reader's language: a key's state and its platform in words, an
integration's scopes as the change page's checkboxes name them."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from integrations.models import ApiKey
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_in():  # type: ignore[no-untyped-def]
    root = UserFactory(username="root", is_staff=True, is_superuser=True)

    def client(language: str) -> Client:
        browser = Client(HTTP_ACCEPT_LANGUAGE=language)
        browser.force_login(root)
        return browser

    return client


def _cells(page: str, column: str) -> list[str]:
    """The text of every cell of an admin list or inline column (Django names its cells field-<name>)."""
    cells = re.findall(rf'<td class="field-{column}">(.*?)</td>', page, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in cells]


def test_the_key_list_shows_each_state_in_chinese(admin_client_in, make_key):
    integration, active, _secret = make_key(name="抖店中台")
    expiring = ApiKey.objects.create(
        integration=integration, prefix="aaaa00000001", key_hash="x", expires_at=timezone.now() + timedelta(hours=3)
    )
    ApiKey.objects.create(integration=integration, prefix="aaaa00000002", key_hash="y", revoked_at=timezone.now())
    ApiKey.objects.create(
        integration=integration, prefix="aaaa00000003", key_hash="z", expires_at=timezone.now() - timedelta(hours=1)
    )
    assert active.state == "active" and expiring.state == "expiring"  # the code the API gives
    page = admin_client_in("zh-hans").get("/admin/integrations/apikey/").content.decode()
    assert sorted(_cells(page, "state")) == sorted(["有效", "即将到期", "已吊销", "已过期"])
    assert _cells(page, "bound_to") == ["淘宝"] * 4


def test_the_key_list_in_english_says_active(admin_client_in, make_key):
    make_key()
    page = admin_client_in("en").get("/admin/integrations/apikey/").content.decode()
    assert _cells(page, "state") == ["Active"]


def test_the_integration_page_lists_its_keys_with_what_they_are_bound_to(admin_client_in, make_key):
    integration, _key, _secret = make_key(platform="jd")
    page = admin_client_in("zh-hans").get(f"/admin/integrations/integration/{integration.pk}/change/").content.decode()
    assert _cells(page, "bound_to") == ["京东"]
    assert _cells(page, "state") == ["有效"]
    assert "绑定平台" in page  # the column's head


def test_the_integration_list_names_the_scopes_in_words(admin_client_in, make_key):
    make_key(scopes=["tickets:read", "orders:read"])
    en = admin_client_in("en").get("/admin/integrations/integration/").content.decode()
    assert _cells(en, "scope_list") == ["Read tickets, complaints and their messages Read orders"]
    assert "<li>Read orders</li>" in en
    assert "tickets:read" not in en
    zh = admin_client_in("zh-hans").get("/admin/integrations/integration/").content.decode()
    assert _cells(zh, "scope_list") == ["读取工单、投诉及其消息 读取订单"]
