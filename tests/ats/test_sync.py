"""Merge ATS sync against the Merge sandbox over real HTTP: resumable incremental pulls, applications
imported or matched and moved into mapped stages (which invites), interviews pushed back to the ATS."""

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.urls import reverse

from candidates.models import Application, Candidate
from candidates.services import move_to_stage
from integrations.ats import pull as ats_pull
from integrations.ats import push as ats_push
from integrations.ats import tasks
from integrations.ats.client import Application as MergeApplication
from integrations.ats.client import MergeClient
from integrations.ats.links import client_for
from integrations.models import (
    BulkSend,
    Invitation,
    InvitationEvent,
    MergeLink,
    MergeStageMapping,
    RemoteInterview,
)
from integrations.sandbox.merge import API_KEY
from integrations.services.invitations import apply_update, record_state
from integrations.states import InvitationState
from integrations.vendors.errors import UnknownOutcome
from integrations.vendors.types import StatusUpdate
from tests.factories import ApplicationFactory, CandidateFactory
from tests.waiting import wait_for

pytestmark = pytest.mark.django_db

SEEDED = 120  # interviews per linked account, 3 of them deleted
Source = InvitationEvent.Source


def ats_application(link, n=0):
    """The n-th application of the ATS (its candidate expanded) and its job's Video Interview stage."""
    client = client_for(link)
    rows = client.http.get_json("/applications", params={"page_size": n + 1, "expand": "candidate"})["results"]
    application = MergeApplication.from_api(rows[n])
    stages = client.list_job_interview_stages_page(job_id=application.job).results
    return application, next(s for s in stages if s.name == "Video Interview")


def schedule(merge_control, link, application, stage, **extra):
    """A recruiter schedules an interview in the ATS (by default in two days)."""
    return merge_control(
        "POST",
        "/interviews",
        account_token=link.account_token,
        application_id=application.id,
        job_interview_stage_id=stage.id,
        **extra,
    )


def creates_at(merge_control, stage_id):
    """How many interviews were created through Merge's API at an ATS stage."""
    return sum(merge_control("GET", "/counters")["invites"].get(stage_id, {}).values())


def every_interview_id(link):
    return {i.id for i, _ in client_for(link).iter_interviews(include_deleted=True)}


# --- pulling ---------------------------------------------------------------------------------------------
def test_a_pull_reads_every_page_then_the_next_only_what_changed(make_link, merge_control):
    link = make_link()
    report = ats_pull.pull(link, page_size=25)
    assert (report.pages, report.interviews, report.error) == (5, SEEDED, "")
    rows = RemoteInterview.objects.filter(link=link)
    assert rows.count() == SEEDED and rows.filter(remote_was_deleted=True).count() == 3
    assert not rows.filter(application__isnull=False).exists()  # nothing mapped: recorded, nobody imported
    link.refresh_from_db()
    assert link.sync_watermark is not None and link.sync_cursor == {} and link.last_synced_at

    application, stage = ats_application(link)
    created = schedule(merge_control, link, application, stage)
    again = ats_pull.pull(link, page_size=25)
    assert (again.pages, again.interviews) == (1, 1)
    assert rows.count() == SEEDED + 1
    new = rows.get(remote_id=created["id"])
    assert (new.remote_application_id, new.remote_stage_id, new.status) == (application.id, stage.id, "SCHEDULED")


def test_a_pull_stopped_after_some_pages_resumes_from_its_saved_cursor(make_link, merge_control):
    link = make_link()
    first = ats_pull.pull(link, page_size=25, max_pages=2)
    assert first.more and first.interviews == 50
    link.refresh_from_db()
    assert link.sync_cursor["cursor"] and link.sync_watermark is None
    application, stage = ats_application(link)
    during = schedule(merge_control, link, application, stage)  # newest first: before the saved cursor

    rest = ats_pull.pull(MergeLink.objects.get(pk=link.pk), page_size=25)
    assert (rest.pages, rest.interviews, rest.more) == (3, SEEDED - 50, False)
    pulled = set(RemoteInterview.objects.filter(link=link).values_list("remote_id", flat=True))
    assert pulled == every_interview_id(link) - {during["id"]}

    ats_pull.pull(link, page_size=25)  # the interview scheduled meanwhile comes with the changes
    assert RemoteInterview.objects.filter(link=link).count() == SEEDED + 1


