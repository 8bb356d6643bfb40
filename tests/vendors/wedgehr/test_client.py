"""The WedgeHR client against the sandbox, over real HTTP."""

import html
import re
import time
from dataclasses import replace

import pytest
import requests

from integrations.vendors import webhooks_module
from integrations.vendors.errors import Permanent, Retryable, UnknownOutcome
from integrations.vendors.types import InvitationRef, InviteRequest, VendorConfig
from integrations.vendors.wedgehr import WedgeHRClient
from integrations.vendors.wedgehr.statuses import unified_state

SUPPORT = "2"  # "Customer Support Representative", the interview of the document's create example
MOVERS = "1382244997593464"
PRACTITIONER = "5911293050157308"
SEEDED_INVITE = "7952721015002024"  # the document's invite, on PRACTITIONER, status invited


def make_client(sandbox, token=None, base_url=None, **options):
    token = sandbox.app.hub.vendors["wedgehr"].credentials["api_key"] if token is None else token
    config = VendorConfig(
        base_url=base_url or sandbox.url_for("wedgehr"), credentials={"api_token": token}, options=options
    )
    return WedgeHRClient(config)


@pytest.fixture
def wedgehr(sandbox):
    return make_client(sandbox)


def request_for(email, key=None, interview=SUPPORT, **options):
    return InviteRequest(
        key=key or f"inv-{email.split('@')[0]}",
        assessment_id=interview,
        assessment_kind="video_interview",
        email=email,
        first_name="Sam",
        last_name="Lee",
        options=options,
    )


def ref_for(result, request):
    return InvitationRef(
        key=request.key,
        assessment_id=request.assessment_id,
        assessment_kind=request.assessment_kind,
        email=request.email,
        remote_id=result.remote_id,
    )


def control(sandbox, path, body):
    answer = requests.post(f"{sandbox.url}/_control/{path}", json=body, timeout=5)
    assert answer.ok, answer.text
    return answer.json()


def counters(sandbox):
    return requests.get(f"{sandbox.url}/_control/wedgehr/counters", timeout=5).json()


def invited(sandbox, interview, email):
    return counters(sandbox)["invites"].get(interview, {}).get(email, 0)


def requests_to(sandbox, endpoint):
    return counters(sandbox)["requests"].get(endpoint, 0)


# --- connection and catalog ------------------------------------------------------------------


def test_check_credentials_with_a_good_a_bad_and_no_key(sandbox, wedgehr):
    assert wedgehr.check_credentials().ok
    bad = make_client(sandbox, token="not-the-token").check_credentials()
    assert (bad.ok, bad.message) == (False, "Unauthenticated.")
    assert not make_client(sandbox, token="").check_credentials().ok


def test_check_credentials_raises_when_wedgehr_is_down(sandbox, wedgehr):
    control(sandbox, "wedgehr/faults", {"error_rate": 1.0})
    with pytest.raises(Retryable):
        wedgehr.check_credentials()


def test_base_url_may_include_the_api_path(sandbox):
    assert make_client(sandbox, base_url=sandbox.url_for("wedgehr") + "/connect/v2/").check_credentials().ok


def test_catalog_sync_follows_every_page(sandbox, wedgehr):
    control(sandbox, "wedgehr/options", {"max_page_size": 25})
    catalog = list(wedgehr.list_assessments())
    ids = [a.remote_id for a in catalog]
    assert len(ids) == len(set(ids)) == 130
    assert requests_to(sandbox, "GET /connect/v2/interviews") == 6  # 130 at 25 a page
    movers = next(a for a in catalog if a.remote_id == MOVERS)
    assert (movers.kind, movers.name, movers.active) == ("video_interview", "Movers", True)
    assert movers.raw["properties"] == [{"name": "Location", "value": "Chicago"}]


def test_catalog_sync_asks_for_the_largest_pages(sandbox, wedgehr):
    assert len(list(wedgehr.list_assessments())) == 130
    assert requests_to(sandbox, "GET /connect/v2/interviews") == 2


# --- inviting ----------------------------------------------------------------------------------


