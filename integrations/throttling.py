"""Per-key rate limit: a fixed one-minute window counted with an atomic INCR in the shared cache (Redis)."""

from __future__ import annotations

import math
import time
from typing import Any

from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

from .models import ApiKey

WINDOW_SECONDS = 60


class ApiKeyRateThrottle(BaseThrottle):
    def __init__(self) -> None:
        self._wait: float | None = None

    def allow_request(self, request: Any, view: Any) -> bool:
        api_key = request.auth
        if not isinstance(api_key, ApiKey):
            return True
        limit = api_key.integration.rate_limit_per_minute
        now = time.time()
        window = int(now // WINDOW_SECONDS)
        cache_key = f"throttle:apikey:{api_key.pk}:{window}"
        cache.add(cache_key, 0, WINDOW_SECONDS + 5)
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.add(cache_key, 1, WINDOW_SECONDS + 5)
            count = 1
        request._request.rate_limit = (limit, max(limit - count, 0), (window + 1) * WINDOW_SECONDS)
        if count > limit:
            self._wait = (window + 1) * WINDOW_SECONDS - now
            return False
        return True

    def wait(self) -> float | None:
        return math.ceil(self._wait) if self._wait is not None else None