def test_a_crash_in_the_middle_of_a_page_loses_nothing_and_doubles_nothing(make_link, monkeypatch):
    link = make_link()
    real, calls = ats_pull._apply_interview, []

    def dies_in_page_three(*args, **kwargs):
        calls.append(1)
        if len(calls) == 60:
            raise RuntimeError("worker lost")
        return real(*args, **kwargs)

    monkeypatch.setattr(ats_pull, "_apply_interview", dies_in_page_three)
    with pytest.raises(RuntimeError):
        ats_pull.pull(link, page_size=25)
    assert RemoteInterview.objects.filter(link=link).count() == 50  # page three rolled back whole
    link.refresh_from_db()
    assert link.sync_cursor["cursor"]

    monkeypatch.undo()
    report = ats_pull.pull(link, page_size=25)
    assert report.interviews == SEEDED - 50
    pulled = list(RemoteInterview.objects.filter(link=link).values_list("remote_id", flat=True))
    assert len(pulled) == len(set(pulled)) == SEEDED and set(pulled) == every_interview_id(link)


def test_a_merge_error_stops_the_pull_and_is_recorded(make_link, merge_control):
    link = make_link(api_key="not-the-key", remote_user_id="someone")
    report = ats_pull.pull(link)
    assert report.error == "Invalid API key." and report.pages == 0
    link.refresh_from_db()
    assert link.last_error == "Invalid API key."


def test_a_cursor_merge_no_longer_knows_starts_that_pull_over(make_link):
    link = make_link()
    ats_pull.pull(link, page_size=25, max_pages=1)
    MergeLink.objects.filter(pk=link.pk).update(sync_cursor={"cursor": "expired-cursor"})
    stuck = ats_pull.pull(link, page_size=25)
    assert stuck.error == "Invalid cursor"
    link.refresh_from_db()
    assert link.sync_cursor == {} and link.sync_watermark is None
    assert ats_pull.pull(link, page_size=25).interviews == SEEDED
    assert RemoteInterview.objects.filter(link=link).count() == SEEDED


# --- importing, matching and moving ------------------------------------------------------------------------
@pytest.fixture
def mapped(mapped_stage, make_link):
    """A local job whose Video interview stage invites through WedgeHR, and a Greenhouse link whose first
    application's Video Interview stage maps to it."""
    job, stage, assessment = mapped_stage("wedgehr")
    link = make_link()
    application, remote_stage = ats_application(link)
    MergeStageMapping.objects.create(
        link=link, remote_stage_id=remote_stage.id, remote_stage_name=remote_stage.name, stage=stage
    )
    return link, job, stage, assessment, application, remote_stage


def test_an_upcoming_interview_at_a_mapped_stage_imports_the_application_and_queues_the_invite(mapped, merge_control):
    link, job, stage, assessment, remote_application, remote_stage = mapped
    interview = schedule(merge_control, link, remote_application, remote_stage)
    # Same mapped stage, but over already, or no longer merely scheduled: an ATS's history invites nobody.
    past = datetime.now(UTC) - timedelta(days=3)
    schedule(merge_control, link, ats_application(link, 4)[0], remote_stage, start_at=past.isoformat())
    schedule(merge_control, link, ats_application(link, 8)[0], remote_stage, status="AWAITING_FEEDBACK")

    report = ats_pull.pull(link)
    assert (report.imported, report.matched, report.moved, report.skipped) == (1, 0, 0, 0)
    remote_candidate = remote_application.candidate
    candidate = Candidate.objects.get()  # the seeded interviews, all in the past, imported nobody
    assert candidate.external_ref == remote_candidate.id
    assert (candidate.email, candidate.first_name) == (remote_candidate.emails[0], remote_candidate.first_name)
    application = Application.objects.get(candidate=candidate)
    assert (application.job, application.stage) == (job, stage)
    invitation = Invitation.objects.get(application=application)
    assert (invitation.assessment, invitation.state) == (assessment, InvitationState.QUEUED)
    assert invitation.bulk_send.trigger == BulkSend.Trigger.STAGE  # through the stage-move hook
    assert RemoteInterview.objects.get(link=link, remote_id=interview["id"]).application == application


