"""A local-memory cache whose reads and writes take a millisecond, like Redis's over the network: concurrent
requests then interleave in it as they do across processes. Its ``incr`` stays atomic (LocMemCache's lock)."""

from __future__ import annotations

import time
from typing import Any

from django.core.cache.backends.locmem import LocMemCache

LATENCY_SECONDS = 0.001


class LatentLocMemCache(LocMemCache):
    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        time.sleep(LATENCY_SECONDS)
        return super().get(key, default, version)

    def set(self, key: Any, value: Any, timeout: Any = 300, version: Any = None) -> None:
        time.sleep(LATENCY_SECONDS)
        super().set(key, value, timeout, version)
