"""One rate limit per vendor key, shared by every client (and, through Redis, every worker)."""

import uuid

import pytest

from integrations.ratelimit import throttle_for
from integrations.vendors.errors import Retryable


@pytest.fixture
def key():
    return f"account-{uuid.uuid4().hex}"  # a fresh window, whichever storage is configured


def test_the_limit_is_shared_by_every_throttle_of_one_key(settings, key):
    settings.VENDOR_RATE_LIMITS = {**settings.VENDOR_RATE_LIMITS, "intervue": "5/minute"}
    first, second = throttle_for("intervue", key, max_wait=0), throttle_for("intervue", key, max_wait=0)
    for _ in range(3):
        first()
    second()
    second()
    with pytest.raises(Retryable) as refused:
        first()
    assert 0 < refused.value.retry_after <= 60
    throttle_for("intervue", f"{key}-other", max_wait=0)()  # another key has its own window


def test_a_short_wait_is_waited_out_instead_of_failing(settings, key):
    settings.VENDOR_RATE_LIMITS = {**settings.VENDOR_RATE_LIMITS, "wedgehr": "2/second"}
    throttle = throttle_for("wedgehr", key, max_wait=3)
    for _ in range(5):
        throttle()  # the third and later calls wait for the window instead of raising
