"""The audit page (/audit/): managers and admins read the log, filter it by who, what, dates and buyer, page
through it and export it as CSV (itself recorded); agents get 403."""

import csv
import io
import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.contrib.auth.models import Group

from accounts.roles import Role
from audit.enums import AuditAction
from audit.models import AuditEntry
from audit.services import audit_record
from tests.factories import CustomerFactory, UserFactory


def customer_audit_label(customer) -> str:  # type: ignore[no-untyped-def]
    """A buyer as the customers app names them in the log (customers.services.buyers)."""
    return f"{customer.name} · {customer.platform} {customer.platform_account_id}"


pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_client(client, manager):  # type: ignore[no-untyped-def]
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(manager)
    return client


def _reveal(actor, customer, when, context=""):  # type: ignore[no-untyped-def]
    with time_machine.travel(when, tick=False):
        return audit_record(
            action=AuditAction.CONTACT_REVEALED,
            actor=actor,
            target=customer,
            target_label=customer_audit_label(customer),
            context=context,
        )


def _shown_actions(response) -> list[str]:  # type: ignore[no-untyped-def]
    return re.findall(r'<tr data-action="([a-z_]+)"', response.content.decode())


def test_agents_get_403_and_anonymous_visitors_the_login_page(client, agent):
    assert client.get("/audit/").status_code == 302
    client.force_login(agent)
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/audit-log.csv").status_code == 403
    assert 'href="/audit/"' not in client.get("/").content.decode()


def test_managers_and_admins_find_it_in_the_top_bar(manager_client):
    assert 'href="/audit/"' in manager_client.get("/").content.decode()
    admin = UserFactory(username="admin")
    admin.groups.add(Group.objects.get_or_create(name=Role.ADMIN)[0])
    manager_client.force_login(admin)
    assert manager_client.get("/audit/").status_code == 200


def test_the_page_lists_entries_newest_first_with_who_what_and_the_buyer(manager_client, manager):
    customer = CustomerFactory(name="王小明", platform_account_id="tb_wxm")
    _reveal(manager, customer, datetime(2026, 11, 2, 1, 0, tzinfo=UTC), context="HD-000123")
    with time_machine.travel(datetime(2026, 11, 3, 1, 0, tzinfo=UTC), tick=False):
        audit_record(action=AuditAction.LOGIN_FAILED, actor=None, actor_label="=cmd|' /C calc'!A0")
    response = manager_client.get("/audit/?action=contact_revealed")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Contact details revealed" in page and "王小明 · Taobao tb_wxm" in page and "HD-000123" in page
    assert "13812345678" not in page
    # manager1's own log-in (the test client's) is theirs too; the failed log-in is nobody's.
    assert _shown_actions(manager_client.get("/audit/?who=manager1")) == ["logged_in", "contact_revealed"]
    everything = _shown_actions(manager_client.get("/audit/"))
    assert everything.index("login_failed") < everything.index("contact_revealed")


def test_filters_by_who_what_dates_and_buyer(manager_client, manager, agent):
    wang = CustomerFactory(name="王小明", platform_account_id="tb_wxm")
    li = CustomerFactory(name="李雷", platform_account_id="tb_lilei")
    _reveal(manager, wang, datetime(2026, 11, 1, 16, 30, tzinfo=UTC))  # 2026-11-02 00:30 in Shanghai
    _reveal(manager, li, datetime(2026, 11, 5, 1, 0, tzinfo=UTC))
    with time_machine.travel(datetime(2026, 11, 6, 1, 0, tzinfo=UTC), tick=False):
        audit_record(
            action=AuditAction.CUSTOMER_VIEWED, actor=agent, target=wang, target_label="王小明 · taobao tb_wxm"
        )

    def shown(query: str) -> list[str]:
        return [
            entry.target_label
            for entry in manager_client.get(f"/audit/?{query}").context["page"].object_list
            if entry.target_type == "customers.customer"
        ]

    assert shown("buyer=tb_wxm") == ["王小明 · taobao tb_wxm", "王小明 · taobao tb_wxm"]
    assert shown(f"buyer={li.pk}") == ["李雷 · taobao tb_lilei"]
    assert shown("who=agent1") == ["王小明 · taobao tb_wxm"]
    assert shown("action=contact_revealed&buyer=王") == ["王小明 · taobao tb_wxm"]
    # Dates are the reader's local days (manager1: Asia/Shanghai), both ends included.
    assert shown("start=2026-11-02&end=2026-11-02") == ["王小明 · taobao tb_wxm"]
    assert shown("start=2026-11-05") == ["王小明 · taobao tb_wxm", "李雷 · taobao tb_lilei"]


def test_a_filter_that_does_not_parse_is_named_and_left_out(manager_client, manager):
    _reveal(manager, CustomerFactory(), datetime(2026, 11, 2, 1, 0, tzinfo=UTC))
    response = manager_client.get("/audit/?start=2026-11-31&action=contact_revealed")
    assert response.status_code == 200
    assert "Some filters were not understood" in response.content.decode()
    assert _shown_actions(response) == ["contact_revealed"]
    response = manager_client.get("/audit/?start=2026-11-05&end=2026-11-01")
    assert "The end date is before the start date." in response.content.decode()


def test_the_log_is_paginated_fifty_to_a_page_keeping_the_filters(manager_client, manager):
    customer = CustomerFactory()
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(action="customer_viewed", actor=manager, target_type="customers.customer", target_id=customer.pk)
            for _ in range(60)
        ]
    )
    first = manager_client.get("/audit/?action=customer_viewed")
    assert len(_shown_actions(first)) == 50
    assert "?action=customer_viewed&amp;page=2" in first.content.decode()
    assert len(_shown_actions(manager_client.get("/audit/?action=customer_viewed&page=2"))) == 10


