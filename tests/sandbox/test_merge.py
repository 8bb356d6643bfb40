"""Contract tests for the Merge ATS simulator (ScheduledInterview and the models it refers to).

Every example in the Merge document is replayed as written; the rest pins pagination, filters,
auth failures, per-ATS field support and the control API used by the demo and the sync tests.
"""

import uuid
from datetime import UTC, datetime

import pytest
import requests

from integrations.sandbox.merge import API_KEY, GREENHOUSE_TOKEN, LEVER_TOKEN

# The document's examples, verbatim.
DOC_INTERVIEW = {
    "id": "b8faf072-98b9-4445-8a9a-6b4950efca19",
    "remote_id": "3",
    "application": "92e8a369-fffe-430d-b93a-f7e8a16563f1",
    "job_interview_stage": "2f7adb59-3fe6-4b5b-aef6-563f72bd13dc",
    "organizer": "52bf9b5e-0beb-4f6f-8a72-cd4dca7ca633",
    "interviewers": ["f9813dd5-e70b-484c-91d8-00acd6065b07", "89a86fcf-d540-4e6b-ac3d-ce07c4ec9b3c"],
    "location": "Embarcadero Center 2",
}
DOC_POST_BODY = {
    "model": {
        "application": "92e8a369-fffe-430d-b93a-f7e8a16563f1",
        "job_interview_stage": "2f7adb59-3fe6-4b5b-aef6-563f72bd13dc",
        "organizer": "52bf9b5e-0beb-4f6f-8a72-cd4dca7ca633",
        "interviewers": ["f9813dd5-e70b-484c-91d8-00acd6065b07", "89a86fcf-d540-4e6b-ac3d-ce07c4ec9b3c"],
        "location": "Embarcadero Center 2",
        "start_at": "2021-10-15T00:00:00Z",
        "end_at": "2021-10-15T02:00:00Z",
        "status": "SCHEDULED",
    },
    "remote_user_id": "string",
}
DOC_FIELDS = {
    "id", "remote_id", "application", "job_interview_stage", "organizer", "interviewers", "location", "start_at",
    "end_at", "remote_created_at", "remote_updated_at", "status", "remote_was_deleted",
}  # fmt: skip
DOC_JOB = "52bf9b5e-0beb-4f6f-8a72-cd4dca7ca633"  # the example application's job
SEEDED_INTERVIEWS = 120
SEEDED_DELETED = 3


def headers(token=GREENHOUSE_TOKEN, key=API_KEY):
    return {"Authorization": f"Bearer {key}", "X-Account-Token": token}


def call(sandbox, method, path, token=GREENHOUSE_TOKEN, **kwargs):
    return requests.request(
        method, f"{sandbox.url_for('merge')}/api/ats/v1{path}", headers=headers(token), timeout=5, **kwargs
    )