@pytest.mark.parametrize("match_by", ["email", "external_ref"])
def test_an_existing_candidate_is_matched_and_moved_forward_once(mapped, merge_control, match_by):
    link, job, stage, assessment, remote_application, remote_stage = mapped
    remote_candidate = remote_application.candidate
    if match_by == "email":
        candidate = CandidateFactory(email=remote_candidate.emails[0].upper())
    else:
        candidate = CandidateFactory(email="known-by-another-address@example.net", external_ref=remote_candidate.id)
    first_stage = job.stages.order_by("order").first()
    application = ApplicationFactory(candidate=candidate, job=job, stage=first_stage)
    schedule(merge_control, link, remote_application, remote_stage)

    report = ats_pull.pull(link)
    assert (report.imported, report.matched, report.moved) == (0, 1, 1)
    assert Candidate.objects.count() == 1
    candidate.refresh_from_db()
    assert candidate.external_ref == remote_candidate.id
    application.refresh_from_db()
    assert application.stage == stage
    assert Invitation.objects.filter(application=application, assessment=assessment).exists()

    # The recruiter takes it back; the next pull re-reads the interview (the watermark's overlap) but acts once.
    move_to_stage([application], first_stage)
    again = ats_pull.pull(link)
    assert again.interviews >= 1 and again.moved == 0
    application.refresh_from_db()
    assert application.stage == first_stage


def test_an_application_already_further_along_is_not_moved_back(mapped, merge_control):
    link, job, stage, _, remote_application, remote_stage = mapped
    later = job.stages.filter(order__gt=stage.order).order_by("order").first()
    candidate = CandidateFactory(email=remote_application.candidate.emails[0])
    application = ApplicationFactory(candidate=candidate, job=job, stage=later)
    schedule(merge_control, link, remote_application, remote_stage)
    report = ats_pull.pull(link)
    assert (report.matched, report.moved) == (1, 0)
    application.refresh_from_db()
    assert application.stage == later


# --- pushing -----------------------------------------------------------------------------------------------
@pytest.fixture
def pushes(monkeypatch):
    """The push tasks the invitation hook enqueues, as (invitation id, status)."""
    calls = []
    monkeypatch.setattr(tasks.push_interview, "delay", lambda *args: calls.append(args))
    return calls


@pytest.fixture
def ats_invitation(mapped, merge_control):
    """The queued invitation of an application imported from a Greenhouse interview."""
    link, *_, remote_application, remote_stage = mapped
    schedule(merge_control, link, remote_application, remote_stage)
    ats_pull.pull(link)
    return Invitation.objects.select_related("application__candidate", "assessment__account", "bulk_send").get()


def test_invited_then_completed_are_pushed_with_the_fields_the_ats_asks_for(
    mapped, ats_invitation, pushes, merge_control, django_capture_on_commit_callbacks
):
    link, *_, remote_application, remote_stage = mapped
    invitation = ats_invitation
    with django_capture_on_commit_callbacks(execute=True):
        record_state(invitation, InvitationState.INVITED, source=Source.VENDOR_API, message="Invited.")
    assert pushes == [(invitation.pk, "SCHEDULED")]

    row = ats_push.push_interview(*pushes[0])
    client = client_for(link)
    pushed = client.get_interview(row.remote_id)
    for name in client.interview_post_meta().required_fields:
        assert getattr(pushed, name), f"{name} is required by Greenhouse"
    assert (pushed.application_id, pushed.job_interview_stage_id) == (remote_application.id, remote_stage.id)
    assert (pushed.organizer_id, pushed.interviewer_ids) == (link.remote_user_id, (link.remote_user_id,))
    assert pushed.status == "SCHEDULED" and pushed.end_at - pushed.start_at == timedelta(days=7)
    assert pushed.location == f"{invitation.assessment.name} (WedgeHR)"
    assert (row.pushed_invitation, row.pushed_status) == (invitation, "SCHEDULED")
    assert ats_push.push_interview(*pushes[0]) == row  # done already: no second interview
    assert creates_at(merge_control, remote_stage.id) == 1
    assert invitation.events.filter(message="Recorded in Greenhouse as a SCHEDULED interview.").exists()

    with django_capture_on_commit_callbacks(execute=True):
        update = StatusUpdate(state=InvitationState.STARTED, vendor_status="started")
        apply_update(invitation, update, source=Source.POLL)  # still scheduled: nothing new to push
        record_state(invitation, InvitationState.COMPLETED, source=Source.POLL, message="Completed.")
    assert pushes[1:] == [(invitation.pk, "COMPLETE")]
    complete = ats_push.push_interview(*pushes[1])
    assert client.get_interview(complete.remote_id).status == "COMPLETE"
    assert creates_at(merge_control, remote_stage.id) == 2

    # The next pull brings our own interviews back; they are known, and move nobody.
    report = ats_pull.pull(link)
    assert report.moved == 0 and report.imported == 0
    assert RemoteInterview.objects.filter(pushed_invitation=invitation).count() == 2


