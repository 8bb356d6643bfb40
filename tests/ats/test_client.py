"""MergeClient against the Merge sandbox over real HTTP: auth, paging, resumable incremental pulls,
per-ATS field support, interview creation from /meta/post, error mapping and expand."""

from datetime import UTC, datetime, timedelta

import pytest
import requests

from integrations.ats.client import (
    Application,
    Candidate,
    InterviewPostMeta,
    JobInterviewStage,
    MergeClient,
    Page,
    PostField,
    ScheduledInterview,
    SyncPosition,
    User,
    build_interview_payload,
)
from integrations.vendors.errors import Permanent, Retryable, UnknownOutcome

SEEDED = 120  # interviews per linked account
DELETED = 3
START = datetime(2031, 3, 4, 15, 0, tzinfo=UTC)


@pytest.fixture
def creds(sandbox):
    return sandbox.app.hub.vendors["merge"].credentials


@pytest.fixture
def connect(sandbox, creds):
    """A client for one linked account: connect() is Greenhouse, connect("lever") is Lever."""

    def make(ats="greenhouse", api_key=None, account_token=None, throttle=None):
        return MergeClient(
            f"{sandbox.url_for('merge')}/api/ats/v1",
            api_key or creds["api_key"],
            account_token or creds[f"{ats}_account_token"],
            throttle=throttle,
        )

    return make


@pytest.fixture
def greenhouse(connect):
    return connect()


def control(sandbox, method, path, **body):
    answer = requests.request(method, f"{sandbox.url}/_control/merge{path}", json=body, timeout=5)
    assert answer.status_code < 300, answer.text
    return answer.json()


def faults(sandbox, **values):
    control(sandbox, "POST", "/faults", **values)


def invites_for_stage(sandbox, stage_id):
    return sum(control(sandbox, "GET", "/counters")["invites"].get(stage_id, {}).values())


def listed(client, model, path, **params):
    """The first page of one of Merge's lists, read the way the product never needs to."""
    return [model.from_api(row) for row in client.http.get_json(path, params=params)["results"]]


def application_and_stage(client):
    """An application and another stage of its own job, to schedule an interview in."""
    application = listed(client, Application, "/applications", page_size=1)[0]
    stages = client.list_job_interview_stages_page(job_id=application.job).results
    return application, next(s for s in stages if s.name == "Onsite")


def greenhouse_model(client, start_at=START, **changes):
    application, stage = application_and_stage(client)
    users = [u.id for u in listed(client, User, "/users")]
    arguments = {
        "application_id": application.id,
        "stage_id": stage.id,
        "organizer_id": users[0],
        "interviewers": users[1:3],
        "start_at": start_at,
        "end_at": start_at + timedelta(hours=1),
        "status": "SCHEDULED",
        "location": "Zoom",
        **changes,
    }
    return build_interview_payload(client.interview_post_meta(), **arguments), users[0]


# --- auth ------------------------------------------------------------------------------------------------
def test_credentials_good_and_bad(connect):
    assert connect().check_credentials().ok
    assert connect("lever").check_credentials().ok
    bad_key = connect(api_key="not-the-key").check_credentials()
    assert (bad_key.ok, bad_key.message) == (False, "Invalid API key.")
    bad_token = connect(account_token="not-a-linked-account").check_credentials()
    assert (bad_token.ok, bad_token.message) == (False, "Invalid X-Account-Token.")
    with pytest.raises(Permanent, match="Invalid API key") as refused:
        connect(api_key="not-the-key").list_interviews_page()
    assert refused.value.status_code == 401


def test_every_request_goes_through_the_throttle(connect):
    calls = []
    client = connect(throttle=lambda: calls.append(1))
    pages = list(client.iter_interview_pages(page_size=50))
    client.interview_post_meta()
    assert len(calls) == len(pages) + 1 == 4


# --- paging and resuming ----------------------------------------------------------------------------------
def test_pages_to_the_end(greenhouse):
    pages = list(greenhouse.iter_interview_pages(page_size=25))
    ids = [i.id for page in pages for i in page]
    assert len(pages) == 5 and len(ids) == len(set(ids)) == SEEDED - DELETED
    assert pages[0].cursor is None and pages[-1].next_cursor is None
    assert [p.cursor for p in pages[1:]] == [p.next_cursor for p in pages[:-1]]
    assert all(isinstance(i, ScheduledInterview) for page in pages for i in page)

    everything = list(greenhouse.iter_interviews(include_deleted=True))
    assert len(everything) == SEEDED
    assert sum(1 for interview, _ in everything if interview.remote_was_deleted) == DELETED


