"""The client's address for the login lockout: the connection's, or behind HELPDESK_TRUSTED_PROXIES proxies the
one the outermost proxy saw — never an address the client wrote itself."""

from django.test import RequestFactory

from core.client_ip import client_ip


def request(remote: str = "10.0.0.9", forwarded: str | None = None):  # type: ignore[no-untyped-def]
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/login/", **extra)


def test_without_proxies_the_connection_address_counts_and_x_forwarded_for_is_ignored(settings):
    settings.HELPDESK_TRUSTED_PROXIES = 0
    assert client_ip(request("10.0.0.9", "203.0.113.5")) == "10.0.0.9"


def test_behind_one_proxy_the_address_it_appended_counts(settings):
    settings.HELPDESK_TRUSTED_PROXIES = 1
    assert client_ip(request("10.0.0.9", "1.2.3.4, 203.0.113.5")) == "203.0.113.5"  # 1.2.3.4: written by the client


def test_behind_two_proxies_the_outer_proxys_entry_counts(settings):
    settings.HELPDESK_TRUSTED_PROXIES = 2
    assert client_ip(request("10.0.0.9", "1.2.3.4, 203.0.113.5, 10.0.0.2")) == "203.0.113.5"


def test_a_missing_or_garbled_header_falls_back_to_the_connection(settings):
    settings.HELPDESK_TRUSTED_PROXIES = 1
    assert client_ip(request("10.0.0.9")) == "10.0.0.9"
    assert client_ip(request("10.0.0.9", "not-an-address")) == "10.0.0.9"
