"""The life of an invitation after it is sent: cancel, remind, invite again, and automatic cancellation.

Every action runs against the sandbox over HTTP; what the vendor was told is checked at the sandbox.
The vendor calls run in tasks: here their on-commit callbacks run in the test, as a worker would.
"""

import threading

import pytest
from django.db import connection

from candidates.models import Stage
from candidates.services import move_to_stage
from integrations import services
from integrations.models import Invitation, InvitationEvent, StageAssessment
from integrations.services.lifecycle import ActionRefused
from integrations.states import InvitationState
from integrations.vendors.types import StatusUpdate

pytestmark = pytest.mark.django_db
S = InvitationState


@pytest.fixture
def invited(mapped_stage, applicants, run_tasks):
    """One application per vendor, invited through the sandbox."""

    def make(vendor, **mapping):
        job, stage, assessment = mapped_stage(vendor, invite_on_entry=False, **mapping)
        [application] = applicants(job, 1)
        options = StageAssessment.objects.get(stage=stage).invite_options()
        run_tasks(services.request_invitations, [application], assessment, options=options)
        invitation = Invitation.objects.select_related("assessment__account", "application__candidate").get(
            application=application
        )
        assert invitation.state in (S.INVITED, S.SENDING) and invitation.remote_id, invitation.last_error
        return invitation

    return make


def reload(invitation):
    return Invitation.objects.select_related("assessment__account", "application__candidate").get(pk=invitation.pk)


def messages(invitation):
    return [e.message for e in InvitationEvent.objects.filter(invitation=invitation).order_by("occurred_at", "id")]


def sim(sandbox, vendor):
    return sandbox.app.hub.vendors[vendor]


# --- cancel ------------------------------------------------------------------------------------------
def test_cancel_reaches_intervue_and_later_events_change_nothing(sandbox, invited, run_tasks, recruiter, control):
    invitation = invited("intervue")
    run_tasks(services.cancel, [invitation], recruiter)
    invitation = reload(invitation)
    assert invitation.state == S.CANCELED
    assert sim(sandbox, "intervue").cat.external[invitation.remote_id].status == "canceled"
    assert control.requests_by_route("intervue")["POST /external-interviews/cancel"] == 1
    assert any("Canceled by" in m for m in messages(invitation))
    assert "intervue.io canceled it." in messages(invitation)

    late = StatusUpdate(state=S.COMPLETED, vendor_status="completed", remote_id=invitation.remote_id)
    assert services.apply_update(invitation, late, source=InvitationEvent.Source.WEBHOOK) is False
    assert reload(invitation).state == S.CANCELED
    assert invitation.events.filter(vendor_status="completed").exists()  # recorded, not applied


def test_cancel_deletes_the_hireflix_interview(sandbox, invited, run_tasks, recruiter):
    invitation = invited("hireflix")
    run_tasks(services.cancel, [invitation], recruiter)
    assert reload(invitation).state == S.CANCELED
    assert sim(sandbox, "hireflix").account.interviews[invitation.remote_id].deleted_at is not None


def test_cancel_at_wedgehr_is_local_and_says_the_vendor_was_not_told(invited, run_tasks, recruiter, control):
    invitation = invited("wedgehr")
    before = control.requests("wedgehr")
    run_tasks(services.cancel, [invitation], recruiter)
    assert reload(invitation).state == S.CANCELED
    assert control.requests("wedgehr") == before
    assert any("WedgeHR was not told" in m for m in messages(invitation))


def test_cancel_of_a_finished_invitation_is_refused_and_changes_nothing(invited, recruiter):
    invitation = invited("hireflix")
    services.record_state(invitation, S.COMPLETED, source=InvitationEvent.Source.POLL)
    other = invited("intervue")
    with pytest.raises(ActionRefused, match="already completed: there is nothing to cancel"):
        services.cancel([other, reload(invitation)], recruiter)
    assert reload(other).state != S.CANCELED  # all or nothing


# --- remind ------------------------------------------------------------------------------------------
def test_remind_resends_the_wedgehr_invite(invited, run_tasks, recruiter, control):
    invitation = invited("wedgehr")
    run_tasks(services.remind, [invitation], recruiter)
    assert control.requests_by_route("wedgehr")["POST /connect/v2/wedges/<wedge_id>/resend-invite"] == 1
    assert "WedgeHR sent the candidate a reminder." in messages(invitation)
    assert "reminded_at" in reload(invitation).results


