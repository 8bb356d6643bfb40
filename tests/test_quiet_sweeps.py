"""The worker log shows what happened, not the webhook sweep that runs every second with nothing to do."""

import pytest

from config.tasks import heartbeat
from integrations.models import WebhookEvent
from integrations.tasks import apply_pending_webhooks
from tests import workers
from tests.factories import VendorAccountFactory
from tests.waiting import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

QUEUE = "quiet-sweeps-test"  # its own queue: no other test's worker takes these tasks


def test_an_idle_sweep_writes_no_log_line_and_one_that_applied_events_does(tmp_path):
    log = tmp_path / "worker.log"
    worker = workers.start_worker(log, options=("--without-mingle", "--without-gossip", "--loglevel=INFO", "-Q", QUEUE))
    try:
        for _ in range(3):
            apply_pending_webhooks.apply_async(kwargs={"older_than": 0}, queue=QUEUE)
        heartbeat.apply_async(queue=QUEUE)
        assert wait_for(lambda: "config.tasks.heartbeat" in log.read_text() and "succeeded" in log.read_text())
        assert "apply_pending_webhooks[" not in log.read_text()  # the banner lists it without an id

        account = VendorAccountFactory(vendor="intervue")
        WebhookEvent.objects.create(
            account=account, vendor="intervue", verdict=WebhookEvent.Verdict.ACCEPTED, event_type="completed"
        )
        apply_pending_webhooks.apply_async(kwargs={"older_than": 0}, queue=QUEUE)
        assert wait_for(lambda: "apply_pending_webhooks[" in log.read_text()), log.read_text()[-2000:]
    finally:
        workers.stop_worker(worker)
    assert "succeeded" in [line for line in log.read_text().splitlines() if "apply_pending_webhooks[" in line][-1]
