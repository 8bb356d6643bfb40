"""One rate limiter per vendor key, shared by every worker.

A moving window kept in Redis (atomic Lua in the ``limits`` library) when
REDIS_URL is set; in process memory on the embedded defaults, where the vendor's
own 429 and Retry-After, which the pipeline honours, catch what one process
cannot see of another. Only a limit the vendor documents (or one set in the
settings) is enforced here; without one every call still passes through the
throttle, which then lets it go at once.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Mapping
from functools import cache

from django.conf import settings
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import MovingWindowRateLimiter

from . import vendor_metrics
from .vendors import REGISTRY
from .vendors.errors import Retryable


@cache
def _limiter(redis_url: str) -> MovingWindowRateLimiter:
    storage: Storage = RedisStorage(redis_url) if redis_url else MemoryStorage()
    return MovingWindowRateLimiter(storage)


def key_of(credentials: Mapping[str, str]) -> str:
    """The limiter's name for a set of keys: two accounts with the same vendor key share one window.

    A digest, so that no key is ever written into Redis or a log.
    """
    material = json.dumps(sorted(credentials.items()), separators=(",", ":"))
    return hashlib.sha256(material.encode()).hexdigest()[:24]


def reset() -> None:
    """Forget every window (for tests)."""
    _limiter(settings.REDIS_URL).storage.reset()


def limit_for(vendor: str) -> RateLimitItem | None:
    """The settings' limit for the vendor, else the one its document gives; None when there is neither."""
    configured = settings.VENDOR_RATE_LIMITS.get(vendor) or ""
    documented = REGISTRY[vendor].rate_limit if vendor in REGISTRY else None
    text = configured or documented
    return parse(text) if text else None


class Throttle:
    """Called before every request of one vendor key: waits for a free slot, or raises Retryable past ``max_wait``."""

    def __init__(self, vendor: str, account_key: str, max_wait: float | None = None) -> None:
        self.vendor = vendor
        self.account_key = account_key
        self.item = limit_for(vendor)
        self.max_wait = settings.VENDOR_RATE_LIMIT_MAX_WAIT if max_wait is None else max_wait

    def __repr__(self) -> str:
        return f"<Throttle {self.vendor} {self.item or 'unlimited'}>"

    def __call__(self) -> None:
        if self.item is None:
            return
        limiter = _limiter(settings.REDIS_URL)
        deadline = time.monotonic() + self.max_wait
        if limiter.hit(self.item, self.vendor, self.account_key):
            return
        # One wait per call that found no free slot, whether it then waits here or hands the wait to Celery.
        vendor_metrics.record(self.vendor, self.account_key, vendor_metrics.RATE_LIMIT_WAITS)
        while True:
            reset_at, _ = limiter.get_window_stats(self.item, self.vendor, self.account_key)
            wait = max(reset_at - time.time(), 0.05)
            if time.monotonic() + wait > deadline:
                raise Retryable(f"{self.vendor} rate limit of {self.item} reached", retry_after=wait)
            time.sleep(min(wait, 1.0))
            if limiter.hit(self.item, self.vendor, self.account_key):
                return


def throttle_for(vendor: str, account_key: str, max_wait: float | None = None) -> Throttle:
    return Throttle(vendor, account_key, max_wait)