@pytest.mark.parametrize("vendor", ["hireflix", "intervue"])
def test_remind_where_the_vendor_reminds_by_itself_says_so(vendor, invited, recruiter, control):
    invitation = invited(vendor)
    before = control.requests(vendor)
    with pytest.raises(ActionRefused) as refused:
        services.remind([invitation], recruiter)
    assert invitation.assessment.account.get_vendor_display() in str(refused.value)
    assert control.requests(vendor) == before


# --- invite again ---------------------------------------------------------------------------------------
def test_reinvite_at_hireflix_deletes_the_old_interview_then_invites_again(sandbox, invited, run_tasks, recruiter):
    first = invited("hireflix")
    second = run_tasks(services.reinvite, first, recruiter)
    first, second = reload(first), reload(second)
    assert (first.state, second.state, second.round) == (S.CANCELED, S.INVITED, 2)
    assert second.remote_id and second.remote_id != first.remote_id
    assert second.idempotency_key != first.idempotency_key
    interviews = sim(sandbox, "hireflix").account.interviews
    assert interviews[first.remote_id].deleted_at is not None and interviews[second.remote_id].deleted_at is None
    email = first.application.candidate.email.lower()
    assert control_invites(sandbox, "hireflix", first.assessment.remote_id)[email] == 2


def test_reinvite_at_wedgehr_sends_a_new_unique_id(sandbox, invited, run_tasks, recruiter):
    first = invited("wedgehr")
    second = reload(run_tasks(services.reinvite, first, recruiter))
    assert second.state in (S.INVITED, S.SENDING) and second.remote_id != first.remote_id
    unique_ids = {i.unique_id for i in sim(sandbox, "wedgehr").invitations.values()}
    assert {first.idempotency_key, second.idempotency_key} <= unique_ids


def test_reinvite_at_intervue_cancels_the_old_interview_first(sandbox, invited, run_tasks, recruiter):
    first = invited("intervue")
    second = reload(run_tasks(services.reinvite, first, recruiter))
    external = sim(sandbox, "intervue").cat.external
    assert external[first.remote_id].status == "canceled"
    assert second.state == S.INVITED and second.remote_id != first.remote_id
    assert external[second.remote_id].status != "canceled"


def test_an_expired_invitation_is_invited_again_in_a_second_round(sandbox, invited, run_tasks, recruiter):
    first = invited("wedgehr")
    services.record_state(first, S.EXPIRED, source=InvitationEvent.Source.SYSTEM, message="Not completed in time.")
    second = reload(run_tasks(services.reinvite, reload(first), recruiter))
    rounds = Invitation.objects.filter(application=first.application).order_by("round")
    assert [(i.round, i.state) for i in rounds] == [(1, S.EXPIRED), (2, second.state)]
    assert len({i.idempotency_key for i in rounds}) == 2
    assert messages(first) and messages(second)  # both timelines kept
    assert "Round 2: invited again" in messages(second)[0]


def test_reinvite_of_an_older_round_is_refused(invited, run_tasks, recruiter):
    first = invited("wedgehr")
    run_tasks(services.reinvite, first, recruiter)
    with pytest.raises(ActionRefused, match="already invited again"):
        services.reinvite(reload(first), recruiter)


@pytest.mark.django_db(transaction=True)
def test_two_reinvites_at_the_same_moment_make_one_new_round(invited, recruiter, monkeypatch):
    from integrations.tasks import send_invitations

    first = invited("wedgehr")
    monkeypatch.setattr(send_invitations, "delay", lambda ids: None)
    start, outcomes = threading.Barrier(2), []

    def again():
        start.wait()
        try:
            outcomes.append(services.reinvite(reload(first), recruiter).round)
        except ActionRefused as exc:
            outcomes.append(str(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=again) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes, key=str).count(2) == 1, outcomes
    assert Invitation.objects.filter(application=first.application).count() == 2


# --- sending again by hand, and the stage hook ----------------------------------------------------------
def test_a_send_skips_open_and_ended_rounds_unless_asked(mapped_stage, applicants, run_tasks, recruiter):
    job, _, assessment = mapped_stage("wedgehr", invite_on_entry=False)
    open_one, expired, fresh = applicants(job, 3)
    run_tasks(services.request_invitations, [open_one, expired], assessment)
    services.record_state(Invitation.objects.get(application=expired), S.EXPIRED, source=InvitationEvent.Source.SYSTEM)

    bulk = run_tasks(services.request_invitations, [open_one, expired, fresh], assessment, recruiter)
    assert (bulk.total, bulk.skipped, bulk.skipped_reasons) == (3, 2, {"open": 1, "ended": 1})
    again = run_tasks(services.request_invitations, [open_one, expired], assessment, recruiter, include_ended=True)
    assert (again.skipped, again.skipped_reasons) == (1, {"open": 1})
    assert Invitation.objects.get(application=expired, round=2).state in (S.INVITED, S.SENDING)