def test_resume_from_a_saved_cursor(greenhouse, connect):
    first = greenhouse.list_interviews_page(page_size=40)
    saved = first.next_cursor
    # A new process picks up where the crashed one stopped.
    rest = list(connect().iter_interviews(cursor=saved, page_size=40))
    ids = [i.id for i in first] + [i.id for i, _ in rest]
    assert len(ids) == len(set(ids)) == SEEDED - DELETED
    # Each interview carries the cursor of its page: resuming from it re-reads just that page.
    interview, page_cursor = rest[45]
    again = connect().list_interviews_page(cursor=page_cursor, page_size=40)
    assert interview.id in {i.id for i in again}


def test_a_stale_cursor_is_permanent(greenhouse):
    with pytest.raises(Permanent, match="Invalid cursor") as refused:
        greenhouse.list_interviews_page(cursor="not-a-cursor")
    assert refused.value.status_code == 404


def test_incremental_sync_resumes_after_a_crash_then_pulls_only_changes(sandbox, greenhouse, connect):
    saved, seen = None, []
    for number, (page, position) in enumerate(greenhouse.sync_interviews(page_size=30)):
        seen += [i.id for i in page]
        saved = position
        if number == 1:
            break  # the worker dies after saving its second page
    assert saved.cursor and saved.watermark is None
    # Scheduled while the pull was under way: newest first, it sits before the saved cursor.
    during = control(sandbox, "POST", "/interviews", **_control_interview(greenhouse, START))

    for page, position in connect().sync_interviews(saved, page_size=30):
        seen += [i.id for i in page]
        saved = position
    assert len(seen) == len(set(seen)) == SEEDED  # deleted ones too: a sync must learn of deletions
    assert during["id"] not in seen
    assert saved.cursor is None and saved.watermark is not None

    target = next(i for i, _ in greenhouse.iter_interviews() if i.status == "AWAITING_FEEDBACK")
    control(sandbox, "POST", "/advance", ref=target.id, action="completed")
    after = control(sandbox, "POST", "/interviews", **_control_interview(greenhouse, START + timedelta(days=1)))

    changes = {}
    for page, position in connect().sync_interviews(saved):
        changes.update((i.id, i) for i in page)
        saved = position
    assert set(changes) == {during["id"], target.id, after["id"]}
    assert changes[target.id].status == "COMPLETE"
    assert changes[after["id"]].start_at == START + timedelta(days=1)
    assert saved.watermark <= changes[after["id"]].modified_at

    # Nothing changed since: the next pull only re-reads what the watermark's overlap covers.
    again = {i.id for page, _ in connect().sync_interviews(saved) for i in page}
    assert again <= set(changes)


def _control_interview(client, start_at):
    application, stage = application_and_stage(client)
    return {
        "application_id": application.id,
        "job_interview_stage_id": stage.id,
        "start_at": start_at.isoformat(),
    }


def test_sync_position_without_a_date_header_uses_the_newest_change():
    older = datetime(2025, 1, 1, tzinfo=UTC)
    newer = older + timedelta(days=3)
    one = ScheduledInterview(id="a", modified_at=older)
    two = ScheduledInterview(id="b", modified_at=newer)
    position = SyncPosition().after(Page((one,), next_cursor="c1"))
    assert position == SyncPosition(cursor="c1", high_water=older)
    done = position.after(Page((two,), next_cursor=None, cursor="c1"))
    assert done == SyncPosition(watermark=newer)
    # An empty pull never moves the watermark backwards.
    assert done.after(Page((), next_cursor=None)) == done


def test_records_interviews_point_at_are_read_one_by_one(greenhouse):
    interview = greenhouse.list_interviews_page(page_size=1).results[0]
    application = greenhouse.get_application(interview.application_id)
    assert application.id == interview.application_id
    candidate = greenhouse.get_candidate(application.candidate)
    assert isinstance(candidate, Candidate) and candidate.emails and "@" in candidate.emails[0]
    assert candidate.email_addresses[0].email_address_type == "PERSONAL"
    with pytest.raises(Permanent):
        greenhouse.get_candidate("00000000-0000-0000-0000-000000000000")


