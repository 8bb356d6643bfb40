"""What the webhook endpoint keeps of a delivery it cannot trust yet, and how often it listens to one sender.

An unauthenticated delivery costs us a row of bounded size (its headers, the first few KB,
the length and SHA-256 of the whole), and a sender past its rate is answered 429 before any
row is written.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
import weakref
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest
from limits import parse

logger = logging.getLogger(__name__)

# Never stored: credentials a proxy or a vendor might put in headers.
SECRET_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization", "x-api-key"})


def printable(raw: bytes) -> str:
    """The bytes as text, invalid UTF-8 and NULs escaped (``\\xff``, ``\\x00``): PostgreSQL refuses a NUL in text."""
    return raw.decode("utf-8", errors="backslashreplace").replace("\x00", "\\x00")


def safe_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {
        printable(k.encode(errors="backslashreplace")): printable(v.encode(errors="backslashreplace"))
        for k, v in headers.items()
        if k.lower() not in SECRET_HEADERS
    }


def kept_body(body: bytes, *, authenticated: bool) -> dict[str, Any]:
    """The WebhookEvent fields for a body: whole once authenticated, else only its head."""
    head = body if authenticated else body[: settings.WEBHOOK_UNAUTHENTICATED_BODY_BYTES]
    return {"body": printable(head), "body_length": len(body), "body_sha256": hashlib.sha256(body).hexdigest()}


def retry_after(request: HttpRequest) -> int | None:
    """Seconds until the sender may post again, or None while it is within WEBHOOK_RATE_LIMIT.

    A fixed window counted in Django's cache (Redis when REDIS_URL is set, so every web
    process shares it); the address is hashed so that no IP is written to the cache.
    """
    if not settings.WEBHOOK_RATE_LIMIT:
        return None
    limit = parse(settings.WEBHOOK_RATE_LIMIT)
    window = limit.get_expiry()
    now = time.time()
    address = hashlib.sha256(source_address(request).encode()).hexdigest()[:24]
    key = f"webhook-rate:{address}:{int(now // window)}"
    try:
        count = _count(key, window)
    except Exception:  # the cache (Redis) is down: a vendor's delivery matters more than the limit
        logger.warning("webhook rate limit not checked: the cache is unavailable", exc_info=True)
        return None
    if count <= limit.amount:
        return None
    return max(1, math.ceil(window - now % window))


def _count(key: str, window: int) -> int:
    """Count one delivery in the window's key: on Redis one round trip (INCR and EXPIRE pipelined)."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        raw = backend.make_and_validate_key(key)
        pipe = _redis_client(backend).pipeline(transaction=False)
        pipe.incr(raw)
        pipe.expire(raw, window + 1)  # the key names its window: renewing the expiry is harmless
        count, _ = pipe.execute()
        return int(count)
    cache.add(key, 0, timeout=window + 1)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 1)
        return 1


_clients: weakref.WeakKeyDictionary[RedisCache, Any] = weakref.WeakKeyDictionary()


def _redis_client(backend: RedisCache) -> Any:
    """The cache's redis-py client, built once per backend (each thread has its own), not per delivery."""
    client = _clients.get(backend)
    if client is None:
        # Django's RedisCache offers no pipeline; its client (not in the stubs) does.
        client = _clients[backend] = backend._cache.get_client(write=True)  # type: ignore[attr-defined]
    return client


def source_address(request: HttpRequest) -> str:
    """The sender's address: REMOTE_ADDR, or behind a proxy the header it sets (WEBHOOK_CLIENT_ADDRESS_HEADER).

    Only a header the proxy overwrites can be trusted, and of a list it appends to only the
    last entry, the one the proxy itself added.
    """
    name = settings.WEBHOOK_CLIENT_ADDRESS_HEADER
    forwarded = request.headers.get(name, "") if name else ""
    return forwarded.split(",")[-1].strip() or str(request.META.get("REMOTE_ADDR", ""))
