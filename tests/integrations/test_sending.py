"""Sending invitations, step by step against the sandbox (the worker-driven runs are in test_pipeline)."""

import pytest
from django.urls import reverse

from candidates.services import move_to_stage
from integrations import services
from integrations.models import BulkSend, Invitation, WebhookEvent
from integrations.states import InvitationState

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_grace(settings):
    settings.INVITE_IN_DOUBT_GRACE = 0
    settings.INVITE_SETTLE_AFTER = 0


def send_all(bulk):
    """What the tasks do, inline: send every batch, retrying what asks to be retried."""
    pending = list(bulk.invitations.values_list("pk", flat=True))
    for _ in range(20):
        if not pending:
            return
        pending = services.send_batch(pending).retry_ids
    raise AssertionError(f"still pending: {pending}")


def test_a_bulk_send_skips_and_reports_candidates_already_invited(mapped_stage, applicants, recruiter):
    job, _, assessment = mapped_stage("wedgehr", invite_on_entry=False)
    applications = applicants(job, 5)
    first = services.request_invitations(applications[:2], assessment, recruiter)
    second = services.request_invitations(applications, assessment, recruiter)
    assert (first.total, first.skipped) == (2, 0)
    assert (second.total, second.skipped) == (5, 2)
    assert Invitation.objects.count() == 5
    assert set(second.invitations.values_list("state", flat=True)) == {InvitationState.QUEUED}


def test_entering_a_mapped_stage_queues_invitations_after_commit(
    mapped_stage, applicants, recruiter, django_capture_on_commit_callbacks
):
    job, stage, _ = mapped_stage("hireflix")
    applications = applicants(job, 3)
    with django_capture_on_commit_callbacks() as callbacks:
        move_to_stage(applications, stage, by=recruiter)
    bulk = BulkSend.objects.get()
    assert (bulk.trigger, bulk.total, bulk.created_by) == (BulkSend.Trigger.STAGE, 3, recruiter)
    assert bulk.options["send_email"] is True
    assert len(callbacks) == 1  # one batch, enqueued only once the move is committed


@pytest.mark.parametrize("vendor", ["wedgehr", "hireflix", "intervue"])
def test_a_batch_is_invited_once_with_the_vendors_ids(mapped_stage, applicants, control, vendor):
    job, _, assessment = mapped_stage(vendor, invite_on_entry=False)
    bulk = services.request_invitations(applicants(job, 4), assessment)
    send_all(bulk)
    invitations = list(bulk.invitations.all())
    assert {i.state for i in invitations} == {InvitationState.INVITED}
    assert all(i.remote_id and i.attempts == 1 for i in invitations)
    counts = control.invites(vendor)[assessment.remote_id]
    assert sorted(counts.values()) == [1, 1, 1, 1]


@pytest.mark.parametrize("vendor", ["wedgehr", "hireflix"])
def test_a_dropped_answer_is_reconciled_without_inviting_twice(mapped_stage, applicants, control, vendor):
    job, _, assessment = mapped_stage(vendor, invite_on_entry=False)
    bulk = services.request_invitations(applicants(job, 3), assessment)
    ids = list(bulk.invitations.values_list("pk", flat=True))

    control.control(f"{vendor}/faults", {"drop_rate": 1.0})
    outcome = services.send_batch(ids)
    assert sorted(outcome.retry_ids) == sorted(ids)
    assert set(Invitation.objects.values_list("state", flat=True)) == {InvitationState.SENDING}

    control.control(f"{vendor}/faults", {"drop_rate": 0.0})
    assert services.send_batch(ids).retry_ids == []
    assert set(Invitation.objects.values_list("state", flat=True)) == {InvitationState.INVITED}
    assert sorted(control.invites(vendor)[assessment.remote_id].values()) == [1, 1, 1]


def test_a_send_claimed_moments_ago_is_left_to_the_worker_sending_it(mapped_stage, applicants, settings):
    settings.INVITE_IN_DOUBT_GRACE = 60
    job, _, assessment = mapped_stage("wedgehr", invite_on_entry=False)
    bulk = services.request_invitations(applicants(job, 2), assessment)
    ids = list(bulk.invitations.values_list("pk", flat=True))
    Invitation.objects.update(state=InvitationState.SENDING)  # another worker's claim, just now
    outcome = services.send_batch(ids)
    assert sorted(outcome.retry_ids) == sorted(ids)
    assert outcome.retry_after == 60
    assert set(Invitation.objects.values_list("attempts", flat=True)) == {0}


def test_the_vendors_validation_message_shows_on_the_candidate(mapped_stage, recruiter_client, control):
    job, _, assessment = mapped_stage("hireflix", invite_on_entry=False)
    from tests.factories import ApplicationFactory, CandidateFactory

    application = ApplicationFactory(job=job, candidate=CandidateFactory(email="not-an-email@@example"))
    send_all(services.request_invitations([application], assessment))
    invitation = Invitation.objects.get()
    assert invitation.state == InvitationState.FAILED
    assert invitation.last_error
    page = recruiter_client.get(reverse("candidates:candidate-detail", args=[application.candidate_id]))
    assert f"Hireflix said: {invitation.last_error}" in page.content.decode()


def test_retries_exhausted_fail_what_was_never_sent_and_keep_what_is_in_doubt(mapped_stage, applicants):
    job, _, assessment = mapped_stage("wedgehr", invite_on_entry=False)
    bulk = services.request_invitations(applicants(job, 3), assessment)
    never_sent = list(bulk.invitations.order_by("pk")[:2])
    in_doubt = bulk.invitations.order_by("pk").last()
    Invitation.objects.filter(pk=in_doubt.pk).update(state=InvitationState.SENDING)
    services.give_up([i.pk for i in [*never_sent, in_doubt]], "Service temporarily unavailable")
    for invitation in never_sent:
        invitation.refresh_from_db()
        assert (invitation.state, invitation.last_error) == ("failed", "Service temporarily unavailable")
    in_doubt.refresh_from_db()
    assert in_doubt.state == InvitationState.SENDING  # the vendor may have it: reconciled later, never "failed"


