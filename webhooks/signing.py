"""Delivery signatures: HMAC-SHA256 over ``"{timestamp}.{body}"`` with the endpoint's secret.

Headers on every delivery::

    Webhook-Id: <event uuid>               the same on every retry: use it to drop duplicates
    Webhook-Timestamp: <unix seconds>      when this attempt was signed
    Webhook-Signature: v1=<hex> [v1=<hex>] one per valid secret (two while a rotated secret overlaps)
    Webhook-Event: <event type>

A receiver recomputes the HMAC over the raw body it got, compares in constant time with any of the ``v1``
signatures, and refuses timestamps more than ``TOLERANCE_SECONDS`` from its clock (the replay window).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Iterable, Mapping

SECRET_PREFIX = "whsec_"
SCHEME = "v1"
TOLERANCE_SECONDS = 300  # the replay window: 5 minutes either way

ID_HEADER = "Webhook-Id"
TIMESTAMP_HEADER = "Webhook-Timestamp"
SIGNATURE_HEADER = "Webhook-Signature"
EVENT_HEADER = "Webhook-Event"


class SignatureError(Exception):
    """The delivery is not signed by us, or is too old (or too far in the future) to trust."""


def secret_generate() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def sign_headers(
    *, secrets_: Iterable[str], event_id: str, event_type: str, body: bytes, timestamp: int
) -> dict[str, str]:
    signatures = " ".join(f"{SCHEME}={signature(secret, timestamp, body)}" for secret in secrets_ if secret)
    return {
        ID_HEADER: event_id,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: signatures,
        EVENT_HEADER: event_type,
    }


def verify(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    tolerance: int = TOLERANCE_SECONDS,
    now: float | None = None,
) -> int:
    """Check a delivery as a receiver would. Returns its timestamp; raises ``SignatureError`` otherwise.

    ``headers`` is looked up case-insensitively.
    """
    lowered = {key.lower(): value for key, value in headers.items()}
    try:
        timestamp = int(lowered[TIMESTAMP_HEADER.lower()])
        header = lowered[SIGNATURE_HEADER.lower()]
    except (KeyError, ValueError):
        raise SignatureError("missing or malformed Webhook-Timestamp / Webhook-Signature header") from None
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        raise SignatureError("timestamp outside the replay window")
    expected = signature(secret, timestamp, body)
    for part in header.split():
        scheme, _sep, value = part.partition("=")
        if scheme == SCHEME and hmac.compare_digest(value, expected):
            return timestamp
    raise SignatureError("no matching signature")