def get(sandbox, path, token=GREENHOUSE_TOKEN, **params):
    answer = call(sandbox, "GET", path, token, params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


def pull(sandbox, path, token=GREENHOUSE_TOKEN, **params):
    """Every page of a list, following `next` to the end; returns (results, number of pages)."""
    results, pages, cursor = [], 0, None
    while True:
        page = get(sandbox, path, token, **params, **({"cursor": cursor} if cursor else {}))
        results += page["results"]
        pages += 1
        cursor = page["next"]
        if cursor is None:
            return results, pages


def control(sandbox, method, path, **body):
    return requests.request(method, f"{sandbox.url}/_control/merge{path}", json=body, timeout=5)


def schedule(sandbox, **extra):
    """A recruiter schedules another interview for the document's example application."""
    return control(
        sandbox,
        "POST",
        "/interviews",
        application_id=DOC_INTERVIEW["application"],
        job_interview_stage_id=DOC_INTERVIEW["job_interview_stage"],
        **extra,
    )


def stamp(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


# --- the document's examples --------------------------------------------------------------------------
def test_list_example_answers_with_the_documented_envelope(sandbox):
    page = get(sandbox, "/interviews")
    assert set(page) == {"next", "previous", "results"}
    assert page["previous"] is None and page["next"]
    assert len(page["results"]) == 100  # Merge's default and maximum page size
    for interview in page["results"]:
        assert set(interview) >= DOC_FIELDS
        assert interview["status"] in {"SCHEDULED", "AWAITING_FEEDBACK", "COMPLETE"}
        assert interview["remote_data"] is None


def test_retrieve_example_returns_the_documented_interview(sandbox):
    interview = get(sandbox, f"/interviews/{DOC_INTERVIEW['id']}")
    assert {k: interview[k] for k in DOC_INTERVIEW} == DOC_INTERVIEW
    assert stamp(interview["end_at"]) > stamp(interview["start_at"])


def test_post_example_creates_the_interview_in_the_ats(sandbox):
    answer = call(sandbox, "POST", "/interviews", json=DOC_POST_BODY)
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["warnings"] == [] and body["errors"] == []
    assert "logs" not in body  # only in debug mode
    model = body["model"]
    assert {k: model[k] for k in DOC_POST_BODY["model"]} == DOC_POST_BODY["model"]
    assert uuid.UUID(model["id"]) and model["remote_id"] and model["remote_was_deleted"] is False
    assert get(sandbox, f"/interviews/{model['id']}") == model
    stage_counts = sandbox.app.hub.vendors["merge"].counters()["invites"][DOC_POST_BODY["model"]["job_interview_stage"]]
    assert sum(stage_counts.values()) == 1


def test_meta_post_example_has_the_documented_shape(sandbox):
    meta = get(sandbox, "/interviews/meta/post")
    assert set(meta) == {
        "request_schema",
        "remote_field_classes",
        "status",
        "has_conditional_params",
        "has_required_linked_account_params",
    }
    assert meta["status"] == {"linked_account_status": "COMPLETE", "can_make_request": True}
    model = meta["request_schema"]["properties"]["model"]
    assert set(model["properties"]) == set(DOC_POST_BODY["model"])
    assert set(model["required"]) == {"application", "job_interview_stage", "interviewers", "start_at", "end_at"}
    assert meta["request_schema"]["required"] == ["model", "remote_user_id"]


# --- auth ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("sent", "detail"),
    [
        ({}, "Authentication credentials were not provided."),
        ({"Authorization": "Bearer wrong", "X-Account-Token": GREENHOUSE_TOKEN}, "Invalid API key."),
        ({"Authorization": f"Token {API_KEY}", "X-Account-Token": GREENHOUSE_TOKEN}, "Invalid API key."),
        ({"Authorization": f"Bearer {API_KEY}"}, "Missing X-Account-Token header."),
        ({"Authorization": f"Bearer {API_KEY}", "X-Account-Token": "nope"}, "Invalid X-Account-Token."),
    ],
)
def test_requests_without_both_credentials_are_refused(sandbox, sent, detail):
    for method, path in (("GET", "/interviews"), ("GET", "/interviews/meta/post"), ("POST", "/interviews")):
        answer = requests.request(
            method, f"{sandbox.url_for('merge')}/api/ats/v1{path}", headers=sent, json=DOC_POST_BODY, timeout=5
        )
        assert answer.status_code == 401
        assert answer.json() == {"detail": detail}
    assert get(sandbox, "/interviews", page_size=1)["results"]  # nothing was written meanwhile
    assert len(pull(sandbox, "/interviews")[0]) == SEEDED_INTERVIEWS - SEEDED_DELETED


def test_unknown_objects_and_paths_answer_not_found(sandbox):
    missing = call(sandbox, "GET", f"/interviews/{uuid.uuid4()}")
    assert missing.status_code == 404 and missing.json() == {"detail": "Not found."}
    assert call(sandbox, "GET", "/scorecards-of-doom").status_code == 404


def test_injected_faults_use_merge_error_shape(sandbox):
    control(sandbox, "POST", "/faults", error_rate=1)
    answer = call(sandbox, "GET", "/interviews")
    assert answer.status_code == 503 and "detail" in answer.json()


# --- pagination ------------------------------------------------------------------------------------------
def test_default_page_size_pages_to_the_end(sandbox):
    results, pages = pull(sandbox, "/interviews")
    assert pages == 2
    assert len({r["id"] for r in results}) == len(results) == SEEDED_INTERVIEWS - SEEDED_DELETED
    created = [stamp(r["created_at"]) for r in results]
    assert created == sorted(created, reverse=True)  # newest first


def test_page_size_is_honoured_capped_and_previous_goes_back(sandbox):
    first = get(sandbox, "/interviews", page_size=25)
    second = get(sandbox, "/interviews", page_size=25, cursor=first["next"])
    third = get(sandbox, "/interviews", page_size=25, cursor=second["next"])
    assert [len(p["results"]) for p in (first, second, third)] == [25, 25, 25]
    back = get(sandbox, "/interviews", page_size=25, cursor=third["previous"])
    assert back["results"] == second["results"]
    assert get(sandbox, "/interviews", page_size=25, cursor=back["previous"])["results"] == first["results"]
    assert get(sandbox, "/interviews", page_size=25, cursor=back["previous"])["previous"] is None
    _, pages = pull(sandbox, "/interviews", page_size=25)
    assert pages == 5
    assert len(get(sandbox, "/interviews", page_size=1000)["results"]) == 100
    assert len(get(sandbox, "/interviews", page_size="lots")["results"]) == 100


def test_a_forged_cursor_is_refused(sandbox):
    for cursor in ("not-a-cursor", "cD0yMDIxLTAxLTA2KzAzJTNBMjQlM0E1My40MzQzMjYlMkIwMCUzQTAw"):
        answer = call(sandbox, "GET", "/interviews", params={"cursor": cursor})
        assert answer.status_code == 404 and answer.json() == {"detail": "Invalid cursor"}


def test_interviews_created_while_paging_do_not_shift_unread_pages(sandbox):
    first = get(sandbox, "/interviews", page_size=30)
    schedule(sandbox)
    seen, cursor = list(first["results"]), first["next"]
    while cursor:
        page = get(sandbox, "/interviews", page_size=30, cursor=cursor)
        seen += page["results"]
        cursor = page["next"]
    assert len({r["id"] for r in seen}) == len(seen) == SEEDED_INTERVIEWS - SEEDED_DELETED


# --- filters ------------------------------------------------------------------------------------------------
def test_incremental_pull_with_modified_after_sees_exactly_the_changes(sandbox):
    everything, _ = pull(sandbox, "/interviews")
    watermark = max(r["modified_at"] for r in everything)
    assert pull(sandbox, "/interviews", modified_after=watermark)[0] == []

    target = next(r for r in everything if r["status"] == "AWAITING_FEEDBACK")
    advanced = control(sandbox, "POST", "/advance", ref=target["id"], action="completed")
    assert advanced.status_code == 200
    created = schedule(sandbox, start_at="2030-05-01T10:00:00Z")
    assert created.status_code == 201
    changes, _ = pull(sandbox, "/interviews", modified_after=watermark)
    assert {r["id"] for r in changes} == {target["id"], created.json()["id"]}
    by_id = {r["id"]: r for r in changes}
    assert by_id[target["id"]]["status"] == "COMPLETE"
    assert by_id[created.json()["id"]]["status"] == "SCHEDULED"
    assert by_id[created.json()["id"]]["start_at"] == "2030-05-01T10:00:00Z"


def test_modified_after_pages_across_several_pages(sandbox):
    everything, _ = pull(sandbox, "/interviews")
    since = "2025-01-20T00:00:00Z"
    expected = {r["id"] for r in everything if stamp(r["modified_at"]) > stamp(since)}
    assert 30 < len(expected) < len(everything)
    found, pages = pull(sandbox, "/interviews", modified_after=since, page_size=10)
    assert pages >= 4
    assert {r["id"] for r in found} == expected and len(found) == len(expected)
    older, _ = pull(sandbox, "/interviews", modified_before=since)
    assert len(older) + len(found) == len(everything)


def test_created_window_filters(sandbox):
    after, before = "2025-01-10T00:00:00Z", "2025-01-20T00:00:00Z"
    window, _ = pull(sandbox, "/interviews", created_after=after, created_before=before)
    assert window
    assert all(stamp(after) < stamp(r["created_at"]) < stamp(before) for r in window)
    everything, _ = pull(sandbox, "/interviews")
    assert len(window) == sum(stamp(after) < stamp(r["created_at"]) < stamp(before) for r in everything)


def test_reference_filters(sandbox):
    by_application = pull(sandbox, "/interviews", application_id=DOC_INTERVIEW["application"])[0]
    assert len(by_application) == 2 and {r["application"] for r in by_application} == {DOC_INTERVIEW["application"]}
    by_stage = pull(sandbox, "/interviews", job_interview_stage_id=DOC_INTERVIEW["job_interview_stage"])[0]
    assert by_stage and {r["job_interview_stage"] for r in by_stage} == {DOC_INTERVIEW["job_interview_stage"]}
    by_organizer = pull(sandbox, "/interviews", organizer_id=DOC_INTERVIEW["organizer"])[0]
    assert 0 < len(by_organizer) < SEEDED_INTERVIEWS
    assert {r["organizer"] for r in by_organizer} == {DOC_INTERVIEW["organizer"]}
    assert [r["id"] for r in get(sandbox, "/interviews", remote_id="3")["results"]] == [DOC_INTERVIEW["id"]]
    assert get(sandbox, "/interviews", remote_id="no-such-thing")["results"] == []


def test_deleted_interviews_show_only_with_include_deleted_data(sandbox):
    visible, _ = pull(sandbox, "/interviews")
    everything, _ = pull(sandbox, "/interviews", include_deleted_data="true")
    deleted = [r for r in everything if r["remote_was_deleted"]]
    assert len(everything) == SEEDED_INTERVIEWS and len(deleted) == SEEDED_DELETED
    assert not {r["id"] for r in deleted} & {r["id"] for r in visible}


def test_include_remote_data_adds_the_ats_payload(sandbox):
    interview = get(sandbox, "/interviews", remote_id="3", include_remote_data="true")["results"][0]
    [remote] = interview["remote_data"]
    assert set(remote) == {"path", "data"}
    assert remote["data"]["id"] == 3 and remote["data"]["status"] == "complete"
    assert get(sandbox, "/interviews", remote_id="3", include_remote_data="false")["results"][0]["remote_data"] is None


def test_expand_turns_ids_into_objects(sandbox):
    expanded = get(
        sandbox, f"/interviews/{DOC_INTERVIEW['id']}", expand="application,job_interview_stage,organizer,interviewers"
    )
    assert expanded["application"]["id"] == DOC_INTERVIEW["application"]
    assert expanded["application"]["candidate"] == "2872ba14-4084-492b-be96-e5eee6fc33ef"
    assert expanded["job_interview_stage"]["id"] == DOC_INTERVIEW["job_interview_stage"]
    assert expanded["job_interview_stage"]["job"] == expanded["application"]["job"]
    assert expanded["organizer"]["id"] == DOC_INTERVIEW["organizer"] and expanded["organizer"]["email"]
    assert [u["id"] for u in expanded["interviewers"]] == DOC_INTERVIEW["interviewers"]
    listed = get(sandbox, "/interviews", remote_id="3", expand="organizer")["results"][0]
    assert (
        listed["organizer"]["id"] == DOC_INTERVIEW["organizer"]
        and listed["application"] == DOC_INTERVIEW["application"]
    )


def test_show_enum_origins_returns_the_ats_own_status(sandbox):
    assert get(sandbox, "/interviews", remote_id="3")["results"][0]["status"] == "COMPLETE"
    assert get(sandbox, "/interviews", remote_id="3", show_enum_origins="status")["results"][0]["status"] == "complete"
    assert get(sandbox, "/interviews", remote_id="3", remote_fields="status")["results"][0]["status"] == "complete"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"created_after": "yesterday"}, "created_after"),
        ({"modified_before": "2025-13-40"}, "modified_before"),
        ({"expand": "application,scorecards"}, "expand"),
        ({"include_deleted_data": "maybe"}, "include_deleted_data"),
    ],
)
def test_malformed_query_parameters_are_refused(sandbox, params, field):
    answer = call(sandbox, "GET", "/interviews", params=params)
    assert answer.status_code == 400
    assert list(answer.json()) == [field]


