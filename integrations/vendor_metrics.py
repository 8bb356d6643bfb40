"""Requests, errors and rate-limit waits per vendor key over the last hour, for the status page.

Counted in five-minute buckets in Django's cache (Redis when REDIS_URL is set, else the file cache
that the web process and the workers share), under the same vendor key the rate limiter uses, so
two accounts with the same keys share their counts as they share their window. Counting is best
effort: the file cache's increment is not atomic across processes, and a cache error loses the count
rather than failing the vendor call it was counting.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

from django.core.cache import cache

logger = logging.getLogger(__name__)

REQUESTS = "requests"
ERRORS = "errors"
# Calls that found our limiter's window full, and answers 429 from the vendor's own limit.
RATE_LIMIT_WAITS = "rate_limit_waits"
METRICS = (REQUESTS, ERRORS, RATE_LIMIT_WAITS)

BUCKET_SECONDS = 300
WINDOW_BUCKETS = 12  # the last hour: the current bucket and the eleven before it
_TTL = BUCKET_SECONDS * (WINDOW_BUCKETS + 1)


def _key(vendor: str, account_key: str, metric: str, bucket: int) -> str:
    return f"vm:{vendor}:{account_key}:{metric}:{bucket}"


def record(vendor: str, account_key: str, metric: str, now: float | None = None) -> None:
    """Count one event; never raises."""
    bucket = int((time.time() if now is None else now) // BUCKET_SECONDS)
    key = _key(vendor, account_key, metric, bucket)
    try:
        try:
            cache.incr(key)
        except ValueError:  # the bucket's first event
            if not cache.add(key, 1, timeout=_TTL):
                cache.incr(key)  # another process created it meanwhile
                return
            # The file cache deletes an expired entry only when it is read, and these never are once
            # out of the window: drop the previous hour's here, so that they do not pile up.
            cache.delete_many(
                [
                    _key(vendor, account_key, metric, old)
                    for old in range(bucket - 2 * WINDOW_BUCKETS, bucket - WINDOW_BUCKETS + 1)
                ]
            )
    except Exception as exc:
        logger.warning("could not count a %s %s in the cache: %r", vendor, metric, exc)


def _window(now: float | None) -> range:
    current = int((time.time() if now is None else now) // BUCKET_SECONDS)
    return range(current - WINDOW_BUCKETS + 1, current + 1)


def reset(keys: Iterable[tuple[str, str]], now: float | None = None) -> None:
    """Forget the last hour's counts of these (vendor, account key) pairs (for tests)."""
    cache.delete_many(
        [
            _key(vendor, account_key, metric, bucket)
            for vendor, account_key in keys
            for metric in METRICS
            for bucket in _window(now)
        ]
    )


def last_hour(keys: Iterable[tuple[str, str]], now: float | None = None) -> dict[tuple[str, str], dict[str, int]]:
    """{(vendor, account key): {metric: count in the last hour}}, read in one cache call; zeros if the cache fails."""
    keys = list(dict.fromkeys(keys))
    buckets = _window(now)
    wanted = {
        _key(vendor, account_key, metric, bucket): (vendor, account_key, metric)
        for vendor, account_key in keys
        for metric in METRICS
        for bucket in buckets
    }
    try:
        found = cache.get_many(list(wanted))
    except Exception:
        logger.warning("could not read the vendor counts from the cache", exc_info=True)
        found = {}
    counts = {key: dict.fromkeys(METRICS, 0) for key in keys}
    for cache_key, value in found.items():
        vendor, account_key, metric = wanted[cache_key]
        counts[(vendor, account_key)][metric] += int(value)
    return counts
