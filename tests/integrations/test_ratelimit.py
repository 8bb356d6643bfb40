"""One rate limit per vendor key, shared by every client (and, through Redis, every worker)."""

import uuid
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from integrations import services
from integrations.ats import pull
from integrations.models import Invitation, MergeLink
from integrations.ratelimit import Throttle, key_of, limit_for, throttle_for
from integrations.sandbox.merge import API_KEY, GREENHOUSE_TOKEN
from integrations.vendors.errors import Retryable
from tests.factories import invite_requests


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
    settings.VENDOR_RATE_LIMITS = {**settings.VENDOR_RATE_LIMITS, "wedgehr": "20/second"}
    throttle = throttle_for("wedgehr", key, max_wait=3)
    for _ in range(25):
        throttle()  # the 21st and later calls wait for the window instead of raising


def test_only_documented_limits_are_enforced_unless_configured(settings):
    settings.VENDOR_RATE_LIMITS = {"wedgehr": "", "hireflix": "", "intervue": "", "merge": ""}
    assert limit_for("intervue").amount == 50  # the documented 50 a minute
    assert limit_for("wedgehr") is None and limit_for("hireflix") is None and limit_for("merge") is None
    settings.VENDOR_RATE_LIMITS = {**settings.VENDOR_RATE_LIMITS, "wedgehr": "100/second"}
    assert limit_for("wedgehr").amount == 100


@pytest.fixture
def throttled(db, monkeypatch):
    """Every request let through a throttle, counted per (vendor, account key)."""
    passed: Counter = Counter()
    real = Throttle.__call__

    def counting(self: Throttle) -> None:
        passed[(self.vendor, self.account_key)] += 1
        real(self)

    monkeypatch.setattr(Throttle, "__call__", counting)
    return passed


@pytest.mark.parametrize("vendor", ["wedgehr", "hireflix", "intervue"])
def test_every_vendor_call_the_product_makes_passes_the_accounts_limiter(
    vendor, throttled, mapped_stage, applicants, control
):
    job, _, assessment = mapped_stage(vendor, invite_on_entry=False)  # connection check and catalog sync
    account = assessment.account
    services.check_connection(account)
    bulk = services.request_invitations(applicants(job, 3), assessment)
    services.send_batch(list(bulk.invitations.values_list("pk", flat=True)))
    invitation = Invitation.objects.filter(bulk_send=bulk).first()
    assert invitation.remote_id, invitation.last_error
    control.control(f"{vendor}/advance", {"ref": invitation.remote_id, "action": "completed"})
    # Overdue webhooks: the fallback poll asks the vendor about every open invitation.
    Invitation.objects.update(state_changed_at=timezone.now() - timedelta(days=1))
    services.poll_account(account)
    services.fetch_results(Invitation.objects.get(pk=invitation.pk))

    key = key_of(account.credentials)
    assert set(throttled) == {(vendor, key)}
    assert throttled[(vendor, key)] == control.requests(vendor) > 5


def test_every_merge_call_passes_the_links_limiter(throttled, sandbox, control):
    link = MergeLink.objects.create(
        name="Acme Greenhouse",
        base_url=f"{sandbox.url_for('merge')}/api/ats/v1",
        api_key=API_KEY,
        account_token=GREENHOUSE_TOKEN,
    )
    pull.pull(link, page_size=50)
    key = key_of({"api_key": API_KEY, "account_token": GREENHOUSE_TOKEN})
    assert set(throttled) == {("merge", key)}
    assert throttled[("merge", key)] == control.requests("merge") >= 3


def test_the_limiter_is_named_by_a_digest_of_the_keys_never_the_keys(settings):
    key = key_of({"api_token": "wedge-live-key-9c41e7a2"})
    assert "wedge-live-key" not in key and key == key_of({"api_token": "wedge-live-key-9c41e7a2"})
    assert key != key_of({"api_token": "another-key"})


@pytest.fixture
def paced_by_sandbox_clock(monkeypatch, sandbox_clock):
    """The pace reads the sandbox's clock, and a wait advances it instead of sleeping; returns the waits."""
    from integrations import ratelimit

    waits: list[float] = []

    def wait(seconds: float) -> None:
        waits.append(seconds)
        sandbox_clock.advance(seconds)

    monkeypatch.setattr(ratelimit, "clock", sandbox_clock.time)
    monkeypatch.setattr(ratelimit, "sleep", wait)
    return waits


@pytest.mark.parametrize("vendor", ["wedgehr", "hireflix"])
def test_without_a_429_an_undocumented_vendor_is_never_held_back(vendor, db, mapped_stage, paced_by_sandbox_clock):
    _, _, assessment = mapped_stage(vendor, invite_on_entry=False)
    results = assessment.account.client().invite(invite_requests(assessment, "free", 40))
    assert all(r.ok for r in results)
    assert paced_by_sandbox_clock == []  # no limit of our own making


def test_a_429_slows_the_key_down_for_every_worker_then_it_speeds_up_again(
    db, mapped_stage, control, paced_by_sandbox_clock
):
    _, _, assessment = mapped_stage("wedgehr", invite_on_entry=False)
    account = assessment.account
    control.control("wedgehr/faults", {"rate_limit_rate": 1.0, "retry_after": 3})
    refused = account.client().invite(invite_requests(assessment, "first", 1))
    assert isinstance(refused[0].error, Retryable) and refused[0].error.retry_after == 3
    control.control("wedgehr/faults", {"rate_limit_rate": 0.0})

    # Another worker's client of the same key holds its first request until Retry-After has passed,
    # then spaces the next ones out a little, less after every answer.
    other = account.client()
    other.concurrency = 1
    assert all(r.ok for r in other.invite(invite_requests(assessment, "second", 5)))
    assert paced_by_sandbox_clock[0] >= 2.9
    spacing = paced_by_sandbox_clock[1:]
    assert spacing and spacing == sorted(spacing, reverse=True)

    # Back at full speed: nothing waits any more.
    assert all(r.ok for r in other.invite(invite_requests(assessment, "third", 30)))
    paced_by_sandbox_clock.clear()
    assert all(r.ok for r in other.invite(invite_requests(assessment, "fourth", 10)))
    assert paced_by_sandbox_clock == []