# --- field support differs by ATS ---------------------------------------------------------------------------
def test_fields_an_ats_lacks_are_absent(sandbox):
    greenhouse = get(sandbox, "/interviews", page_size=5)["results"]
    lever = get(sandbox, "/interviews", LEVER_TOKEN, page_size=5)["results"]
    assert all({"status", "remote_updated_at"} <= set(r) for r in greenhouse)
    for interview in lever:
        assert "status" not in interview and "remote_updated_at" not in interview
        assert {"organizer", "location", "interviewers", "start_at", "end_at", "remote_created_at"} <= set(interview)
    single = get(sandbox, f"/interviews/{lever[0]['id']}", LEVER_TOKEN)
    assert "status" not in single
    assert uuid.UUID(lever[0]["remote_id"])  # Lever's ids are UUIDs, Greenhouse's are numbers
    assert greenhouse[0]["remote_id"].isdigit()


def test_each_account_sees_only_its_own_ats(sandbox):
    lever_ids = {r["id"] for r in pull(sandbox, "/interviews", LEVER_TOKEN)[0]}
    assert len(lever_ids) == SEEDED_INTERVIEWS - SEEDED_DELETED
    assert DOC_INTERVIEW["id"] not in lever_ids
    assert call(sandbox, "GET", f"/interviews/{DOC_INTERVIEW['id']}", LEVER_TOKEN).status_code == 404


