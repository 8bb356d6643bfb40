"""A send lost with its worker comes back within a minute, not ten, and still invites nobody twice."""

import pytest

from integrations import services
from integrations.models import Invitation
from integrations.services import leases, sending
from integrations.states import InvitationState
from integrations.tasks import requeue_stale_sends
from tests.factories import InvitationFactory
from tests.waiting import wait_for


class WorkerDied(BaseException):
    """What a SIGKILL looks like from inside the task: nothing after it runs."""


@pytest.fixture
def fast_reconcile(settings):
    settings.INVITE_LEASE = 30
    settings.INVITE_IN_DOUBT_GRACE = 5  # the dead worker's last request cannot still be on its way
    return settings


def send_and_die_before_recording(monkeypatch, ids: list[int]) -> None:
    """The worker is killed after the vendor answered, before the answers are recorded."""

    def die(*args, **kwargs):
        raise WorkerDied

    with monkeypatch.context() as patched:
        patched.setattr(sending, "_record", die)
        with pytest.raises(WorkerDied):
            services.send_batch(ids)


def sweep(run_tasks) -> int:
    """What beat runs every INVITE_SWEEP_EVERY seconds, with the sends it enqueues run at once."""
    return run_tasks(requeue_stale_sends.apply).get()


@pytest.mark.django_db
def test_a_worker_that_dies_after_the_vendor_accepted_is_replaced_once_its_lease_runs_out(
    fast_reconcile, clock, mapped_stage, applicants, control, run_tasks, monkeypatch
):
    job, _, assessment = mapped_stage("wedgehr", invite_on_entry=False)
    bulk = services.request_invitations(applicants(job, 10), assessment)  # its task never runs: it died
    ids = list(Invitation.objects.filter(bulk_send=bulk).values_list("pk", flat=True))

    send_and_die_before_recording(monkeypatch, ids)
    assert Invitation.objects.filter(pk__in=ids, state=InvitationState.SENDING).count() == 10
    assert sum(control.invites("wedgehr")[assessment.remote_id].values()) == 10  # sent, never recorded

    clock.advance(29)
    assert sweep(run_tasks) == 0, "the sweep took sends whose lease still runs"

    clock.advance(2)
    assert sweep(run_tasks) == 10
    invitations = Invitation.objects.filter(pk__in=ids)
    assert set(invitations.values_list("state", flat=True)) == {InvitationState.INVITED}
    per_email = control.invites("wedgehr")[assessment.remote_id]
    assert len(per_email) == 10 and set(per_email.values()) == {1}, "someone was invited twice"


@pytest.mark.django_db
def test_a_retry_lost_with_its_worker_comes_back_after_it_was_due(
    fast_reconcile, clock, mapped_stage, applicants, control, run_tasks
):
    job, _, assessment = mapped_stage("wedgehr", invite_on_entry=False)
    bulk = services.request_invitations(applicants(job, 3), assessment)
    ids = list(Invitation.objects.filter(bulk_send=bulk).values_list("pk", flat=True))
    control.control("wedgehr/faults", {"error_rate": 1.0})
    outcome = services.send_batch(ids)
    services.note_next_attempt(outcome.retry_ids, 20, outcome.last_error)  # the retry, 20 s away, is then lost
    control.control("wedgehr/faults", {"error_rate": 0.0})
    assert sorted(outcome.retry_ids) == sorted(ids)

    clock.advance(20 + 29)
    assert sweep(run_tasks) == 0, "the sweep took a retry that was not overdue yet"

    clock.advance(2)
    assert sweep(run_tasks) == 3
    assert set(Invitation.objects.filter(pk__in=ids).values_list("state", flat=True)) == {InvitationState.INVITED}
    assert set(control.invites("wedgehr")[assessment.remote_id].values()) == {1}


@pytest.mark.django_db
def test_a_queued_send_whose_task_was_taken_by_a_dead_worker_comes_back_after_the_requeue_wait(
    settings, clock, mapped_stage, applicants, control, run_tasks
):
    settings.INVITE_REQUEUE_WAIT = 60
    settings.INVITE_STALE_AFTER = 600
    job, _, assessment = mapped_stage("wedgehr", invite_on_entry=False)
    bulk = services.request_invitations(applicants(job, 2), assessment)  # a worker took its task, then died
    ids = list(Invitation.objects.filter(bulk_send=bulk).values_list("pk", flat=True))

    clock.advance(59)
    assert services.take_lost_sends() == [], "a healthy queue was taken before its wait ran out"
    clock.advance(2)
    assert sweep(run_tasks) == 2
    assert services.take_lost_sends() == [], "sent again at every sweep instead of once per wait"
    assert set(Invitation.objects.filter(pk__in=ids).values_list("state", flat=True)) == {InvitationState.INVITED}

    services.send_batch(ids)  # the task the dead worker held, redelivered after all: the claim stops it
    assert set(control.invites("wedgehr")[assessment.remote_id].values()) == {1}


