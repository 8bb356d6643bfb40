"""The whole pipeline with a real Celery worker, the sandbox vendors and a live server for webhooks.

Rows must be committed for the worker to see them: these tests use transaction=True.
"""

import threading
import time
from collections.abc import Callable

import pytest
from celery.worker import state as worker_state

from candidates.services import move_to_stage
from integrations import services
from integrations.models import BulkSend, Invitation, WebhookEvent
from integrations.selectors import bulk_send_progress
from integrations.states import FINAL_STATES, InvitationState
from integrations.tasks import apply_pending_webhooks
from tests.waiting import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def pipeline(celery_worker_thread, live_server, settings, control):
    """Webhooks reach this app through the live server; retries are quick."""
    settings.SITE_URL = live_server.url
    settings.INVITE_RETRY_BACKOFF = 0.05
    settings.INVITE_RETRY_BACKOFF_MAX = 0.5
    settings.INVITE_IN_DOUBT_GRACE = 0.5
    # The shared limiter is tested on its own; here it must not be what the run measures.
    settings.VENDOR_RATE_LIMITS = {**settings.VENDOR_RATE_LIMITS, "wedgehr": "6000/minute", "hireflix": "6000/minute"}
    yield control
    # Quiesce before the database is flushed: no more deliveries, and every one received applied.
    hub = control.running.app.hub
    hub.scheduler.clear()
    drained = threading.Event()
    hub.scheduler.call_later(0, drained.set)  # runs once the delivery in flight, if any, is done
    assert drained.wait(15)
    unapplied = WebhookEvent.objects.filter(verdict=WebhookEvent.Verdict.ACCEPTED, processed_at=None)
    assert wait_for(swept(lambda: not unapplied.exists()), 15)
    assert wait_for(worker_idle, 15)


def swept(check: Callable[[], bool]) -> Callable[[], bool]:
    """The check, after what beat sends every second: the sweep that applies stored webhook events."""

    def tick() -> bool:
        apply_pending_webhooks()
        return check()

    return tick


def worker_idle() -> bool:
    """Nothing running, nothing reserved, no retry waiting on its countdown."""
    return not (worker_state.active_requests or worker_state.reserved_requests or worker_state.scheduled_requests)


def point_webhooks(control, account):
    if account.sends_webhooks:
        control.control(f"{account.vendor}/webhook", {"url": account.webhook_url(), "secret": account.webhook_secret})


@pytest.mark.parametrize("vendor", ["wedgehr", "hireflix", "intervue"])
def test_a_stage_move_invites_and_the_vendor_status_reaches_completed(pipeline, mapped_stage, applicants, vendor):
    job, stage, assessment = mapped_stage(vendor)
    point_webhooks(pipeline, assessment.account)
    application = applicants(job, 1)[0]

    move_to_stage([application], stage)

    def state():
        return Invitation.objects.get(application=application).state

    assert wait_for(lambda: Invitation.objects.filter(application=application, state="invited").exists(), 20), state()
    invitation = Invitation.objects.get(application=application)
    ref = invitation.remote_id if vendor == "hireflix" else application.candidate.email
    pipeline.control(f"{vendor}/advance", {"ref": ref, "action": "completed"})
    if vendor == "wedgehr":  # no webhooks: the beat job's poll brings the news
        services.poll_account(assessment.account)
    assert wait_for(swept(lambda: state() == InvitationState.COMPLETED), 20), state()
    sources = set(Invitation.objects.get(pk=invitation.pk).events.values_list("source", flat=True))
    assert ("poll" if vendor == "wedgehr" else "webhook") in sources


@pytest.mark.parametrize("vendor", ["wedgehr", "hireflix", "intervue"])
def test_a_bulk_send_of_300_through_faults_invites_everyone_exactly_once(pipeline, mapped_stage, applicants, vendor):
    job, _, assessment = mapped_stage(vendor, invite_on_entry=False)
    applications = applicants(job, 300)
    pipeline.control(
        f"{vendor}/faults", {"error_rate": 0.05, "rate_limit_rate": 0.05, "drop_rate": 0.05, "retry_after": 0}
    )
    services.request_invitations(applications[:20], assessment)  # some were invited before
    assert wait_for(
        lambda: not Invitation.objects.filter(assessment=assessment, state__in=["queued", "sending"]).exists()
    )
    requests_before = pipeline.requests(vendor)
    started = time.monotonic()
    bulk = services.request_invitations(applications, assessment)

    def settled():
        return (
            not Invitation.objects.filter(assessment=assessment).exclude(state__in=FINAL_STATES | {"invited"}).exists()
        )

    assert wait_for(settled, 120), bulk_send_progress(bulk)["counts"]
    elapsed = time.monotonic() - started
    progress = bulk_send_progress(BulkSend.objects.get(pk=bulk.pk))
    assert progress["skipped"] == 20
    assert progress["queued"] == 0
    assert progress["sent"] + progress["failed"] + progress["skipped"] == bulk.total == 300
    assert progress["failed"] == 0, [i.last_error for i in progress["failures"]]
    per_email = pipeline.invites(vendor)[assessment.remote_id]
    assert len(per_email) == 300 and set(per_email.values()) == {1}, "someone was invited twice or not at all"
    per_invite = (pipeline.requests(vendor) - requests_before) / 280
    rate = 280 / elapsed
    print(f"\n{vendor}: 280 invites through faults in {elapsed:.1f}s ({rate:.0f}/s, {per_invite:.2f} requests each)")
