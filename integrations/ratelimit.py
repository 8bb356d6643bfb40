"""One rate limiter per vendor key, shared by every worker.

A moving window kept in Redis (atomic Lua in the ``limits`` library) when
REDIS_URL is set; in process memory on the embedded defaults, where the vendor's
own 429 and Retry-After, which the pipeline honours, catch what one process
cannot see of another.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import cache

from django.conf import settings
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import MovingWindowRateLimiter

from .vendors.errors import Retryable


@cache
def _limiter(redis_url: str) -> MovingWindowRateLimiter:
    storage: Storage = RedisStorage(redis_url) if redis_url else MemoryStorage()
    return MovingWindowRateLimiter(storage)


def limit_for(vendor: str) -> RateLimitItem:
    return parse(settings.VENDOR_RATE_LIMITS[vendor])


def throttle_for(vendor: str, account_key: str, max_wait: float | None = None) -> Callable[[], None]:
    """A throttle for VendorHTTP: waits for a free slot in the window, or raises Retryable past ``max_wait``."""
    limiter = _limiter(settings.REDIS_URL)
    item = limit_for(vendor)
    max_wait = settings.VENDOR_RATE_LIMIT_MAX_WAIT if max_wait is None else max_wait

    def throttle() -> None:
        deadline = time.monotonic() + max_wait
        while not limiter.hit(item, vendor, account_key):
            reset_at, _ = limiter.get_window_stats(item, vendor, account_key)
            wait = max(reset_at - time.time(), 0.05)
            if time.monotonic() + wait > deadline:
                raise Retryable(f"{vendor} rate limit of {item} reached", retry_after=wait)
            time.sleep(min(wait, 1.0))

    return throttle