def test_a_lost_answer_is_reconciled_instead_of_creating_twice(mapped, ats_invitation, merge_control, monkeypatch):
    *_, remote_stage = mapped
    record_state(ats_invitation, InvitationState.INVITED, source=Source.VENDOR_API, message="Invited.")
    create = MergeClient.create_interview

    def answer_lost(self, model, remote_user_id):
        create(self, model, remote_user_id)  # Merge applied it...
        raise UnknownOutcome("merge closed the connection before answering")  # ...but we never heard

    monkeypatch.setattr(MergeClient, "create_interview", answer_lost)
    with pytest.raises(UnknownOutcome):
        ats_push.push(ats_invitation)
    assert not RemoteInterview.objects.filter(pushed_invitation=ats_invitation).exists()

    monkeypatch.undo()
    row = ats_push.push(ats_invitation)  # the task's retry
    assert row is not None and row.pushed_status == "SCHEDULED"
    assert creates_at(merge_control, remote_stage.id) == 1


def test_lever_cannot_take_interviews_and_the_link_says_so(mapped_stage, make_link, merge_control):
    _, stage, _ = mapped_stage("wedgehr")
    link = make_link("Lever")
    remote_application, remote_stage = ats_application(link)
    MergeStageMapping.objects.create(link=link, remote_stage_id=remote_stage.id, stage=stage)
    schedule(merge_control, link, remote_application, remote_stage)
    assert ats_pull.pull(link).imported == 1
    invitation = Invitation.objects.get()
    record_state(invitation, InvitationState.INVITED, source=Source.VENDOR_API, message="Invited.")

    assert ats_push.push(invitation) is None
    link.refresh_from_db()
    assert "does not accept new ScheduledInterviews" in link.last_push_error
    assert str(invitation.application.candidate) in link.last_push_error
    assert invitation.events.filter(message__startswith="Not recorded in Lever: This linked ATS does not").exists()
    assert link.last_error == ""  # the pulls are fine


def test_a_link_without_a_remote_user_cannot_push_and_says_why(mapped, ats_invitation):
    link = mapped[0]
    MergeLink.objects.filter(pk=link.pk).update(remote_user_id="")
    record_state(ats_invitation, InvitationState.INVITED, source=Source.VENDOR_API, message="Invited.")
    assert ats_push.push(ats_invitation) is None
    link.refresh_from_db()
    assert "needs the link's remote user id" in link.last_push_error


def test_invitations_of_applications_not_from_the_ats_are_not_pushed(mapped_stage, applicants, pushes, make_link):
    make_link()
    job, stage, _ = mapped_stage("wedgehr")
    move_to_stage(applicants(job, 1), stage)
    invitation = Invitation.objects.get()
    record_state(invitation, InvitationState.INVITED, source=Source.VENDOR_API, message="Invited.")
    assert pushes == [] and ats_push.push(invitation) is None


# --- tasks ------------------------------------------------------------------------------------------------
def test_the_beat_pulls_every_link_every_five_minutes():
    entry = settings.CELERY_BEAT_SCHEDULE["pull-merge-links"]
    assert entry == {"task": "integrations.ats.tasks.pull_merge_links", "schedule": 300.0}


def test_the_push_task_retries_what_merge_could_not_answer_then_gives_up_saying_why(
    mapped, ats_invitation, merge_control
):
    link, *_, remote_stage = mapped
    record_state(ats_invitation, InvitationState.INVITED, source=Source.VENDOR_API, message="Invited.")
    merge_control("POST", "/faults", error_rate=1.0)
    tasks.push_interview.apply(args=[ats_invitation.pk, "SCHEDULED"])  # eager: the retries run at once
    link.refresh_from_db()
    assert "gave up: Service temporarily unavailable" in link.last_push_error
    requests_made = merge_control("GET", "/counters")["requests"]["GET /api/ats/v1/interviews/meta/post"]
    assert requests_made == settings.INVITE_MAX_RETRIES + 1

    merge_control("POST", "/faults", error_rate=0.0)
    tasks.push_interview.apply(args=[ats_invitation.pk, "SCHEDULED"])
    assert RemoteInterview.objects.filter(pushed_invitation=ats_invitation, pushed_status="SCHEDULED").exists()
    assert creates_at(merge_control, remote_stage.id) == 1
    link.refresh_from_db()
    assert link.last_push_error == ""


