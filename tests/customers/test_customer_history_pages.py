"""A buyer with a long history: the profile shows the newest tickets and orders (20 each) with their counts and
a link to all of them, each list a page of its own, paged. Tickets the reader may not see are never listed or
counted, on the profile or on the list; opening a list is in the audit log like the profile."""

import re

import pytest
from django.test import Client

from audit.models import AuditEntry
from audit.presentation import entry_row
from customers import views
from tests.factories import CustomerFactory, OrderFactory, OrderLineFactory, TeamFactory, UserFactory, make_ticket

pytestmark = pytest.mark.django_db

SEEN, UNSEEN, ORDERS = 25, 3, 30


@pytest.fixture
def history():  # type: ignore[no-untyped-def]
    """An agent of the Pre-sales team (ticket scope "teams"), a buyer with SEEN tickets in that team, UNSEEN in
    another, and ORDERS orders."""
    from django.contrib.auth.models import Group

    from accounts.roles import Role

    agent = UserFactory(username="agent7")  # the default scope: their teams' tickets
    agent.groups.add(Group.objects.get_or_create(name=Role.AGENT)[0])
    pre, after = TeamFactory(name="售前 Pre-sales"), TeamFactory(name="售后 After-sales")
    pre.members.add(agent)
    buyer = CustomerFactory(name="王小明", platform_account_id="tb_wxm")
    for n in range(SEEN):
        make_ticket(customer=buyer, team=pre, subject=f"看得到的问题 {n:02d}")
    for n in range(UNSEEN):
        make_ticket(customer=buyer, team=after, subject=f"别的团队的问题 {n}")
    for n in range(ORDERS):
        OrderLineFactory(order=OrderFactory(customer=buyer, order_number=f"TB-HIST-{n:03d}"))
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(agent)
    return client, buyer, agent


def _rows(page: str, testid: str) -> int:
    card = page.split(f'data-testid="{testid}"', 1)[1]
    return card.split("</table>", 1)[0].count("<tr>") - 1  # less the head's row


def test_the_profile_shows_the_newest_twenty_of_each_with_the_counts_and_a_way_to_the_rest(history):
    client, buyer, _agent = history
    page = client.get(f"/customers/{buyer.pk}/").content.decode()
    assert _rows(page, "profile-tickets") == 20 and _rows(page, "profile-orders") == 20
    assert f'data-testid="ticket-count">{SEEN}<' in page  # the other team's tickets are not counted
    assert f'data-testid="order-count">{ORDERS}<' in page
    assert "别的团队的问题" not in page
    assert "看得到的问题 24" in page and "看得到的问题 04" not in page  # newest first
    assert f'href="/customers/{buyer.pk}/tickets/" data-testid="all-tickets">Show all {SEEN} tickets' in page
    assert f'href="/customers/{buyer.pk}/orders/" data-testid="all-orders">Show all {ORDERS} orders' in page
    assert "Showing the newest 20 of 25." in page
    zh = client.get(f"/customers/{buyer.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert (
        f"查看全部 {SEEN} 个工单" in zh and f"查看全部 {ORDERS} 个订单" in zh and "显示最新的 20 条，共 25 条。" in zh
    )


def test_a_short_history_has_no_link_to_the_rest(client, agent):
    buyer = CustomerFactory()
    make_ticket(customer=buyer)
    client.force_login(agent)
    page = client.get(f"/customers/{buyer.pk}/").content.decode()
    assert 'data-testid="all-tickets"' not in page and 'data-testid="all-orders"' not in page


def test_every_ticket_the_reader_may_see_is_on_its_own_page_paged(history, monkeypatch, django_assert_max_num_queries):
    client, buyer, _agent = history
    monkeypatch.setattr(views, "LIST_PAGE_SIZE", 10)
    with django_assert_max_num_queries(20):
        first = client.get(f"/customers/{buyer.pk}/tickets/").content.decode()
    assert f'data-testid="list-count">{SEEN}<' in first
    assert _rows(first, "customer-tickets") == 10 and "Page 1 of 3" in first
    assert 'href="?page=2" rel="next"' in first
    last = client.get(f"/customers/{buyer.pk}/tickets/?page=3").content.decode()
    assert _rows(last, "customer-tickets") == SEEN - 20
    listed = re.findall(r"看得到的问题 \d\d|别的团队的问题 \d", first + last)
    assert not [subject for subject in listed if subject.startswith("别的")]
    assert f'href="/customers/{buyer.pk}/"' in first  # back to the profile


def test_every_order_is_on_its_own_page_paged(history, monkeypatch, django_assert_max_num_queries):
    client, buyer, _agent = history
    monkeypatch.setattr(views, "LIST_PAGE_SIZE", 25)
    with django_assert_max_num_queries(20):
        first = client.get(f"/customers/{buyer.pk}/orders/").content.decode()
    assert f'data-testid="list-count">{ORDERS}<' in first and _rows(first, "customer-orders") == 25
    second = client.get(f"/customers/{buyer.pk}/orders/?page=2").content.decode()
    assert _rows(second, "customer-orders") == ORDERS - 25 and "TB-HIST-000" in second


def test_opening_a_list_is_in_the_audit_log_like_the_profile(history):
    client, buyer, agent = history
    client.get(f"/customers/{buyer.pk}/tickets/")
    client.get(f"/customers/{buyer.pk}/orders/")
    viewed = AuditEntry.objects.filter(action="customer_viewed", target_id=buyer.pk).order_by("id")
    assert [(entry.actor, entry.context) for entry in viewed] == [(agent, "tickets"), (agent, "orders")]
    # The audit log words those contexts for its reader.
    assert [entry_row(entry)["context"] for entry in viewed] == [
        "Customer profile: all tickets",
        "Customer profile: all orders",
    ]


def test_the_lists_are_for_agents_only(client, customer):
    for path in (f"/customers/{customer.pk}/tickets/", f"/customers/{customer.pk}/orders/"):
        assert client.get(path).status_code == 302  # to the login page
    client.force_login(UserFactory(username="nobody"))
    assert client.get(f"/customers/{customer.pk}/tickets/").status_code == 403
    assert client.get(f"/customers/{customer.pk}/orders/").status_code == 403
