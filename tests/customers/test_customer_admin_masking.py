"""The Django admin shows a buyer's phone number and e-mail masked — in the customer list and form, and
wherever else a customer appears (orders, people) — never lets them be edited there, and finds a buyer by a
phone number (whole, in part, formatted, masked) without showing it. Nothing there reveals, so nothing is
logged as a reveal."""

import re
from urllib.parse import quote

import pytest
from django.contrib.auth.models import Group

from accounts.roles import Role
from audit.models import AuditEntry
from customers.services.links import customer_link
from tests.factories import CustomerFactory, OrderFactory, UserFactory, make_ticket

pytestmark = pytest.mark.django_db

PHONE = "13812345678"
EMAIL = "wang.xiaoming@example.com"


@pytest.fixture(params=["superuser", "admin role", "manager role"])
def staff_client(request, client):  # type: ignore[no-untyped-def]
    """Everyone who reaches customers in the admin: a superuser, the Admin role (may change customers) and the
    Manager role (may view them)."""
    if request.param == "superuser":
        user = UserFactory(username="root", is_staff=True, is_superuser=True)
    else:
        user = UserFactory(username=request.param.split()[0], is_staff=True)
        user.groups.add(Group.objects.get(name=Role.ADMIN if request.param == "admin role" else Role.MANAGER))
    client.force_login(user)
    return client


@pytest.fixture
def buyer(db):  # type: ignore[no-untyped-def]
    return CustomerFactory(name="王小明", phone=PHONE, email=EMAIL, platform_account_id="tb_wxm")


def _page(client, url: str) -> str:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _no_contact_in_clear(page: str) -> None:
    assert PHONE not in page and EMAIL not in page and "wang.xiaoming" not in page


def _no_reveal_logged() -> None:
    assert not AuditEntry.objects.filter(action="contact_revealed").exists()


def test_the_customer_list_shows_contact_details_masked(staff_client, buyer):
    page = _page(staff_client, "/admin/customers/customer/")
    assert "138****5678" in page and "w***@example.com" in page
    _no_contact_in_clear(page)
    _no_reveal_logged()


def test_the_customer_form_shows_them_masked_and_has_no_field_to_edit_them(staff_client, buyer):
    page = _page(staff_client, f"/admin/customers/customer/{buyer.pk}/change/")
    assert "138****5678" in page and "w***@example.com" in page
    assert 'name="phone"' not in page and 'name="email"' not in page
    assert f'href="/customers/{buyer.pk}/"' in page  # the reveal is on the profile, logged
    _no_contact_in_clear(page)
    _no_reveal_logged()


def test_posting_contact_details_to_the_admin_form_changes_nothing(client, buyer):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    response = client.post(
        f"/admin/customers/customer/{buyer.pk}/change/",
        {
            "name": "王小明",
            "platform": "taobao",
            "platform_account_id": "tb_wxm",
            "tier": "gold",
            "phone": "13900000000",
            "email": "someone.else@example.com",
        },
    )
    assert response.status_code == 302
    buyer.refresh_from_db()
    assert (buyer.tier, buyer.phone, buyer.email) == ("gold", PHONE, EMAIL)


@pytest.mark.parametrize(
    "term",
    ["5678", PHONE, "138 1234 5678", "138-1234-5678", "+86 138 1234 5678", "+8613812345678", "138****5678", "1234"],
)
def test_search_finds_a_buyer_by_a_phone_number_and_shows_it_masked(staff_client, buyer, term):
    CustomerFactory(name="李雷", phone="13900009999", platform_account_id="tb_lilei")
    page = _page(staff_client, f"/admin/customers/customer/?q={quote(term)}")
    assert "tb_wxm" in page and "tb_lilei" not in page
    assert re.findall(r'<td class="field-masked_phone">([^<]*)</td>', page) == ["138****5678"]
    if PHONE not in term:
        # The page repeats what was typed (the search box, its links); a number not typed in full is nowhere.
        assert PHONE not in page
    _no_reveal_logged()


def test_search_by_a_stored_formatted_number_and_by_name_still_work(staff_client):
    CustomerFactory(name="韩梅梅", phone="+86 139-0000-4321", platform_account_id="tb_hmm")
    assert "tb_hmm" in _page(staff_client, "/admin/customers/customer/?q=13900004321")
    assert "tb_hmm" in _page(staff_client, "/admin/customers/customer/?q=4321")
    assert "tb_hmm" in _page(staff_client, "/admin/customers/customer/?q=韩梅梅")
    assert "tb_hmm" not in _page(staff_client, "/admin/customers/customer/?q=5555")


def test_search_by_part_of_the_email_finds_the_buyer_masked(staff_client, buyer):
    page = _page(staff_client, "/admin/customers/customer/?q=xiaoming")
    assert "tb_wxm" in page and "w***@example.com" in page
    assert EMAIL not in page


def test_orders_and_people_in_the_admin_never_show_the_buyers_contact(client, buyer):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    other = CustomerFactory(name="王小明", phone="13700001111", email="wxm@jd.example", platform="jd")
    customer_link(customer=buyer, other=other, actor=None)
    buyer.refresh_from_db()
    order = OrderFactory(customer=buyer, order_number="TB-CONTACT-1")
    make_ticket(customer=buyer, order=order)
    for url in (
        "/admin/customers/order/",
        f"/admin/customers/order/{order.pk}/change/",
        "/admin/customers/person/",
        f"/admin/customers/person/{buyer.person_id}/change/",
        "/admin/tickets/ticket/",
        f"/admin/tickets/ticket/{buyer.tickets.get().pk}/change/",
        "/admin/customers/customerlinkevent/",
    ):
        page = _page(client, url)
        _no_contact_in_clear(page)
        assert "13700001111" not in page and "wxm@jd.example" not in page, url
    _no_reveal_logged()
