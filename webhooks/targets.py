"""Which URLs we send to. A webhook is an HTTP request made by our servers to an address a platform chose,
so private, loopback and link-local targets are refused (they could reach our own network) unless
``WEBHOOK_ALLOW_PRIVATE_TARGETS`` is on (development and tests).

Creation refuses a literal private address or ``localhost``; each delivery resolves the host again and
refuses it if any address is not public (a name can be re-pointed after creation).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from core.errors import ValidationFailed

MAX_URL_LENGTH = 500


class TargetRefused(Exception):
    """The URL's host is not one we send to."""


def _private(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return not ip.is_global or ip.is_multicast


def _allow_private() -> bool:
    return bool(getattr(settings, "WEBHOOK_ALLOW_PRIVATE_TARGETS", False))


def target_validate(url: str) -> str:
    """The URL, stripped, if it may be subscribed; ``ValidationFailed`` naming the field otherwise."""
    url = url.strip()

    def refuse(message: str) -> ValidationFailed:
        return ValidationFailed(message, fields={"url": [message]}, code="invalid_webhook_url")

    if len(url) > MAX_URL_LENGTH:
        raise refuse(_("The URL is longer than %(max)s characters.") % {"max": MAX_URL_LENGTH})
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise refuse(_("Give an http:// or https:// URL."))
    if parts.username or parts.password:
        raise refuse(_("The URL must not contain a user name or password."))
    if _allow_private():
        return url
    host = parts.hostname
    if host == "localhost" or host.endswith(".localhost"):
        raise refuse(_("Webhooks cannot be sent to private or local addresses."))
    try:
        literal = _private(host)
    except ValueError:
        return url  # a name: checked again, resolved, at every delivery
    if literal:
        raise refuse(_("Webhooks cannot be sent to private or local addresses."))
    return url


def target_check_resolved(url: str) -> None:
    """Called before each delivery: refuse a host that resolves to a non-public address."""
    if _allow_private():
        return
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except OSError as error:
        raise TargetRefused(f"cannot resolve {host}: {error}") from None
    for info in infos:
        address = str(info[4][0])
        if _private(address):
            raise TargetRefused(f"{host} resolves to a private address ({address})")
