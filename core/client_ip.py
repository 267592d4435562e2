"""The client's address, as the login lockout (django-axes) counts it.

Behind a load balancer every request comes from the balancer's address, so locking an address would lock
everyone. ``HELPDESK_TRUSTED_PROXIES`` says how many proxies in front of us append to ``X-Forwarded-For``;
the client is the address the outermost of them saw. Entries further left are whatever the client wrote and
are never trusted.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    remote = _address(request.META.get("REMOTE_ADDR", "") or "")
    proxies = int(getattr(settings, "HELPDESK_TRUSTED_PROXIES", 0))
    if proxies <= 0:
        return remote
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote
    return _address(forwarded[-proxies]) or remote
