"""One rate limiter per vendor key, shared by every worker.

Two parts, both kept in Redis when REDIS_URL is set (shared by every worker), in process
memory on the embedded defaults:

- a moving window (atomic Lua in the ``limits`` library) for a limit the vendor documents
  (intervue.io: 50 a minute) or one set in the settings; none is invented for the others;
- a pace that adapts to what the vendor says: a 429 stops every request of that key until its
  Retry-After has passed, then lets them go spaced out, the spacing shrinking with every answer
  that is not a 429 until the key is back at full speed. A key that never saw a 429 costs one
  read per request.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

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
    """Forget every window and every pace (for tests)."""
    _limiter(settings.REDIS_URL).storage.reset()
    _pace_store(settings.REDIS_URL).reset()


# The time as the pace sees it; tests replace both with the sandbox's clock instead of sleeping.
clock: Callable[[], float] = time.time
sleep: Callable[[float], None] = time.sleep

# After a 429 requests go at most this far apart at first; the spacing doubles with each further 429
# (up to PACE_MAX) and shrinks by PACE_RECOVERY with each answer that is not one, down to nothing.
PACE_FIRST = 0.05
PACE_MAX = 5.0
PACE_RECOVERY = 0.8
PACE_FULL_SPEED = 0.005  # a spacing below this is no spacing
PACE_DEFAULT_RETRY_AFTER = 1.0  # a 429 that names no wait


def _step(state: dict[str, float], op: str, now: float, arg: float) -> tuple[float, float]:
    """The pace's rule, on one key's state {until, interval, next}; returns (wait, interval).

    acquire (arg: the longest wait accepted): the slot of the next request, reserved only if
    its wait is accepted; slow (arg: Retry-After): a 429; ok: an answer that was not a 429.
    The Redis script below is this same rule in Lua.
    """
    until, interval, next_at = state.get("until", 0.0), state.get("interval", 0.0), state.get("next", 0.0)
    if op == "acquire":
        start = max(now, until, next_at)
        wait = start - now
        if interval > 0 and wait <= arg:
            state["next"] = start + interval
        return wait, interval
    if op == "slow":
        state["until"] = max(until, now + arg)
        state["interval"] = min(max(interval * 2, PACE_FIRST), PACE_MAX)
        return 0.0, state["interval"]
    interval *= PACE_RECOVERY
    state["interval"] = interval if interval >= PACE_FULL_SPEED else 0.0
    return 0.0, state["interval"]


_PACE_LUA = """
local until_ = tonumber(redis.call('HGET', KEYS[1], 'until') or '0')
local interval = tonumber(redis.call('HGET', KEYS[1], 'interval') or '0')
local next_at = tonumber(redis.call('HGET', KEYS[1], 'next') or '0')
local op, now, arg = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
if op == 'acquire' then
  local start = math.max(now, until_, next_at)
  if interval > 0 and start - now <= arg then redis.call('HSET', KEYS[1], 'next', tostring(start + interval)) end
  return {tostring(start - now), tostring(interval)}
end
if op == 'slow' then
  until_ = math.max(until_, now + arg)
  interval = math.min(math.max(interval * 2, tonumber(ARGV[4])), tonumber(ARGV[5]))
  redis.call('HSET', KEYS[1], 'until', tostring(until_), 'interval', tostring(interval))
  redis.call('EXPIRE', KEYS[1], 3600)
  return {'0', tostring(interval)}
end
interval = interval * tonumber(ARGV[6])
if interval < tonumber(ARGV[7]) then interval = 0 end
redis.call('HSET', KEYS[1], 'interval', tostring(interval))
return {'0', tostring(interval)}
"""
_PACE_PREFIX = "hiring:pace:"


class _MemoryPaces:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.states: dict[str, dict[str, float]] = {}

    def step(self, key: str, op: str, now: float, arg: float = 0.0) -> tuple[float, float]:
        with self.lock:
            state = self.states.get(key)
            if state is None:
                if op != "slow":
                    return 0.0, 0.0  # never slowed down: nothing to keep
                state = self.states[key] = {}
            return _step(state, op, now, arg)

    def reset(self) -> None:
        with self.lock:
            self.states.clear()


class _RedisPaces:
    def __init__(self, url: str) -> None:
        import redis

        self.redis = redis.Redis.from_url(url)
        self.script = self.redis.register_script(_PACE_LUA)

    def step(self, key: str, op: str, now: float, arg: float = 0.0) -> tuple[float, float]:
        name = _PACE_PREFIX + key
        if op != "slow" and not self.redis.exists(name):
            return 0.0, 0.0  # the usual case: one read
        args: list[Any] = [op, repr(now), repr(arg), PACE_FIRST, PACE_MAX, PACE_RECOVERY, PACE_FULL_SPEED]
        wait, interval = self.script(keys=[name], args=args)
        return float(wait), float(interval)

    def reset(self) -> None:
        for name in self.redis.scan_iter(f"{_PACE_PREFIX}*"):
            self.redis.delete(name)


@cache
def _pace_store(redis_url: str) -> _MemoryPaces | _RedisPaces:
    return _RedisPaces(redis_url) if redis_url else _MemoryPaces()


def limit_for(vendor: str) -> RateLimitItem | None:
    """The settings' limit for the vendor, else the one its document gives; None when there is neither."""
    configured = settings.VENDOR_RATE_LIMITS.get(vendor) or ""
    documented = REGISTRY[vendor].rate_limit if vendor in REGISTRY else None
    text = configured or documented
    return parse(text) if text else None


class Throttle:
    """Called before every request of one vendor key: waits for a free slot, or raises Retryable past ``max_wait``.

    ``answered`` is told every answer's status, so that a 429 slows the key down for every worker.
    """

    def __init__(self, vendor: str, account_key: str, max_wait: float | None = None) -> None:
        self.vendor = vendor
        self.account_key = account_key
        self.item = limit_for(vendor)
        self.max_wait = settings.VENDOR_RATE_LIMIT_MAX_WAIT if max_wait is None else max_wait
        self._paced = False  # this key was slowed down lately: answers count towards its recovery

    def __repr__(self) -> str:
        return f"<Throttle {self.vendor} {self.item or 'unlimited'}>"

    @property
    def _pace_key(self) -> str:
        return f"{self.vendor}:{self.account_key}"

    def __call__(self) -> None:
        self._wait_for_pace()
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

    def _wait_for_pace(self) -> None:
        store = _pace_store(settings.REDIS_URL)
        wait, interval = store.step(self._pace_key, "acquire", clock(), self.max_wait)
        self._paced = self._paced or wait > 0 or interval > 0
        if wait > self.max_wait:
            raise Retryable(f"{self.vendor} asked us to slow down", retry_after=wait)
        if wait > 0:
            sleep(wait)

    def answered(self, status: int, retry_after: float | None = None) -> None:
        """What the vendor answered: a 429 slows the key down for everyone, anything else speeds it up."""
        store = _pace_store(settings.REDIS_URL)
        if status == 429:
            store.step(
                self._pace_key, "slow", clock(), PACE_DEFAULT_RETRY_AFTER if retry_after is None else retry_after
            )
        else:
            store.step(self._pace_key, "ok", clock())


def throttle_for(vendor: str, account_key: str, max_wait: float | None = None) -> Throttle:
    return Throttle(vendor, account_key, max_wait)