def test_the_csv_export_is_streamed_with_a_bom_formula_safe_and_recorded(manager_client, manager):
    customer = CustomerFactory(name='=HYPERLINK("http://x")', platform_account_id="tb_x")
    _reveal(manager, customer, datetime(2026, 11, 2, 1, 0, tzinfo=UTC), context="HD-000123")
    with time_machine.travel(datetime(2026, 11, 3, 1, 0, tzinfo=UTC), tick=False):
        audit_record(action=AuditAction.LOGIN_FAILED, actor=None, actor_label="@SUM(1+1)")
    response = manager_client.get("/audit/audit-log.csv?start=2026-11-01&end=2026-11-30")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment;" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:5] == ["Time", "User name", "Who", "Action code", "What"]
    by_action = {row[3]: row for row in rows[1:]}
    assert set(by_action) == {"contact_revealed", "login_failed"}
    assert by_action["contact_revealed"][0] == "2026-11-02T09:00:00+08:00"
    assert by_action["contact_revealed"][8] == '\'=HYPERLINK("http://x") · Taobao tb_x'
    assert by_action["contact_revealed"][9] == "HD-000123"
    assert by_action["login_failed"][1] == "'@SUM(1+1)"
    export = AuditEntry.objects.get(action="exported")
    assert (export.actor, export.target_label, export.source) == (manager, "audit_log", "page")
    assert export.details == {"format": "csv", "filters": {"start": "2026-11-01", "end": "2026-11-30"}}


def test_the_csv_export_follows_the_filters(manager_client, manager, agent):
    _reveal(manager, CustomerFactory(), datetime(2026, 11, 2, 1, 0, tzinfo=UTC))
    audit_record(action=AuditAction.LOGGED_IN, actor=agent)
    body = b"".join(manager_client.get("/audit/audit-log.csv?who=agent1").streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert [row[3] for row in rows[1:]] == ["logged_in"]


def test_the_page_shows_role_changes_and_key_changes_in_words(manager_client, manager):
    user = UserFactory(username="agent9")
    audit_record(
        action=AuditAction.ROLES_CHANGED,
        actor=manager,
        target=user,
        target_label="agent9",
        details={"groups_added": ["Manager"], "groups_removed": ["Agent"], "is_superuser": [False, True]},
    )
    audit_record(
        action=AuditAction.API_KEY_ROTATED,
        actor=manager,
        target_label="Demo shop · abcd1234",
        details={"integration": "Demo shop", "key": "abcd1234", "new_key": "efgh5678"},
    )
    page = manager_client.get("/audit/").content.decode()
    assert "+Manager; −Agent; superuser: no → yes" in page
    assert "replaced by efgh5678" in page


def _entries_about_a_buyer_an_export_and_a_reveal(manager):  # type: ignore[no-untyped-def]
    customer = CustomerFactory(name="王小明", platform="jd", platform_account_id="jd_wxm")
    _reveal(manager, customer, datetime(2026, 11, 2, 1, 0, tzinfo=UTC), context="profile")
    _reveal(manager, customer, datetime(2026, 11, 2, 2, 0, tzinfo=UTC), context="HD-000123")
    for name in ("audit_log", "sla"):
        with time_machine.travel(datetime(2026, 11, 2, 3, 0, tzinfo=UTC), tick=False):
            audit_record(action=AuditAction.EXPORTED, actor=manager, target_label=name, details={"format": "csv"})
    return customer


@pytest.mark.parametrize(
    ("language", "words", "codes"),
    [
        (
            "en",
            ["王小明 · JD.com jd_wxm", "Customer profile", "Audit log", "Response times and SLA compliance"],
            ["jd jd_wxm"],
        ),
        ("zh-hans", ["王小明 · 京东 jd_wxm", "客户资料", "审计日志", "响应时间与 SLA 达成率"], ["jd jd_wxm"]),
    ],
)
def test_the_page_words_the_codes_an_entry_keeps_in_the_readers_language(
    manager_client, manager, language, words, codes
):
    _entries_about_a_buyer_an_export_and_a_reveal(manager)
    page = manager_client.get("/audit/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    for text in words:
        assert text in page, text
    for code in codes:
        assert code not in page, code
    assert '<span class="mono">HD-000123</span>' in page  # a ticket reference stays as written
    cells = re.findall(r'<td class="(?:audit-object|small audit-details)[^"]*"[^>]*>(.*?)</td>', page, re.S)
    assert len(cells) >= 8
    assert not {"profile", "audit_log", "sla"} & {re.sub(r"<[^>]+>|#\d+", "", cell).strip() for cell in cells}
    # Read, never rewritten: the entries keep what was written.
    assert set(AuditEntry.objects.values_list("target_label", flat=True)) >= {"王小明 · jd jd_wxm", "audit_log"}
    assert AuditEntry.objects.filter(context="profile").count() == 1


def test_the_csv_words_them_as_the_page_does(manager_client, manager):
    _entries_about_a_buyer_an_export_and_a_reveal(manager)
    body = b"".join(manager_client.get("/audit/audit-log.csv?start=2026-11-01&end=2026-11-30").streaming_content)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    objects_and_contexts = [(row[3], row[8], row[9]) for row in rows[1:]]
    assert ("contact_revealed", "王小明 · JD.com jd_wxm", "Customer profile") in objects_and_contexts
    assert ("contact_revealed", "王小明 · JD.com jd_wxm", "HD-000123") in objects_and_contexts
    assert ("exported", "Audit log", "") in objects_and_contexts
    assert ("exported", "Response times and SLA compliance", "") in objects_and_contexts
