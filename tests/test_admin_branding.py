"""The admin site carries the product's name, in the reader's language, and the app's icon (without a link the
browser asks for /favicon.ico, which is a 404)."""

import pytest
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "name"), [("en", "Helpdesk administration"), ("zh-hans", "客服中心管理后台")])
def test_the_admin_login_page_names_the_helpdesk(language, name):
    page = Client(HTTP_ACCEPT_LANGUAGE=language).get("/admin/login/").content.decode()
    assert name in page.split("</title>", 1)[0]  # the title
    assert name in page.split("</head>", 1)[1]  # the header
    assert "Django" not in page


def test_every_admin_page_links_the_apps_icon():
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    for path in ("/admin/", "/admin/accounts/user/", "/admin/integrations/integration/"):
        page = client.get(path).content.decode()
        head = page.split("</head>", 1)[0]
        assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in head, path
        assert "Helpdesk administration" in page and "Django administration" not in page, path