def test_invite_a_batch(sandbox, wedgehr):
    batch = [
        request_for("ava@example.com"),
        request_for("bo@example.com", interview=MOVERS),
        request_for("cy@example.com", send_email=False),
    ]
    results = wedgehr.invite(batch)
    assert [r.key for r in results] == [r.key for r in batch]
    assert all(r.ok and r.remote_id and not r.duplicate for r in results)
    assert [r.vendor_status for r in results] == ["invited", "invited", "unknown"]
    # Not emailed by WedgeHR: the link is ours to hand out, so the candidate counts as invited.
    assert [r.state for r in results] == ["invited", "invited", "invited"]
    assert requests.get(results[0].candidate_url, timeout=5).status_code == 200
    assert results[2].raw["inviteSent"] is False
    assert invited(sandbox, SUPPORT, "ava@example.com") == invited(sandbox, MOVERS, "bo@example.com") == 1
    vendor_invite = sandbox.app.hub.vendors["wedgehr"].invitations[int(results[1].remote_id)]
    assert (vendor_invite.unique_id, vendor_invite.email) == ("inv-bo", "bo@example.com")


def test_invite_runs_a_bounded_number_of_requests_at_once(sandbox):
    control(sandbox, "wedgehr/faults", {"latency_ms": 400})
    batch = [request_for(f"c{i}@example.com") for i in range(8)]
    started = time.monotonic()
    results = make_client(sandbox, concurrency=4).invite(batch)
    elapsed = time.monotonic() - started
    assert [r.raw["email"] for r in results] == [r.email for r in batch]
    assert 0.75 < elapsed < 2.4  # two waves of four, where one at a time would take 3.2 s


def test_an_undeliverable_address_fails_that_candidate_only(wedgehr):
    bounced, fine = wedgehr.invite([request_for("nobody@bounce.test"), request_for("dee@example.com")])
    assert (bounced.ok, bounced.vendor_status, bounced.state) == (True, "send_failure", "failed")
    assert fine.state == "invited"


def test_a_repeated_unique_id_answers_with_the_existing_invite(sandbox, wedgehr):
    request = request_for("eve@example.com")
    [first] = wedgehr.invite([request])
    [again] = wedgehr.invite([request])
    assert again.ok and again.remote_id == first.remote_id
    assert invited(sandbox, SUPPORT, "eve@example.com") == 1

    # The seeded invite with uniqueId "seed-ana" was created long before: reported as a duplicate, adopted.
    ana = request_for("ana.lopez@example.com", key="seed-ana", interview="5972691925058329")
    [adopted] = wedgehr.invite([ana])
    assert adopted.ok and adopted.duplicate
    assert adopted.state == "invited"
    assert adopted.remote_id == str(
        next(i.id for i in sandbox.app.hub.vendors["wedgehr"].invitations.values() if i.unique_id == "seed-ana")
    )
    assert invited(sandbox, "5972691925058329", "ana.lopez@example.com") == 0


def test_a_unique_id_held_by_another_candidate_is_never_adopted(wedgehr):
    [result] = wedgehr.invite([request_for("mallory@example.com", key="seed-ana")])
    assert isinstance(result.error, Permanent)
    assert "seed-ana" in result.error.message
    assert not result.remote_id


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": ""}, "The email field is required."),
        ({"email": "not-an-email"}, "The email field must be a valid email address."),
        ({"assessment_id": "two"}, "The interview id field must be an integer."),
        ({"assessment_id": "999"}, "The selected interview id is invalid."),
        ({"first_name": "x" * 256}, "The first name field must not be greater than 255 characters."),
        (
            {"assessment_id": "999", "email": "nope"},
            "The selected interview id is invalid. (and 1 more error) [interviewId: The selected interview id "
            "is invalid.; email: The email field must be a valid email address.]",
        ),
    ],
)
def test_validation_errors_keep_wedgehr_message(sandbox, wedgehr, changes, message):
    good, bad = wedgehr.invite([request_for("gus@example.com"), replace(request_for("fay@example.com"), **changes)])
    assert good.ok
    assert isinstance(bad.error, Permanent)
    assert (bad.error.status_code, bad.error.message) == (422, message)
    assert bad.error.payload["errors"]
    assert sum(sum(emails.values()) for emails in counters(sandbox)["invites"].values()) == 1


def test_a_bad_key_fails_the_whole_batch(sandbox):
    with pytest.raises(Permanent) as failure:
        make_client(sandbox, token="wrong").invite([request_for("hal@example.com"), request_for("ida@example.com")])
    assert (failure.value.status_code, failure.value.message) == (401, "Unauthenticated.")