def test_meta_post_differs_per_ats_and_lever_cannot_create(sandbox):
    meta = get(sandbox, "/interviews/meta/post", LEVER_TOKEN)
    assert meta["request_schema"]["properties"]["model"]["properties"] == {}
    assert "remote_user_id" not in meta["request_schema"]["properties"]
    before = len(pull(sandbox, "/interviews", LEVER_TOKEN)[0])
    answer = call(sandbox, "POST", "/interviews", LEVER_TOKEN, json=DOC_POST_BODY)
    assert answer.status_code == 400
    [error] = answer.json()["errors"]
    assert error["problem_type"] == "ERROR" and "Lever" in error["detail"]
    assert len(pull(sandbox, "/interviews", LEVER_TOKEN)[0]) == before


# --- POST validation ---------------------------------------------------------------------------------------
def problems(answer, kind="errors"):
    return {(p["problem_type"], (p["source"] or {}).get("pointer")) for p in answer.json()[kind]}


def test_post_reports_every_missing_required_field(sandbox):
    answer = call(sandbox, "POST", "/interviews", json={"model": {"location": "Zoom"}})
    assert answer.status_code == 400
    assert set(answer.json()) == {"warnings", "errors"}
    assert problems(answer) == {
        ("MISSING_REQUIRED_FIELD", "/model/application"),
        ("MISSING_REQUIRED_FIELD", "/model/job_interview_stage"),
        ("MISSING_REQUIRED_FIELD", "/model/interviewers"),
        ("MISSING_REQUIRED_FIELD", "/model/start_at"),
        ("MISSING_REQUIRED_FIELD", "/model/end_at"),
        ("MISSING_REQUIRED_FIELD", "/remote_user_id"),
    }
    for error in answer.json()["errors"]:
        assert set(error) == {"source", "title", "detail", "problem_type"}
    assert problems(call(sandbox, "POST", "/interviews", json={})) == {("MISSING_REQUIRED_FIELD", "/model")}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"application": str(uuid.uuid4())}, ("ERROR", "/model/application")),
        ({"interviewers": ["f9813dd5-e70b-484c-91d8-00acd6065b07", "someone"]}, ("ERROR", "/model/interviewers")),
        ({"interviewers": "f9813dd5-e70b-484c-91d8-00acd6065b07"}, ("INCORRECT_FIELD_TYPE", "/model/interviewers")),
        ({"start_at": "next tuesday"}, ("INCORRECT_FIELD_TYPE", "/model/start_at")),
        ({"end_at": "2021-10-14T00:00:00Z"}, ("ERROR", "/model/end_at")),
        ({"status": "DONE"}, ("INCORRECT_FIELD_TYPE", "/model/status")),
        ({"job_interview_stage": "not-a-stage"}, ("ERROR", "/model/job_interview_stage")),
    ],
)
def test_post_refuses_invalid_values(sandbox, change, expected):
    body = {**DOC_POST_BODY, "model": {**DOC_POST_BODY["model"], **change}}
    answer = call(sandbox, "POST", "/interviews", json=body)
    assert answer.status_code == 400
    assert problems(answer) == {expected}
    assert len(get(sandbox, "/interviews", application_id=DOC_INTERVIEW["application"])["results"]) == 2


