"""The retry policy of every task that calls a vendor: exponential backoff with jitter, honouring Retry-After.

The numbers come from the settings (INVITE_RETRY_BACKOFF, INVITE_RETRY_BACKOFF_MAX, INVITE_MAX_RETRIES).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from django.conf import settings

from .vendors.errors import Retryable, UnknownOutcome


def backoff(attempt: int, retry_after: float | None = None) -> float:
    """Seconds to wait before retry number ``attempt`` (0-based): doubling, capped, never before Retry-After.

    The jitter (up to a quarter more) keeps workers that failed together from retrying together.
    """
    delay = min(settings.INVITE_RETRY_BACKOFF * 2**attempt, settings.INVITE_RETRY_BACKOFF_MAX)
    return max(retry_after or 0, delay) * random.uniform(1.0, 1.25)


def call_with_retries(task: Any, call: Callable[[], object], give_up: Callable[[str], object]) -> None:
    """Run a bound task's vendor call: a Retryable or UnknownOutcome retries the task with ``backoff``;
    once its retries are spent, ``give_up`` records the last error where a person will see it."""
    try:
        call()
    except (Retryable, UnknownOutcome) as exc:
        if task.request.retries >= task.max_retries:
            give_up(str(exc))
            return
        raise task.retry(countdown=backoff(task.request.retries, exc.retry_after), exc=exc) from exc
