"""The retry policy of every task that calls a vendor: exponential backoff with jitter, honouring Retry-After.

The numbers come from the settings (INVITE_RETRY_BACKOFF, INVITE_RETRY_BACKOFF_MAX, INVITE_MAX_RETRIES).
"""

from __future__ import annotations

import random

from django.conf import settings


def backoff(attempt: int, retry_after: float | None = None) -> float:
    """Seconds to wait before retry number ``attempt`` (0-based): doubling, capped, never before Retry-After.

    The jitter (up to a quarter more) keeps workers that failed together from retrying together.
    """
    delay = min(settings.INVITE_RETRY_BACKOFF * 2**attempt, settings.INVITE_RETRY_BACKOFF_MAX)
    return max(retry_after or 0, delay) * random.uniform(1.0, 1.25)
