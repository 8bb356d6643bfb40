"""A worker killed in the middle of a batch, then restarted, finishes it: nobody twice, nobody lost."""

import os
import signal

import pytest

from integrations import services
from integrations.models import Invitation
from integrations.states import InvitationState
from integrations.tasks import requeue_stale_sends
from tests import workers
from tests.waiting import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def start_worker():
    return workers.start_worker(
        CELERY_VISIBILITY_TIMEOUT="3",  # Redis hands an unacknowledged task out again after this
        INVITE_STALE_AFTER="2",
        INVITE_LEASE="2",  # a lease the dead worker stops renewing runs out after this
    )


def test_a_worker_killed_mid_batch_then_restarted_invites_everyone_once(
    without_thread_worker, mapped_stage, applicants, control
):
    job, _, assessment = mapped_stage("wedgehr", invite_on_entry=False)
    control.control("wedgehr/faults", {"latency_ms": 100})  # slow enough to be caught in the middle
    bulk = services.request_invitations(applicants(job, 100), assessment)
    invitations = Invitation.objects.filter(bulk_send=bulk)

    worker = start_worker()
    try:

        def mid_batch():
            # Claimed rows, some of which the vendor already has, but no answer recorded yet.
            reached = sum(control.invites("wedgehr").get(assessment.remote_id, {}).values())
            return reached >= 5 and invitations.filter(state=InvitationState.SENDING).exists()

        assert wait_for(mid_batch, 60, every=0.02)
        os.killpg(worker.pid, signal.SIGKILL)  # no warm shutdown: the batch is cut off mid-flight
        worker.wait(10)
        in_flight = invitations.filter(state=InvitationState.SENDING).count()
        reached = sum(control.invites("wedgehr").get(assessment.remote_id, {}).values())
        recorded = invitations.filter(state=InvitationState.INVITED).count()
        assert in_flight > 0 and reached > recorded, "the worker was not killed in the middle of a batch"

        worker = start_worker()

        def finished() -> bool:
            if not invitations.exclude(state=InvitationState.INVITED).exists():
                return True
            requeue_stale_sends.delay()  # what beat does every two minutes, for tasks a broker could not return
            return False

        assert wait_for(finished, 90, every=1.0), list(invitations.values_list("state", flat=True).distinct())
    finally:
        workers.stop_worker(worker)

    per_email = control.invites("wedgehr")[assessment.remote_id]
    assert len(per_email) == 100 and set(per_email.values()) == {1}
    print(
        f"\nkilled with {in_flight} in flight and {reached - recorded} sent but unrecorded; "
        f"after the restart all 100 invited exactly once"
    )