def test_post_refuses_a_stage_of_another_job(sandbox):
    other_job_stage = next(s for s in pull(sandbox, "/job-interview-stages")[0] if s["job"] != DOC_JOB)
    body = {**DOC_POST_BODY, "model": {**DOC_POST_BODY["model"], "job_interview_stage": other_job_stage["id"]}}
    answer = call(sandbox, "POST", "/interviews", json=body)
    assert answer.status_code == 400 and problems(answer) == {("ERROR", "/model/job_interview_stage")}


def test_post_warns_about_unrecognized_fields_and_still_creates(sandbox):
    body = {**DOC_POST_BODY, "model": {**DOC_POST_BODY["model"], "meeting_url": "https://meet.example.com/x"}}
    answer = call(sandbox, "POST", "/interviews", json=body)
    assert answer.status_code == 201
    assert problems(answer, "warnings") == {("UNRECOGNIZED_FIELD", "/model/meeting_url")}
    assert "meeting_url" not in answer.json()["model"]


def test_post_in_debug_mode_returns_logs(sandbox):
    answer = call(sandbox, "POST", "/interviews", json=DOC_POST_BODY, params={"is_debug_mode": "true"})
    assert answer.status_code == 201
    [log] = answer.json()["logs"]
    assert set(log) == {"log_id", "dashboard_view", "log_summary"}
    assert log["log_summary"]["method"] == "POST"