def test_a_rejected_or_hired_application_is_skipped_unless_included(mapped_stage, applicants, run_tasks, recruiter):
    job, _, assessment = mapped_stage("wedgehr", invite_on_entry=False)
    rejected, kept = applicants(job, 2)
    move_to_stage([rejected], job.stages.get(kind=Stage.Kind.REJECTED), recruiter)
    bulk = run_tasks(services.request_invitations, [rejected, kept], assessment, recruiter)
    assert bulk.skipped_reasons == {"closed_stage": 1}
    bulk = run_tasks(services.request_invitations, [rejected], assessment, recruiter, include_closed=True)
    assert bulk.skipped == 0 and Invitation.objects.filter(application=rejected).exists()


def test_rejecting_a_candidate_cancels_their_open_invitation_at_the_vendor(sandbox, invited, run_tasks, recruiter):
    invitation = invited("intervue")
    rejected = invitation.application.job.stages.get(kind=Stage.Kind.REJECTED)
    run_tasks(move_to_stage, [invitation.application], rejected, recruiter)
    invitation = reload(invitation)
    assert invitation.state == S.CANCELED
    assert sim(sandbox, "intervue").cat.external[invitation.remote_id].status == "canceled"
    assert any("Rejected" in m for m in messages(invitation))


def there_and_back(run_tasks, invitation, by=None):
    """Into the invitation's mapped stage, then back to the job's first stage."""
    mapping = StageAssessment.objects.get(assessment=invitation.assessment, stage__job=invitation.application.job)
    first_stage = mapping.stage.job.stages.order_by("order").first()
    run_tasks(move_to_stage, [invitation.application], mapping.stage, by)
    run_tasks(move_to_stage, [invitation.application], first_stage, by)
    return mapping


def test_moving_back_before_the_mapped_stage_cancels_unless_the_mapping_says_not_to(invited, run_tasks, recruiter):
    kept = invited("wedgehr", cancel_on_exit=False)
    there_and_back(run_tasks, kept, recruiter)
    assert reload(kept).state != S.CANCELED

    canceled = invited("hireflix")
    there_and_back(run_tasks, canceled)
    assert reload(canceled).state == S.CANCELED
    assert any("moved back to" in m for m in messages(canceled))


def test_re_entering_the_stage_invites_again_only_when_the_mapping_says_so(invited, run_tasks, recruiter):
    invitation = invited("wedgehr")
    mapping = there_and_back(run_tasks, invitation, recruiter)  # canceled on the way out
    mapping.invite_on_entry = True
    mapping.save()
    application = invitation.application
    run_tasks(move_to_stage, [application], mapping.stage, recruiter)
    assert Invitation.objects.filter(application=application).count() == 1  # an ended round: not by itself

    mapping.reinvite_on_reentry = True
    mapping.save()
    run_tasks(move_to_stage, [application], mapping.stage.job.stages.order_by("order").first(), recruiter)
    run_tasks(move_to_stage, [application], mapping.stage, recruiter)
    rounds = list(Invitation.objects.filter(application=application).order_by("round"))
    assert (rounds[0].round, rounds[0].state) == (1, S.CANCELED)
    assert rounds[-1].round == 2 and rounds[-1].state in (S.INVITED, S.SENDING)


def test_the_deadline_reminder_uses_the_same_service(invited, run_tasks, control):
    invitation = invited("wedgehr", deadline_days=3)
    from datetime import timedelta

    from django.utils import timezone

    Invitation.objects.filter(pk=invitation.pk).update(invited_at=timezone.now() - timedelta(days=2, hours=1))
    reminded, expired = run_tasks(services.enforce_deadlines)
    assert (reminded, expired) == (1, 0)
    assert control.requests_by_route("wedgehr")["POST /connect/v2/wedges/<wedge_id>/resend-invite"] == 1
    assert run_tasks(services.enforce_deadlines) == (0, 0)  # once


def control_invites(sandbox, vendor, assessment_id):
    return dict(sandbox.app.hub.vendors[vendor].invites[str(assessment_id)])


def test_a_move_forward_that_stays_before_the_mapped_stage_keeps_an_invitation_sent_ahead(invited, run_tasks):
    invitation = invited("wedgehr")  # sent by hand while the candidate is still in the first stage
    mapping = StageAssessment.objects.get(assessment=invitation.assessment)
    between = mapping.stage.job.stages.filter(order__gt=1, order__lt=mapping.stage.order).order_by("order").first()
    assert between is not None
    run_tasks(move_to_stage, [invitation.application], between)
    assert reload(invitation).state != S.CANCELED