# --- per-ATS differences ------------------------------------------------------------------------------------
def test_fields_an_ats_lacks_stay_none(connect):
    greenhouse = connect().list_interviews_page(page_size=5).results
    lever = connect("lever").list_interviews_page(page_size=5).results
    for interview in greenhouse:
        assert interview.status in {"SCHEDULED", "AWAITING_FEEDBACK", "COMPLETE"}
        assert interview.remote_updated_at is not None
    for interview in lever:
        assert interview.status is None and interview.remote_updated_at is None
        assert interview.start_at < interview.end_at and interview.organizer and interview.interviewer_ids
        assert interview.remote_created_at is not None


def test_meta_post_differs_and_lever_refuses_creation(connect):
    greenhouse_meta = connect().interview_post_meta()
    assert greenhouse_meta.supports_create and greenhouse_meta.remote_user_id_required
    assert set(greenhouse_meta.required_fields) == {
        "application",
        "job_interview_stage",
        "interviewers",
        "start_at",
        "end_at",
    }
    assert {"organizer", "location", "status"} <= set(greenhouse_meta.available_fields)
    assert greenhouse_meta.fields["status"].enum == ("SCHEDULED", "AWAITING_FEEDBACK", "COMPLETE")

    lever = connect("lever")
    lever_meta = lever.interview_post_meta()
    assert not lever_meta.supports_create and lever_meta.fields == {}
    with pytest.raises(Permanent, match="does not accept new ScheduledInterviews"):
        build_interview_payload(lever_meta, "application", "stage", start_at=START, end_at=START)
    # Sent anyway, Merge's refusal comes back in Lever's words.
    model, user = greenhouse_model(connect())
    with pytest.raises(Permanent) as refused:
        lever.create_interview(model, user)
    assert refused.value.message == "Lever does not support creating ScheduledInterview objects through Merge."
    assert refused.value.status_code == 400


# --- creating interviews -------------------------------------------------------------------------------------
def test_create_with_the_fields_the_meta_asks_for(sandbox, greenhouse):
    model, user = greenhouse_model(greenhouse)
    assert set(model) == set(greenhouse.interview_post_meta().available_fields)
    created = greenhouse.create_interview(model, user)
    assert created.id and created.warnings == ()
    assert created.status == "SCHEDULED" and created.start_at == START and created.location == "Zoom"
    assert created.application_id == model["application"] and list(created.interviewer_ids) == model["interviewers"]
    assert greenhouse.get_interview(created.id) == created
    assert invites_for_stage(sandbox, model["job_interview_stage"]) == 1


def test_payload_keeps_to_what_the_ats_takes():
    required = ("application", "job_interview_stage", "start_at", "end_at")
    meta = InterviewPostMeta(
        fields={name: PostField(name, required=name in required) for name in (*required, "organizer")},
        remote_user_id_required=True,
        linked_account_status="COMPLETE",
        can_make_request=True,
        has_conditional_params=False,
        has_required_linked_account_params=False,
    )
    model = build_interview_payload(
        meta, "app-1", "stage-1", "user-1", ["user-2"], START, START + timedelta(hours=1), "SCHEDULED", "Zoom"
    )
    assert model == {
        "application": "app-1",
        "job_interview_stage": "stage-1",
        "organizer": "user-1",
        "start_at": "2031-03-04T15:00:00Z",
        "end_at": "2031-03-04T16:00:00Z",
    }
    with pytest.raises(Permanent, match="requires 'end_at'"):
        build_interview_payload(meta, "app-1", "stage-1", start_at=START)
    with pytest.raises(Permanent, match="requires 'job_interview_stage'"):
        build_interview_payload(meta, "app-1", None, start_at=START, end_at=START)
    with pytest.raises(ValueError, match="timezone-aware"):
        build_interview_payload(meta, "app-1", "stage-1", start_at=datetime(2031, 1, 1), end_at=START)


def test_greenhouse_meta_refuses_a_payload_without_interviewers(greenhouse):
    with pytest.raises(Permanent, match="requires 'interviewers'"):
        greenhouse_model(greenhouse, interviewers=[])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"start_at": None, "end_at": None}, "start_at is a required field; end_at is a required field"),
        ({"application": "nope"}, "No application with id 'nope' exists."),
        ({"status": "MAYBE"}, "status must be one of SCHEDULED, AWAITING_FEEDBACK, COMPLETE"),
        ({"end_at": "2031-03-04T14:00:00Z"}, "end_at must not be before start_at"),
    ],
)
def test_refusals_join_merge_problem_details(sandbox, greenhouse, change, message):
    model, user = greenhouse_model(greenhouse)
    with pytest.raises(Permanent) as refused:
        greenhouse.create_interview({**model, **change}, user)
    assert refused.value.message == message and refused.value.status_code == 400
    assert refused.value.payload["errors"]
    assert invites_for_stage(sandbox, model["job_interview_stage"]) == 0