def test_post_with_a_broken_body_is_refused(sandbox):
    answer = requests.post(
        f"{sandbox.url_for('merge')}/api/ats/v1/interviews",
        data=b"{not json",
        headers={**headers(), "Content-Type": "application/json"},
        timeout=5,
    )
    assert answer.status_code == 400 and "detail" in answer.json()


# --- the models ScheduledInterview refers to ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "count", "fields"),
    [
        ("/jobs", 4, {"name", "status", "code", "hiring_managers", "recruiters"}),
        ("/job-interview-stages", 20, {"name", "job", "stage_order"}),
        ("/candidates", 60, {"first_name", "last_name", "email_addresses", "applications"}),
        ("/applications", 60, {"candidate", "job", "current_stage", "applied_at", "credited_to"}),
        ("/users", 8, {"first_name", "last_name", "email", "access_role"}),
    ],
)
def test_related_lists_page_and_retrieve(sandbox, path, count, fields):
    for token in (GREENHOUSE_TOKEN, LEVER_TOKEN):
        results, pages = pull(sandbox, path, token, page_size=7)
        assert len(results) == len({r["id"] for r in results}) == count
        assert pages == -(-count // 7)
        for record in results:
            assert {"id", "remote_id", "remote_was_deleted", "created_at", "modified_at"} | fields <= set(record)
        assert get(sandbox, f"{path}/{results[0]['id']}", token) == results[0]
        assert call(sandbox, "GET", f"{path}/{uuid.uuid4()}", token).status_code == 404


def test_related_records_hang_together(sandbox):
    jobs = {r["id"] for r in pull(sandbox, "/jobs")[0]}
    stages = {r["id"]: r for r in pull(sandbox, "/job-interview-stages")[0]}
    candidates = {r["id"]: r for r in pull(sandbox, "/candidates")[0]}
    for application in pull(sandbox, "/applications")[0]:
        assert application["job"] in jobs and application["candidate"] in candidates
        assert stages[application["current_stage"]]["job"] == application["job"]
        assert application["id"] in candidates[application["candidate"]]["applications"]
    for candidate in candidates.values():
        [email] = candidate["email_addresses"]
        assert set(email) == {"value", "email_address_type"} and "@" in email["value"]
    doc_app = get(sandbox, "/applications/92e8a369-fffe-430d-b93a-f7e8a16563f1")
    assert doc_app["remote_id"] == "98796" and doc_app["candidate"] == "2872ba14-4084-492b-be96-e5eee6fc33ef"


def test_related_list_filters(sandbox):
    job = DOC_JOB
    stages = pull(sandbox, "/job-interview-stages", job_id=job)[0]
    assert [s["stage_order"] for s in sorted(stages, key=lambda s: s["stage_order"])] == [0, 1, 2, 3, 4]
    applications = pull(sandbox, "/applications", job_id=job)[0]
    assert len(applications) == 15 and {a["job"] for a in applications} == {job}
    candidate = get(sandbox, "/candidates/2872ba14-4084-492b-be96-e5eee6fc33ef")
    email = candidate["email_addresses"][0]["value"]
    assert [c["id"] for c in get(sandbox, "/candidates", email_addresses=email.upper())["results"]] == [candidate["id"]]
    assert get(sandbox, "/jobs", expand="hiring_managers")["results"][0]["hiring_managers"][0]["email"]
    since = max(r["modified_at"] for r in pull(sandbox, "/applications")[0])
    assert get(sandbox, "/applications", modified_after=since)["results"] == []


# --- moving candidates along -------------------------------------------------------------------------------
def advance(sandbox, ref, action):
    return control(sandbox, "POST", "/advance", ref=ref, action=action)


def test_completed_bumps_modified_at_and_reports_complete(sandbox):
    target = next(r for r in pull(sandbox, "/interviews")[0] if r["status"] == "AWAITING_FEEDBACK")
    answer = advance(sandbox, target["remote_id"], "completed")
    assert answer.status_code == 200
    assert answer.json()["scheduled_interview"]["status"] == "COMPLETE"
    after = get(sandbox, f"/interviews/{target['id']}")
    assert after["status"] == "COMPLETE"
    assert stamp(after["modified_at"]) > stamp(target["modified_at"])
    assert stamp(after["remote_updated_at"]) > stamp(target["remote_updated_at"])
    assert (
        advance(sandbox, target["id"], "completed").json()["scheduled_interview"]["modified_at"] == after["modified_at"]
    )  # completing twice changes nothing


def test_started_waits_for_feedback_once_the_interview_began(sandbox):
    past = next(r for r in pull(sandbox, "/interviews")[0] if r["status"] == "SCHEDULED")
    assert advance(sandbox, past["id"], "started").json()["scheduled_interview"]["status"] == "AWAITING_FEEDBACK"
    future = control(
        sandbox,
        "POST",
        "/interviews",
        application_id=DOC_INTERVIEW["application"],
        job_interview_stage_id=DOC_INTERVIEW["job_interview_stage"],
        start_at="2099-01-01T10:00:00Z",
    )
    answer = advance(sandbox, future.json()["id"], "started")  # fmt: skip
    assert answer.json()["scheduled_interview"]["status"] == "SCHEDULED"
    completed = next(r for r in pull(sandbox, "/interviews")[0] if r["status"] == "COMPLETE")
    assert advance(sandbox, completed["id"], "started").status_code == 400


def test_discarded_interviews_vanish_from_default_lists(sandbox):
    answer = advance(sandbox, DOC_INTERVIEW["id"], "discarded")
    assert answer.json()["scheduled_interview"]["remote_was_deleted"] is True
    assert get(sandbox, "/interviews", remote_id="3")["results"] == []
    [deleted] = get(sandbox, "/interviews", remote_id="3", include_deleted_data="true")["results"]
    assert deleted["remote_was_deleted"] is True
    assert advance(sandbox, DOC_INTERVIEW["id"], "completed").status_code == 400


def test_advance_by_candidate_email_targets_their_latest_interview(sandbox):
    candidate = get(sandbox, "/candidates/2872ba14-4084-492b-be96-e5eee6fc33ef")
    theirs = pull(sandbox, "/interviews", application_id=DOC_INTERVIEW["application"])[0]
    latest = max(theirs, key=lambda r: r["created_at"])
    answer = advance(sandbox, candidate["email_addresses"][0]["value"], "discarded")
    assert answer.status_code == 200
    assert answer.json()["scheduled_interview"]["id"] == latest["id"]
    assert advance(sandbox, "nobody@nowhere.example", "completed").status_code == 404


def test_advance_reaches_lever_interviews_too(sandbox):
    target = get(sandbox, "/interviews", LEVER_TOKEN, page_size=1)["results"][0]
    answer = advance(sandbox, target["remote_id"], "completed")
    assert answer.status_code == 200 and answer.json()["integration"] == "Lever"
    after = get(sandbox, f"/interviews/{target['id']}", LEVER_TOKEN)
    assert "status" not in after  # Lever has no status, but the change is still visible to a sync
    assert stamp(after["modified_at"]) > stamp(target["modified_at"])


def test_shortlisted_moves_the_application_to_its_next_stage(sandbox):
    application = get(sandbox, f"/applications/{DOC_INTERVIEW['application']}")
    since = max(r["modified_at"] for r in pull(sandbox, "/applications")[0])
    assert advance(sandbox, DOC_INTERVIEW["id"], "shortlisted").status_code == 200
    [moved] = get(sandbox, "/applications", modified_after=since)["results"]
    assert moved["id"] == application["id"]
    old, new = (
        get(sandbox, f"/job-interview-stages/{s}") for s in (application["current_stage"], moved["current_stage"])
    )
    assert new["stage_order"] == old["stage_order"] + 1


# --- control API ----------------------------------------------------------------------------------------------
def test_control_creates_interviews_in_either_account(sandbox):
    lever_application = get(sandbox, "/applications", LEVER_TOKEN, page_size=1)["results"][0]
    stage = get(sandbox, "/job-interview-stages", LEVER_TOKEN, job_id=lever_application["job"])["results"][0]
    answer = control(
        sandbox,
        "POST",
        "/interviews",
        account_token=LEVER_TOKEN,
        application_id=lever_application["id"],
        job_interview_stage_id=stage["id"],
        start_at="2030-01-01T09:00:00Z",
        end_at="2030-01-01T10:00:00Z",
    )
    assert answer.status_code == 201
    created = answer.json()
    assert created["application"] == lever_application["id"] and "status" not in created
    assert get(sandbox, f"/interviews/{created['id']}", LEVER_TOKEN) == created
    accounts = control(sandbox, "GET", "/accounts").json()
    assert {a["integration"] for a in accounts} == {"Greenhouse", "Lever"}


def test_control_refuses_what_the_ats_would_refuse(sandbox):
    unknown = control(sandbox, "POST", "/interviews", application_id="nope", job_interview_stage_id="nope")
    assert unknown.status_code == 400
    other_stage = next(s for s in pull(sandbox, "/job-interview-stages")[0] if s["job"] != DOC_JOB)
    mismatch = control(
        sandbox,
        "POST",
        "/interviews",
        application_id=DOC_INTERVIEW["application"],
        job_interview_stage_id=other_stage["id"],
    )
    assert mismatch.status_code == 400


def test_seed_is_deterministic(sandbox):
    first = pull(sandbox, "/interviews", include_deleted_data="true")[0]
    requests.post(f"{sandbox.url}/_control/merge/reset", timeout=5)
    assert pull(sandbox, "/interviews", include_deleted_data="true")[0] == first
    assert all(stamp(r["created_at"]) < datetime.now(UTC) for r in first)