def test_rate_limit_is_retryable_with_retry_after(sandbox, wedgehr):
    control(sandbox, "wedgehr/faults", {"rate_limit_rate": 1.0, "retry_after": 7})
    results = wedgehr.invite([request_for("jo@example.com"), request_for("kim@example.com")])
    # Each candidate's result says to retry, and when; none was invited.
    assert all(isinstance(r.error, Retryable) and r.error.retry_after == 7 for r in results)
    assert 429 in {r.error.status_code for r in results}
    with pytest.raises(Retryable):
        list(wedgehr.list_assessments())
    assert counters(sandbox)["invites"] == {}


def test_a_dropped_answer_is_an_unknown_outcome_that_reconcile_resolves(sandbox, wedgehr):
    request = request_for("lou@example.com")
    control(sandbox, "wedgehr/faults", {"drop_rate": 1.0})
    [dropped] = wedgehr.invite([request])
    assert isinstance(dropped.error, UnknownOutcome)
    control(sandbox, "wedgehr/faults", {"drop_rate": 0.0})
    found = wedgehr.reconcile(request)
    assert found is not None and found.ok and found.remote_id
    assert (found.state, found.duplicate) == ("invited", False)
    [retried] = wedgehr.invite([request])
    assert retried.remote_id == found.remote_id
    assert invited(sandbox, SUPPORT, "lou@example.com") == 1


def test_a_timeout_is_an_unknown_outcome_and_reconcile_finds_nothing(sandbox, settings):
    settings.VENDOR_HTTP_TIMEOUT = (1, 1)
    wedgehr = make_client(sandbox)
    request = request_for("max@example.com")
    control(sandbox, "wedgehr/faults", {"timeout_rate": 1.0, "timeout_seconds": 2})
    [timed_out] = wedgehr.invite([request])
    assert isinstance(timed_out.error, UnknownOutcome)
    control(sandbox, "wedgehr/faults", {"timeout_rate": 0.0})
    assert wedgehr.reconcile(request) is None  # the 404 of an empty filter
    assert wedgehr.invite([request])[0].ok
    assert invited(sandbox, SUPPORT, "max@example.com") == 1


# --- status ---------------------------------------------------------------------------------


def test_fetch_statuses_maps_onto_unified_states_with_one_listing_per_interview(sandbox, wedgehr):
    batch = [
        request_for("done@example.com"),
        request_for("quit@example.com"),
        request_for("gone@bounce.test"),
        request_for("quiet@example.com", send_email=False),
        request_for("busy@example.com", interview=MOVERS),
    ]
    results = wedgehr.invite(batch)
    for email, action in [("done@example.com", "completed"), ("quit@example.com", "discarded")]:
        control(sandbox, "wedgehr/advance", {"ref": email, "action": action})
    control(sandbox, "wedgehr/advance", {"ref": "busy@example.com", "action": "started"})
    refs = [ref_for(result, request) for result, request in zip(results, batch, strict=True)]
    # A ref known only by its invite id (no uniqueId at WedgeHR): found by the fallback.
    refs.append(InvitationRef("inv-legacy", PRACTITIONER, "video_interview", "job_invite@wedge.test", SEEDED_INVITE))
    before = requests_to(sandbox, "GET /connect/v2/invites")

    updates = {u.key: u for u in wedgehr.fetch_statuses(refs)}

    assert requests_to(sandbox, "GET /connect/v2/invites") - before == 3
    assert {key: (u.vendor_status, u.state) for key, u in updates.items()} == {
        "inv-done": ("complete", "completed"),
        "inv-quit": ("canceled", "canceled"),
        "inv-gone": ("send_failure", "failed"),
        "inv-quiet": ("unknown", "sending"),  # never moves the invitation back from invited
        "inv-busy": ("invited", "invited"),  # WedgeHR shows no in-progress state
        "inv-legacy": ("invited", "invited"),
    }
    done = updates["inv-done"]
    assert done.remote_id == results[0].remote_id
    assert done.occurred_at is not None
    assert done.details["completed_at"] and done.details["invite_id"] == results[0].remote_id
    assert updates["inv-legacy"].remote_id == SEEDED_INVITE