def test_a_dropped_intervue_request_is_settled_by_its_webhook_not_by_resending(
    mapped_stage, applicants, control, sandbox, client
):
    """intervue has no idempotency key and no lookup by email: resending could book a second interview."""
    job, _, assessment = mapped_stage("intervue", invite_on_entry=False)
    account = assessment.account
    control.control("intervue/webhook", {"url": "http://127.0.0.1:9/hook", "secret": account.webhook_secret})
    bulk = services.request_invitations(applicants(job, 3), assessment)
    ids = list(bulk.invitations.values_list("pk", flat=True))
    control.control("intervue/faults", {"drop_rate": 1.0})
    services.send_batch(ids)
    control.control("intervue/faults", {"drop_rate": 0.0})

    assert sorted(services.send_batch(ids).retry_ids) == sorted(ids)  # still in doubt: not sent again
    assert set(Invitation.objects.values_list("state", flat=True)) == {InvitationState.SENDING}

    url = reverse("integrations:webhook", kwargs={"vendor": "intervue", "token": account.webhook_token})
    for delivery in [d for d in sandbox.app.hub.deliveries if d.event == "requested"]:
        client.post(url, data=delivery.body, content_type="application/json", headers=delivery.headers)
    for event in WebhookEvent.objects.filter(verdict="accepted").order_by("pk"):
        services.apply_webhook_event(event.pk)

    assert set(Invitation.objects.values_list("state", flat=True)) == {InvitationState.INVITED}
    assert all(Invitation.objects.values_list("remote_id", flat=True))
    assert sorted(control.invites("intervue")[assessment.remote_id].values()) == [1, 1, 1]
    assert services.send_batch(ids).retry_ids == []  # settled: a late retry does nothing


def test_a_failed_invitation_is_sent_again_once_the_candidate_is_fixed(
    mapped_stage, recruiter_client, django_capture_on_commit_callbacks, monkeypatch
):
    from integrations.tasks import send_invitations
    from tests.factories import ApplicationFactory, CandidateFactory

    job, _, assessment = mapped_stage("hireflix", invite_on_entry=False)
    candidate = CandidateFactory(email="broken@@example")
    send_all(services.request_invitations([ApplicationFactory(job=job, candidate=candidate)], assessment))
    invitation = Invitation.objects.get()
    assert invitation.state == InvitationState.FAILED

    candidate.email = "fixed@example.com"
    candidate.save()
    enqueued = []
    monkeypatch.setattr(send_invitations, "delay", enqueued.append)
    with django_capture_on_commit_callbacks(execute=True):
        page = recruiter_client.post(reverse("integrations:send-again", args=[invitation.pk]), follow=True)
    assert f"Sending {assessment.name} again." in page.content.decode()
    assert enqueued == [[invitation.pk]]  # once the change is committed
    monkeypatch.undo()
    send_all(BulkSend.objects.get())
    invitation.refresh_from_db()
    assert (invitation.state, invitation.last_error) == (InvitationState.INVITED, "")

    again = recruiter_client.post(reverse("integrations:send-again", args=[invitation.pk]), follow=True)
    assert "Only a failed invitation can be sent again." in again.content.decode()


def test_a_candidate_intervue_would_refuse_for_a_missing_phone_is_refused_alone_before_sending(
    mapped_stage, applicants, control, recruiter
):
    job, _, assessment = mapped_stage("intervue", invite_on_entry=False)
    applications = applicants(job, 3)
    bulk = services.request_invitations(applications, assessment, recruiter)
    lost = applications[1].candidate
    lost.phone = ""  # removed after the send was queued
    lost.save()
    before = control.requests("intervue")

    send_all(bulk)

    by_candidate = {i.application.candidate_id: i for i in bulk.invitations.select_related("application")}
    refused = by_candidate.pop(lost.pk)
    assert refused.state == InvitationState.FAILED
    assert "requires the candidate's phone number" in refused.last_error
    assert "phone number" in refused.events.latest("pk").message
    assert {i.state for i in by_candidate.values()} == {InvitationState.INVITED}  # the rest of the batch went
    assert control.requests("intervue") - before == 1  # one request for the two, none for the refused one
    assert lost.email not in str(control.invites("intervue"))

    lost.phone = "+1 555 0100"
    lost.save()
    assert services.send_again(refused, recruiter)
    send_all(bulk)
    refused.refresh_from_db()
    assert refused.state == InvitationState.INVITED


@pytest.mark.parametrize("vendor", ["wedgehr", "hireflix"])
def test_a_batch_costs_the_same_queries_for_10_and_100_invitations(
    mapped_stage, applicants, control, vendor, django_capture_on_commit_callbacks
):
    """Claiming, recording every answer (with its timeline row) and the ATS's look-up run once per batch."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    job, _, assessment = mapped_stage(vendor, invite_on_entry=False)
    queries = {}
    for size in (10, 100):
        bulk = services.request_invitations(applicants(job, size), assessment)
        ids = list(bulk.invitations.values_list("pk", flat=True))
        with CaptureQueriesContext(connection) as captured, django_capture_on_commit_callbacks(execute=True):
            assert services.send_batch(ids).retry_ids == []
        queries[size] = len(captured)
        assert set(bulk.invitations.values_list("state", flat=True)) == {InvitationState.INVITED}
        # Each invitation's timeline reads queued, sending, invited.
        assert bulk.invitations.first().events.count() == 3
    assert queries[10] == queries[100], queries