def test_missing_remote_user_is_refused(greenhouse):
    model, _ = greenhouse_model(greenhouse)
    with pytest.raises(Permanent, match="remote_user_id is a required field"):
        greenhouse.create_interview(model, "")


def test_warnings_are_surfaced_on_a_created_interview(greenhouse):
    model, user = greenhouse_model(greenhouse)
    created = greenhouse.create_interview({**model, "colour": "teal"}, user)
    assert [w.detail for w in created.warnings] == ["colour is not a writable field for Greenhouse and was ignored"]
    assert created.warnings[0].pointer == "/model/colour"


# --- failures -------------------------------------------------------------------------------------------------
def test_rate_limit_is_retryable_with_retry_after(sandbox, greenhouse):
    faults(sandbox, rate_limit_rate=1.0, retry_after=7)
    with pytest.raises(Retryable) as limited:
        greenhouse.list_interviews_page()
    assert (limited.value.status_code, limited.value.retry_after) == (429, 7.0)
    with pytest.raises(Retryable) as limited_post:
        greenhouse.create_interview({"application": "x"}, "user")
    assert limited_post.value.retry_after == 7.0


def test_server_errors_are_retryable_and_never_a_bad_key(sandbox, greenhouse):
    faults(sandbox, error_rate=1.0)
    with pytest.raises(Retryable, match="Service temporarily unavailable") as failed:
        greenhouse.get_interview("b8faf072-98b9-4445-8a9a-6b4950efca19")
    assert failed.value.status_code == 503
    with pytest.raises(Retryable):
        greenhouse.check_credentials()


def test_dropped_create_is_unknown_then_found_and_never_doubled(sandbox, greenhouse):
    model, user = greenhouse_model(greenhouse)
    faults(sandbox, drop_rate=1.0)
    with pytest.raises(UnknownOutcome):
        greenhouse.create_interview(model, user)
    with pytest.raises(Retryable):  # a dropped GET is simply retried
        greenhouse.list_interviews_page()
    faults(sandbox, drop_rate=0.0)

    found = greenhouse.find_created_interview(model)
    assert found is not None and found.start_at == START
    assert found.job_interview_stage_id == model["job_interview_stage"]
    assert invites_for_stage(sandbox, model["job_interview_stage"]) == 1
    other, _ = greenhouse_model(greenhouse, start_at=START + timedelta(days=9))
    assert greenhouse.find_created_interview(other) is None


def test_timeouts_split_by_method(sandbox, connect, settings):
    settings.VENDOR_HTTP_TIMEOUT = (1, 0.3)
    client = connect()
    model, user = greenhouse_model(client)
    faults(sandbox, timeout_rate=1.0, timeout_seconds=0.6)
    with pytest.raises(Retryable):
        client.list_interviews_page()
    with pytest.raises(UnknownOutcome):
        client.create_interview(model, user)


# --- expand and remote data ------------------------------------------------------------------------------------
def test_expand_turns_ids_into_objects(greenhouse):
    plain = greenhouse.list_interviews_page(page_size=3).results
    expanded = greenhouse.list_interviews_page(
        page_size=3, expand=("application", "job_interview_stage", "organizer", "interviewers")
    ).results
    for before, after in zip(plain, expanded, strict=True):
        assert isinstance(after.application, Application) and after.application_id == before.application
        assert isinstance(after.job_interview_stage, JobInterviewStage)
        assert after.job_interview_stage_id == before.job_interview_stage
        assert isinstance(after.organizer, User) and after.organizer.email
        assert all(isinstance(u, User) for u in after.interviewers)
        assert after.interviewer_ids == before.interviewers
    one = greenhouse.get_interview(plain[0].id, expand="organizer", include_remote_data=True)
    assert isinstance(one.organizer, User) and one.organizer_id == plain[0].organizer
    assert one.remote_data[0]["path"] == "/scheduled_interviews"
    assert plain[0].remote_data is None
    with pytest.raises(Permanent, match=r"expand: Select a valid choice\. colour"):
        greenhouse.list_interviews_page(expand=["colour"])
