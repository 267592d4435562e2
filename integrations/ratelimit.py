"""Fixed-window request counters for the API's rate limits: an atomic increment in the shared cache (Redis),
and a per-process counter in memory while the cache cannot be reached.

Atomic, so concurrent requests each get their own number: DRF's ``SimpleRateThrottle`` read each caller's
list of request times from the cache and wrote it back, so requests racing each other overwrote each other's
entries (a staff token at 1200/min had 1,300 of 1,300 requests accepted).

A cache error never fails a request. The first one switches this process to its own memory counters and
logs one warning; the cache is tried again at most every ``RETRY_SECONDS`` (so a dead or unreachable Redis
costs one connection attempt per process every few seconds, not one per request), and when it answers
again one more line says so. While Redis is down each process counts on its own: with N web processes a
caller may get up to N times its limit. A limit is a protection against floods, not a quota, and a
flood still meets a limit in each process.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from django.core.cache import cache

logger = logging.getLogger(__name__)

# After a cache error, count in memory for this long before trying the cache again.
RETRY_SECONDS = 5.0
# The cache keeps a window's counter a little past its end, so a late request never revives an old window.
EXPIRY_MARGIN_SECONDS = 5


@dataclass(frozen=True)
class Hit:
    """One counted request: its number in the window (1 for the first) and when the window ends (Unix time)."""

    count: int
    reset_at: int


class _LocalCounters:
    """Per-process fixed-window counters, used while the cache is unreachable. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[int, float]] = {}  # key -> (count, window end)

    def incr(self, key: str, window_end: float, now: float) -> int:
        with self._lock:
            if len(self._counts) > 10_000:  # forget ended windows now and then
                self._counts = {k: v for k, v in self._counts.items() if v[1] > now}
            count = self._counts.get(key, (0, window_end))[0] + 1
            self._counts[key] = (count, window_end)
            return count

    def clear(self) -> None:
        with self._lock:
            self._counts.clear()


class _CacheHealth:
    """Whether to use the cache, and the once-per-outage log lines. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._down_since: float | None = None
        self._retry_at = 0.0

    def use_cache(self, now: float) -> bool:
        with self._lock:
            return self._down_since is None or now >= self._retry_at

    def failed(self, now: float, error: Exception) -> None:
        with self._lock:
            first = self._down_since is None
            if first:
                self._down_since = now
            self._retry_at = now + RETRY_SECONDS
        if first:
            logger.warning(
                "rate limits: the cache is unreachable (%s: %s); counting in this process's memory until it is "
                "back (each process allows up to the full limit)",
                type(error).__name__,
                error,
            )

    def succeeded(self, now: float) -> None:
        if self._down_since is None:  # the usual case, without taking the lock
            return
        with self._lock:
            down_since, self._down_since = self._down_since, None
        if down_since is not None:
            logger.warning("rate limits: the cache answers again after %.0f s; counting there again", now - down_since)

    @property
    def is_down(self) -> bool:
        return self._down_since is not None

    def reset(self) -> None:
        with self._lock:
            self._down_since, self._retry_at = None, 0.0


_local = _LocalCounters()
_health = _CacheHealth()


def _cache_incr(key: str, timeout: int) -> int:
    # add() creates the window's counter once (it is a no-op when it exists); incr() is atomic in Redis and
    # under LocMemCache's lock, so no two requests get the same number.
    cache.add(key, 0, timeout)
    try:
        return int(cache.incr(key))
    except ValueError:  # evicted between add and incr: start it again
        cache.add(key, 0, timeout)
        return int(cache.incr(key))


def hit(name: str, period: int, now: float | None = None) -> Hit:
    """Count one request for ``name`` (e.g. ``"apikey:12"``) in the current ``period``-second window.

    Windows are aligned to Unix time (a minute window ends at the minute). Never raises for a cache outage.
    """
    now = time.time() if now is None else now
    window = int(now // period)
    reset_at = (window + 1) * period
    key = f"throttle:{name}:{window}"
    if _health.use_cache(now):
        try:
            count = _cache_incr(key, period + EXPIRY_MARGIN_SECONDS)
        except Exception as error:  # noqa: BLE001 - any cache or network error: count locally instead
            _health.failed(now, error)
        else:
            _health.succeeded(now)
            return Hit(count, reset_at)
    return Hit(_local.incr(key, reset_at, now), reset_at)


def counting_locally() -> bool:
    """True while this process counts in memory because the cache failed."""
    return _health.is_down


def reset() -> None:
    """Forget the local counters and the outage state (tests)."""
    _local.clear()
    _health.reset()
