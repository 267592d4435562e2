"""In Debian's chromium: an admin searches the customers in the Django admin by the last four digits of a phone
number and opens the buyer: the number is masked in the list and on the form, with the way to the logged
reveal. Laptop and phone, Chinese and English; screenshots in test-artifacts/admin/."""

import pytest

from tests.browser import ARTIFACTS, LAPTOP, PASSWORD, chromium, new_page
from tests.factories import CustomerFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
@pytest.mark.parametrize("phone", [False, True], ids=["laptop", "phone"])
def test_the_admin_finds_a_buyer_by_the_last_digits_and_shows_the_number_masked(live_server, locale, phone):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    buyer = CustomerFactory(
        name="王小明", phone="13812345678", email="wang.xiaoming@example.com", platform_account_id="tb_wxm"
    )
    CustomerFactory(name="李雷", phone="13900009999", platform_account_id="tb_lilei")
    folder = ARTIFACTS / "admin"
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{'phone' if phone else 'laptop'}-{locale}"
    with chromium() as browser:
        page = new_page(browser, locale=locale, phone=phone, viewport=None if phone else {**LAPTOP, "height": 768})
        missing: list[str] = []
        page.on("response", lambda response: missing.append(response.url) if response.status == 404 else None)
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("#id_username", "root")
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.goto(f"{live_server.url}/admin/customers/customer/?q=5678")
        listing = page.inner_text("#result_list")
        assert "tb_wxm" in listing and "tb_lilei" not in listing
        assert "138****5678" in listing and "13812345678" not in page.content()
        page.screenshot(path=str(folder / f"customers-search-{name}.png"), full_page=True)
        page.click(f"#result_list a[href*='/customer/{buyer.pk}/change/']")
        page.wait_for_url(f"**/customer/{buyer.pk}/change/**")
        form = page.content()
        assert "138****5678" in form and "w***@example.com" in form
        assert "13812345678" not in form and "wang.xiaoming" not in form
        assert page.locator(f"a[href='/customers/{buyer.pk}/']").count() == 1
        page.screenshot(path=str(folder / f"customer-form-{name}.png"), full_page=True)
        # Django's admin names no icon, so the browser asks for /favicon.ico: the one 404 there may be.
        assert {url.removeprefix(live_server.url) for url in missing} <= {"/favicon.ico"}
        assert page.problems.unexpected("404 (Not Found)") == []
        page.context.close()