@pytest.mark.django_db(transaction=True)
def test_with_a_worker_an_ats_interview_becomes_an_invite_and_comes_back_as_an_ats_interview(
    celery_worker_thread, mapped, merge_control
):
    link, *_, remote_application, remote_stage = mapped
    schedule(merge_control, link, remote_application, remote_stage)

    tasks.pull_merge_links.delay()  # the beat's job: pull -> import -> invite (WedgeHR) -> push (Greenhouse)

    assert wait_for(lambda: RemoteInterview.objects.filter(pushed_status="SCHEDULED").exists(), 30)
    invitation = Invitation.objects.get()
    assert invitation.state == InvitationState.INVITED
    assert creates_at(merge_control, remote_stage.id) == 1


# --- admin ------------------------------------------------------------------------------------------------
@pytest.fixture
def merge_admin(integration_admin, client):
    """An integration admin, with nothing but the role's own permissions."""
    client.force_login(integration_admin)
    return client


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def test_the_admin_takes_keys_never_shows_them_and_maps_stages_from_the_ats_list(
    merge_admin, sandbox, merge_control, mapped_stage
):
    _, stage, _ = mapped_stage("wedgehr")
    token = next(a["account_token"] for a in merge_control("GET", "/accounts") if a["integration"] == "Greenhouse")
    base_url = f"{sandbox.url_for('merge')}/api/ats/v1"
    fields = {"name": "Acme", "ats_name": "Greenhouse", "base_url": base_url, "remote_user_id": "", "enabled": "on"}
    inline = {
        "stage_mappings-TOTAL_FORMS": "1",
        "stage_mappings-INITIAL_FORMS": "0",
        "stage_mappings-MIN_NUM_FORMS": "0",
        "stage_mappings-MAX_NUM_FORMS": "1000",
    }
    added = merge_admin.post(
        reverse("admin:integrations_mergelink_add"),
        {**fields, **inline, "new_api_key": API_KEY, "new_account_token": token},
    )
    assert added.status_code == 302, added.content.decode()
    link = MergeLink.objects.get()
    assert (link.api_key, link.account_token) == (API_KEY, token)

    page = merge_admin.get(reverse("admin:integrations_mergelink_change", args=[link.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert API_KEY not in html and token not in html
    assert "Saved. Leave empty to keep it" in html
    _, remote_stage = ats_application(link)
    choices = dict(page.context["inline_admin_formsets"][0].formset.forms[0].fields["remote_stage_id"].choices)
    label = choices[remote_stage.id]
    assert label.endswith("· Video Interview")

    changed = merge_admin.post(
        reverse("admin:integrations_mergelink_change", args=[link.pk]),
        {
            **fields,
            **inline,
            "new_api_key": "",
            "new_account_token": "",
            "stage_mappings-0-remote_stage_id": remote_stage.id,
            "stage_mappings-0-stage": stage.pk,
        },
    )
    assert changed.status_code == 302, changed.content.decode()
    link.refresh_from_db()
    assert (link.api_key, link.account_token) == (API_KEY, token)  # left empty: kept
    mapping = MergeStageMapping.objects.get(link=link)
    assert (mapping.remote_stage_id, mapping.remote_stage_name, mapping.stage) == (remote_stage.id, label, stage)
    assert API_KEY not in merge_admin.get(reverse("admin:integrations_mergelink_changelist")).content.decode()

    changelist = reverse("admin:integrations_mergelink_changelist")
    tested = merge_admin.post(changelist, {"action": "test_connection", "_selected_action": [link.pk]}, follow=True)
    assert any("connected" in m for m in messages_of(tested)), messages_of(tested)
    pulled = merge_admin.post(changelist, {"action": "pull_now", "_selected_action": [link.pk]}, follow=True)
    assert any(f"{SEEDED} interviews in 2 pages" in m for m in messages_of(pulled)), messages_of(pulled)


def test_an_enabled_link_needs_both_keys(merge_admin):
    page = merge_admin.post(
        reverse("admin:integrations_mergelink_add"),
        {
            "name": "Acme",
            "enabled": "on",
            "new_api_key": "k",
            "stage_mappings-TOTAL_FORMS": "0",
            "stage_mappings-INITIAL_FORMS": "0",
        },
    )
    assert "An enabled link needs: Linked account token." in page.content.decode()
    assert not MergeLink.objects.exists()