@pytest.mark.django_db
def test_a_long_backlog_is_enqueued_again_at_most_once_per_wait(settings, clock, mapped_stage, applicants):
    settings.INVITE_REQUEUE_WAIT = 60
    job, _, assessment = mapped_stage("wedgehr", invite_on_entry=False)
    services.request_invitations(applicants(job, 2), assessment)  # still waiting behind a long queue

    clock.advance(61)
    assert [len(batch) for batch in services.take_lost_sends()] == [2]
    clock.advance(59)
    assert services.take_lost_sends() == [], "the re-enqueue did not renew the wait"
    clock.advance(2)
    assert [len(batch) for batch in services.take_lost_sends()] == [2]


@pytest.mark.django_db
def test_a_failed_send_sent_again_gets_the_requeue_wait(settings, clock, mapped_stage, applicants):
    settings.INVITE_REQUEUE_WAIT = 60
    job, _, assessment = mapped_stage("wedgehr", invite_on_entry=False)
    bulk = services.request_invitations(applicants(job, 1), assessment)
    invitation = Invitation.objects.get(bulk_send=bulk)
    Invitation.objects.filter(pk=invitation.pk).update(state=InvitationState.FAILED, lease_expires_at=None)
    assert services.send_again(invitation)  # its task is lost too

    clock.advance(61)
    assert services.take_lost_sends() == [[invitation.pk]]


@pytest.mark.django_db(transaction=True)
def test_a_send_in_progress_keeps_renewing_its_lease(settings, mapped_stage):
    settings.INVITE_LEASE = 0.3  # renewed every 0.1 s of real time, by the worker's own thread
    _, _, assessment = mapped_stage("wedgehr", invite_on_entry=False)
    ids = [InvitationFactory(assessment=assessment, state=InvitationState.SENDING).pk for _ in range(2)]
    invitations = Invitation.objects.filter(pk__in=ids)  # (no task of their own: a worker thread would take them)
    leases.renew(ids)
    first = {i.pk: i.lease_expires_at for i in invitations}

    with leases.held(ids):
        renewed = wait_for(lambda: all(i.lease_expires_at > first[i.pk] for i in invitations.all()), 10, every=0.05)
    assert renewed, "a long send would be taken by the sweep while its worker is alive"


@pytest.mark.django_db
def test_lost_sends_of_several_vendors_each_go_to_their_own_vendor(
    settings, clock, mapped_stage, applicants, run_tasks
):
    settings.INVITE_STALE_AFTER = 600
    for vendor in ("wedgehr", "hireflix"):
        job, _, assessment = mapped_stage(vendor, invite_on_entry=False)
        services.request_invitations(applicants(job, 3), assessment)  # their tasks were lost with the broker

    clock.advance(601)
    assert sweep(run_tasks) == 6

    sent = Invitation.objects.values_list("assessment__account__vendor", "state")
    assert sorted(sent) == [("hireflix", InvitationState.INVITED)] * 3 + [("wedgehr", InvitationState.INVITED)] * 3


@pytest.mark.django_db
def test_a_lost_answer_is_looked_up_once_the_vendor_settled_not_after_the_whole_grace(
    settings, clock, mapped_stage, applicants, control
):
    settings.INVITE_IN_DOUBT_GRACE = 40  # for a request that may still be on its way
    settings.INVITE_SETTLE_AFTER = 10  # for one that ended without its answer
    job, _, assessment = mapped_stage("wedgehr", invite_on_entry=False)
    bulk = services.request_invitations(applicants(job, 2), assessment)
    ids = list(Invitation.objects.filter(bulk_send=bulk).values_list("pk", flat=True))
    control.control("wedgehr/faults", {"drop_rate": 1.0})
    assert sorted(services.send_batch(ids).retry_ids) == sorted(ids)  # applied, the answer lost

    clock.advance(1)
    early = services.send_batch(ids)
    assert sorted(early.retry_ids) == sorted(ids) and early.retry_after == 9, "looked up before the vendor settled"

    clock.advance(9)
    control.control("wedgehr/faults", {"drop_rate": 0.0, "error_rate": 1.0})
    assert sorted(services.send_batch(ids).retry_ids) == sorted(ids)  # the lookup itself failed

    clock.advance(1)  # a lookup sends nothing: no new wait
    control.control("wedgehr/faults", {"error_rate": 0.0})
    assert services.send_batch(ids).retry_ids == []
    assert set(Invitation.objects.filter(pk__in=ids).values_list("state", flat=True)) == {InvitationState.INVITED}
    assert set(control.invites("wedgehr")[assessment.remote_id].values()) == {1}


@pytest.mark.django_db
def test_an_attempt_that_died_mid_send_keeps_others_off_for_the_grace(
    fast_reconcile, clock, mapped_stage, applicants, control, monkeypatch
):
    job, _, assessment = mapped_stage("wedgehr", invite_on_entry=False)
    bulk = services.request_invitations(applicants(job, 2), assessment)
    ids = list(Invitation.objects.filter(bulk_send=bulk).values_list("pk", flat=True))

    send_and_die_before_recording(monkeypatch, ids)
    clock.advance(4)
    assert sorted(services.send_batch(ids).retry_ids) == sorted(ids), "taken while its request may be on its way"
    clock.advance(2)
    assert services.send_batch(ids).retry_ids == []
    assert set(control.invites("wedgehr")[assessment.remote_id].values()) == {1}
