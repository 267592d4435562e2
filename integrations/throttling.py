"""The API's rate limits. Exactly one applies to each request, each with its own budget:

- an API key: its integration's ``rate_limit_per_minute``, per key (``ApiKeyRateThrottle``);
- a staff account (token or session): ``API_THROTTLE_USER`` (the ``user`` rate), per user (``StaffRateThrottle``);
- no account: ``API_THROTTLE_ANON`` (the ``anon`` rate), per client address (``AnonRateThrottle``).

A key's limit is its own: the integration's service account is a user too, but the staff limit does not
count key requests (it used to, and capped a key allowed 2000/min at 1200).

Each counts in fixed windows aligned to Unix time with an atomic increment (``integrations.ratelimit``), so
concurrent requests are counted one by one; a window therefore allows up to its limit, and a burst across a
window's end up to twice that. Every limited response carries ``X-RateLimit-Limit``, ``-Remaining`` and
``-Reset`` (set by ``core.request_id``), and a refusal is a 429 with ``Retry-After``. Without Redis each
process counts on its own (see ``integrations.ratelimit``); a cache outage never fails a request.
"""

from __future__ import annotations

import hashlib
import math
import time
from typing import Any

from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from core.client_ip import client_ip

from . import ratelimit
from .models import ApiKey

WINDOW_SECONDS = 60
_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """``"1200/min"`` → (1200, 60): requests allowed, and the window in seconds (s, min, hour or day)."""
    count, period = rate.split("/")
    return int(count), _PERIODS[period.strip()[0].lower()]


def configured_rate(scope: str) -> tuple[int, int] | None:
    """The ``DEFAULT_THROTTLE_RATES`` entry for ``scope``, read at each request (so settings may change)."""
    rate = api_settings.DEFAULT_THROTTLE_RATES.get(scope)
    return parse_rate(str(rate)) if rate else None


class _FixedWindowThrottle(BaseThrottle):
    """Counts a request against the budget ``budget()`` names; None means this throttle does not apply."""

    def __init__(self) -> None:
        self._wait: float | None = None

    def budget(self, request: Any) -> tuple[str, int, int] | None:
        """(counter name, requests allowed, window seconds) for this request, or None."""
        raise NotImplementedError

    def allow_request(self, request: Any, view: Any) -> bool:
        budget = self.budget(request)
        if budget is None:
            return True
        name, limit, period = budget
        now = time.time()
        hit = ratelimit.hit(name, period, now)
        request._request.rate_limit = (limit, max(limit - hit.count, 0), hit.reset_at)
        if hit.count > limit:
            self._wait = hit.reset_at - now
            return False
        return True

    def wait(self) -> float | None:
        return max(1, math.ceil(self._wait)) if self._wait is not None else None


class ApiKeyRateThrottle(_FixedWindowThrottle):
    def budget(self, request: Any) -> tuple[str, int, int] | None:
        api_key = request.auth
        if not isinstance(api_key, ApiKey):
            return None
        return f"apikey:{api_key.pk}", api_key.integration.rate_limit_per_minute, WINDOW_SECONDS


class StaffRateThrottle(_FixedWindowThrottle):
    """Staff accounts: the ``user`` rate. Not API keys: they have their own limit."""

    scope = "user"

    def budget(self, request: Any) -> tuple[str, int, int] | None:
        if isinstance(request.auth, ApiKey) or not request.user.is_authenticated:
            return None
        rate = configured_rate(self.scope)
        return None if rate is None else (f"user:{request.user.pk}", *rate)


class AnonRateThrottle(_FixedWindowThrottle):
    """Calls without an account (the API documentation and schema): the ``anon`` rate, per client address."""

    scope = "anon"

    def budget(self, request: Any) -> tuple[str, int, int] | None:
        if request.user.is_authenticated:
            return None
        rate = configured_rate(self.scope)
        if rate is None:
            return None
        # The address may be a long X-Forwarded-For list: hash it into a short, safe cache key.
        # The client's address as core.client_ip sees it (behind HELPDESK_TRUSTED_PROXIES only), not DRF's
        # get_ident, which believes any X-Forwarded-For a caller sends.
        ident = hashlib.sha256((client_ip(request._request) or "").encode()).hexdigest()[:32]
        return (f"anon:{ident}", *rate)