def test_fetch_statuses_of_an_interview_without_invites_yields_nothing(wedgehr):
    ref = InvitationRef("inv-none", "7749825975819241", "video_interview", "x@example.com", "1")
    assert list(wedgehr.fetch_statuses([ref])) == []
    assert list(wedgehr.fetch_statuses([])) == []


@pytest.mark.parametrize(
    ("invite", "state"),
    [
        ({"status": "unknown", "inviteSent": False}, "sending"),
        ({"status": "unknown", "inviteSent": True}, "invited"),
        ({"status": "invited", "expiresAt": "2030-01-01T00:00:00Z"}, "invited"),
        ({"status": "invited", "expiresAt": "2024-01-01T00:00:00Z"}, "expired"),
        ({"status": "complete", "expiresAt": "2024-01-01T00:00:00Z"}, "completed"),
        ({"status": 3}, "failed"),
        ({"status": "4"}, "canceled"),
        ({"status": "paused"}, ""),
    ],
)
def test_status_table(invite, state):
    assert unified_state(invite) == state


# --- on demand ------------------------------------------------------------------------------------


def video_on(result_url):
    page = requests.get(result_url, timeout=5)
    assert page.status_code == 200
    return html.unescape(re.search(r'<video controls src="([^"]+)"', page.text).group(1))


def test_result_links_are_read_afresh_and_never_serve_an_expired_video(sandbox, wedgehr):
    request = request_for("nia@example.com")
    [result] = wedgehr.invite([request])
    ref = ref_for(result, request)
    [candidate_link] = wedgehr.result_links(ref)  # no results before completion
    assert candidate_link.url == result.candidate_url

    control(sandbox, "wedgehr/advance", {"ref": result.remote_id, "action": "completed"})
    before = requests_to(sandbox, "GET /connect/v2/invites/<invite_id>")
    results_link, _ = wedgehr.result_links(ref)
    old_video = video_on(results_link.url)
    assert requests.get(old_video, timeout=5).status_code == 200
    control(sandbox, "clock", {"advance": sandbox.app.hub.presign_ttl + 1})
    assert requests.get(old_video, timeout=5).status_code == 403

    fresh_link, _ = wedgehr.result_links(ref)
    new_video = video_on(fresh_link.url)
    assert new_video != old_video
    assert requests.get(new_video, timeout=5).status_code == 200
    assert requests_to(sandbox, "GET /connect/v2/invites/<invite_id>") - before == 2  # one fresh read per call


def test_result_links_by_unique_id_when_the_invite_id_is_unknown(wedgehr):
    request = request_for("oz@example.com")
    [result] = wedgehr.invite([request])
    ref = InvitationRef(request.key, SUPPORT, "video_interview", request.email)
    assert [link.url for link in wedgehr.result_links(ref)] == [result.candidate_url]
    with pytest.raises(Permanent):
        wedgehr.result_links(InvitationRef("inv-nobody", SUPPORT, "video_interview", "x@example.com"))


def test_resend_sends_an_unsent_invite_and_refuses_a_finished_one(sandbox, wedgehr):
    quiet, done = request_for("pia@example.com", send_email=False), request_for("quin@example.com")
    results = wedgehr.invite([quiet, done])
    refs = [ref_for(r, q) for r, q in zip(results, [quiet, done], strict=True)]
    wedgehr.resend(refs[0])
    control(sandbox, "wedgehr/advance", {"ref": results[1].remote_id, "action": "completed"})
    assert {u.key: u.state for u in wedgehr.fetch_statuses(refs)} == {"inv-pia": "invited", "inv-quin": "completed"}
    with pytest.raises(Permanent, match="complete"):
        wedgehr.resend(refs[1])
    with pytest.raises(Permanent, match="no wedge"):
        wedgehr.resend(InvitationRef("inv-ghost", SUPPORT, "video_interview", "ghost@example.com", "42"))
    assert requests_to(sandbox, "POST /connect/v2/wedges/<wedge_id>/resend-invite") == 1


def test_wedgehr_sends_no_webhooks_and_cannot_cancel(wedgehr):
    assert webhooks_module("wedgehr") is None  # its status is polled
    with pytest.raises(Permanent):
        wedgehr.cancel(InvitationRef("k", SUPPORT, "video_interview", "x@example.com", "1"))
