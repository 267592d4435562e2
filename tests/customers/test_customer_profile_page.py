"""The customer profile page (/customers/<pk>/): accounts, tickets and orders across linked accounts; link and
unlink from the page."""

import pytest

from customers.services.links import customer_link
from tests.factories import CustomerFactory, OrderFactory, OrderLineFactory, make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in(client, agent):  # type: ignore[no-untyped-def]
    client.force_login(agent)
    return client


def test_the_page_shows_every_linked_accounts_tickets_and_orders(logged_in, agent, django_assert_max_num_queries):
    taobao = CustomerFactory(name="王小明", platform="taobao", platform_account_id="tb_wxm")
    jd = CustomerFactory(name="王小明", platform="jd", platform_account_id="jd_wxm")
    customer_link(customer=taobao, other=jd, actor=agent)
    make_ticket(customer=taobao, subject="淘宝的问题")
    make_ticket(customer=jd, subject="京东的问题")
    OrderLineFactory(order=OrderFactory(customer=jd, platform="jd", order_number="JD-778899"), title="卡其裤 32")
    with django_assert_max_num_queries(20):
        response = logged_in.get(f"/customers/{taobao.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    for text in ("淘宝的问题", "京东的问题", "JD-778899", "卡其裤 32", "jd_wxm", "138****5678"):
        assert text in page
    assert "13812345678" not in page


def test_link_and_unlink_from_the_page(logged_in, customer):
    other = CustomerFactory(platform="douyin", platform_account_id="dy_42")
    response = logged_in.post(
        f"/customers/{customer.pk}/link/", {"platform": "douyin", "platform_account_id": "dy_42"}, follow=True
    )
    assert response.status_code == 200 and "dy_42" in response.content.decode()
    customer.refresh_from_db()
    assert customer.person_id is not None
    response = logged_in.post(f"/customers/{other.pk}/unlink/", {"back": customer.pk})
    assert response.status_code == 302 and response["Location"] == f"/customers/{customer.pk}/"
    customer.refresh_from_db()
    assert customer.person_id is None


def test_an_unknown_account_is_a_form_error(logged_in, customer):
    response = logged_in.post(f"/customers/{customer.pk}/link/", {"platform": "jd", "platform_account_id": "nobody"})
    assert response.status_code == 400
    assert 'data-testid="link-form"' in response.content.decode()


def test_the_ticket_page_links_to_the_profile(logged_in, customer):
    ticket = make_ticket(customer=customer)
    page = logged_in.get(f"/tickets/{ticket.pk}/").content.decode()
    assert f'href="/customers/{customer.pk}/"' in page


def test_people_without_an_agent_role_are_refused(client, customer):
    from tests.factories import UserFactory

    assert client.get(f"/customers/{customer.pk}/").status_code == 302  # to the login page
    client.force_login(UserFactory(username="nobody"))
    assert client.get(f"/customers/{customer.pk}/").status_code == 403


def test_admin_shows_a_person_with_its_accounts(client, agent):
    from tests.factories import UserFactory

    admin_user = UserFactory(username="root", is_staff=True, is_superuser=True)
    a, b = CustomerFactory(platform_account_id="tb_a"), CustomerFactory(platform="jd", platform_account_id="jd_b")
    person = customer_link(customer=a, other=b, actor=agent).person
    client.force_login(admin_user)
    page = client.get(f"/admin/customers/person/{person.pk}/change/").content.decode()
    assert "tb_a" in page and "jd_b" in page
    assert client.get("/admin/customers/person/").status_code == 200
    assert client.get(f"/admin/customers/customer/{a.pk}/change/").status_code == 200
    assert client.get("/admin/customers/customerlinkevent/").status_code == 200
