"""IntervueClient against the intervue.io sandbox, over real HTTP."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
import requests
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from integrations.ratelimit import throttle_for
from integrations.sandbox.intervue.webhooks import sign
from integrations.states import InvitationState as S
from integrations.vendors.errors import InvalidSignature, Permanent, Retryable, UnknownOutcome
from integrations.vendors.intervue import IntervueClient
from integrations.vendors.intervue import webhooks as intervue_webhooks
from integrations.vendors.types import InvitationRef, InviteRequest, VendorConfig
from tests.waiting import wait_for

SECRET = "whsec_intervue_test"
EXTERNAL_ROLE = "9999"
MOCK_ROLE = "9"
# 06:00 UTC is 11:30 in India (the default utcOffset -330): inside the allowed hours.
SLOT = ["2030-01-15T06:00:00.000Z", "2030-01-15T07:00:00.000Z"]


# --- helpers -------------------------------------------------------------------------------------------------
class Sandbox:
    """The intervue part of the running sandbox: its state, its control API and a client for it."""

    def __init__(self, running: Any) -> None:
        self.running = running
        self.sim = running.app.hub.vendors["intervue"]

    def client(self, throttle: Any = None, **options: Any) -> IntervueClient:
        creds = self.sim.credentials
        config = VendorConfig(
            base_url=self.running.url_for("intervue"),
            credentials={"access_token": creds["access_token"], "secret_key": creds["secret_key"]},
            webhook_secret=SECRET,
            options=options,
        )
        return IntervueClient(config, throttle=throttle)

    def control(self, path: str, body: dict[str, Any]) -> Any:
        answer = requests.post(f"{self.running.url}/_control/{path}", json=body, timeout=5)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def faults(self, **values: Any) -> None:
        self.control("intervue/faults", values)

    def options(self, **values: Any) -> None:
        self.control("intervue/options", values)

    def advance(self, ref: str, action: str) -> None:
        self.control("intervue/advance", {"ref": ref, "action": action})

    def counters(self) -> dict[str, Any]:
        return requests.get(f"{self.running.url}/_control/intervue/counters", timeout=5).json()

    def requests_to(self, route: str) -> int:
        return self.counters()["requests"].get(route, 0)

    def assignment(self, name: str) -> str:
        return next(a.main_hash for a in self.sim.cat.assignments.values() if a.name == name)

    def invitation_of(self, email: str) -> str:
        return next(h for h, inv in self.sim.cat.invitations.items() if inv.email == email)


@pytest.fixture
def box(sandbox: Any) -> Sandbox:
    return Sandbox(sandbox)


@pytest.fixture
def client(box: Sandbox) -> IntervueClient:
    return box.client()


def request(
    n: int,
    kind: str = "hiring_role",
    assessment: str = EXTERNAL_ROLE,
    email: str = "",
    phone: str | None = None,
    **options: Any,
) -> InviteRequest:
    return InviteRequest(
        key=f"inv-{kind}-{n}",
        assessment_id=assessment,
        assessment_kind=kind,
        email=email or f"candidate{n}@example.org",
        first_name="Candidate",
        last_name=str(n),
        phone=f"98765{n:05d}" if phone is None else phone,
        options=options,
    )


def ref_of(req: InviteRequest, remote_id: str) -> InvitationRef:
    return InvitationRef(req.key, req.assessment_id, req.assessment_kind, req.email, remote_id)


# --- connection and catalog ----------------------------------------------------------------------------------
def test_check_credentials_good_and_bad_key(box: Sandbox, client: IntervueClient) -> None:
    good = client.check_credentials()
    assert good.ok, good.message

    config = VendorConfig(
        base_url=box.running.url_for("intervue"),
        credentials={"access_token": box.sim.credentials["access_token"], "secret_key": "wrong"},
    )
    bad = IntervueClient(config).check_credentials()
    assert not bad.ok
    assert bad.message == "Unauthorized: your API key is wrong"

    missing = IntervueClient(VendorConfig(base_url=config.base_url, credentials={})).check_credentials()
    assert not missing.ok and "secret key" in missing.message


def test_catalog_follows_every_page(box: Sandbox) -> None:
    assessments = list(box.client(page_size=5).list_assessments())
    by_kind: dict[str, list[Any]] = {}
    for a in assessments:
        by_kind.setdefault(a.kind, []).append(a)

    live_roles = {str(r.id) for r in box.sim.cat.roles.values() if r.publish_status == "LIVE"}
    assert {a.remote_id for a in by_kind["hiring_role"]} == live_roles
    assert len(live_roles) > 10  # three pages of five and more
    assert box.requests_to("GET /external-interviews/getRoles") == len(live_roles) // 5 + 1

    listed = {a.remote_id: a for a in by_kind["home_assignment"]}
    unarchived = {a.main_hash: a for a in box.sim.cat.assignments.values() if not a.archived}
    assert set(listed) == set(unarchived)
    for remote_id, seeded in unarchived.items():
        assert listed[remote_id].active == (not seeded.disabled and seeded.publish_status == "LIVE")
        assert "candidatesInvited" not in listed[remote_id].raw
    assert box.requests_to("GET /assignments/list") > 1

    mock = {a.remote_id: a.name for a in by_kind["mock_interview"]}
    assert set(mock) == {str(i) for i in box.sim.cat.mock_roles}
    assert mock["9"] == "Frontend / Entry Level / React JS"


# --- invitations ---------------------------------------------------------------------------------------------
def test_invite_external_batch_in_one_request(box: Sandbox, client: IntervueClient) -> None:
    batch = [request(n) for n in range(3)]
    results = client.invite(batch)

    assert [r.key for r in results] == [r.key for r in batch]
    assert box.requests_to("POST /external-interviews/request") == 1
    for req, result in zip(batch, results, strict=True):
        assert result.ok and not result.duplicate
        assert result.state == S.INVITED and result.vendor_status == "requested"
        assert box.sim.cat.external[result.remote_id].candidate["email"] == req.email


def test_invite_home_assignment_batch(box: Sandbox, client: IntervueClient) -> None:
    test = box.assignment("Backend take-home")
    batch = [request(n, "home_assignment", test, expiry_days=3, send_email=False) for n in range(2)]
    before = datetime.now(UTC)
    results = client.invite(batch)

    assert box.requests_to("POST /assignments/send-invitations") == 1
    for req, result in zip(batch, results, strict=True):
        assert result.ok and not result.duplicate and result.state == S.INVITED
        invitation = box.sim.cat.invitations[result.remote_id]
        assert invitation.email == req.email
        assert invitation.test.disable_communications
        assert timedelta(days=3) - timedelta(minutes=1) < invitation.test.expiry - before < timedelta(days=3, minutes=1)


def test_invite_mock_needs_a_time_slot(box: Sandbox, client: IntervueClient) -> None:
    with_slot = request(1, "mock_interview", MOCK_ROLE, time_slots=[SLOT])
    single_pair = request(2, "mock_interview", MOCK_ROLE, time_slots=SLOT)
    without = request(3, "mock_interview", MOCK_ROLE)
    results = client.invite([with_slot, without, single_pair])

    assert results[0].ok and results[2].ok
    assert box.sim.cat.mock[results[0].remote_id].schedule_time == SLOT
    assert results[0].state == S.INVITED
    assert isinstance(results[1].error, Permanent)
    assert "time slot" in results[1].error.message and "time_slots" in results[1].error.message
    assert box.requests_to("POST /mock-interviews/request") == 2


def test_duplicate_assignment_answered_with_the_existing_invitation(box: Sandbox, client: IntervueClient) -> None:
    test = box.assignment("Frontend take-home")
    existing = box.invitation_of("kabir.rao@example.com")  # seeded, invitation sent
    fresh, dup = client.invite(
        [
            request(1, "home_assignment", test),
            request(2, "home_assignment", test, email="kabir.rao@example.com"),
        ]
    )
    assert fresh.ok and not fresh.duplicate
    assert dup.ok and dup.duplicate and dup.remote_id == existing
    assert box.counters()["invites"][test].get("kabir.rao@example.com") is None

    # A batch made only of candidates already invited is told apart too.
    [again] = client.invite([request(3, "home_assignment", test, email="kabir.rao@example.com")])
    assert again.duplicate and again.remote_id == existing


def test_duplicate_external_interview_answers_the_open_one(box: Sandbox, client: IntervueClient) -> None:
    existing = next(i for i in box.sim.cat.external.values() if i.candidate["email"] == "priya.sharma@example.com")
    [result] = client.invite([request(1, assessment=str(existing.role_id), email="priya.sharma@example.com")])
    # intervue.io gives no sign of a duplicate interview; the open one's id is what matters.
    assert result.ok and result.remote_id == existing.id
    assert box.counters()["invites"].get(str(existing.role_id), {}).get("priya.sharma@example.com") is None


# --- validation errors keep the vendor's message -------------------------------------------------------------
def test_invalid_candidate_fails_alone_with_the_vendors_message(box: Sandbox, client: IntervueClient) -> None:
    batch = [request(0), request(1, email="not-an-email"), request(2)]
    results = client.invite(batch)
    assert results[0].ok and results[2].ok
    assert isinstance(results[1].error, Permanent)
    assert results[1].error.message == '"candidates[1].email" must be a valid email'
    assert results[1].error.status_code == 400
    assert len(box.sim.cat.external) == 4 + 2


@pytest.mark.parametrize(
    ("req", "message"),
    [
        (request(0, phone=""), '"candidates[0].phoneNo" is not allowed to be empty'),
        (
            request(0, time_slots=[["2030-01-15T01:00:00Z", "2030-01-15T02:00:00Z"]]),
            '"candidates[0].timeSlots[0].startTime" timing should be between 10:00 AM and 8:00 PM',
        ),
        (
            request(0, "mock_interview", MOCK_ROLE, time_slots=[["2030-01-15T01:00:00Z", "2030-01-15T02:00:00Z"]]),
            '"candidates[0].scheduleTime[0]" timings should be between 10:00 AM and 8:00 PM',
        ),
    ],
    ids=["phone", "external-slot", "mock-slot"],
)
def test_candidate_validation_errors(client: IntervueClient, req: InviteRequest, message: str) -> None:
    [result] = client.invite([req])
    assert isinstance(result.error, Permanent)
    assert result.error.message == message


def test_whole_batch_errors_are_raised_with_the_vendors_message(box: Sandbox, client: IntervueClient) -> None:
    draft_role = next(r.id for r in box.sim.cat.roles.values() if r.publish_status == "DRAFT")
    cases = [
        ([request(0, assessment="1234"), request(1, assessment="1234")], "Hiring role 1234 not found"),
        ([request(0, assessment=str(draft_role)), request(1, assessment=str(draft_role))], "is not live"),
        ([request(0, "home_assignment", "nosuchtest")], "Test not found"),
        ([request(0, "home_assignment", box.assignment("Legacy JS screen"))], "Test is disabled"),
        ([request(0, "home_assignment", box.assignment("Python draft"))], "Test is not published"),
        ([request(0, "mock_interview", "4242", time_slots=[SLOT])], "Hiring role 4242 not found"),
    ]
    for batch, message in cases:
        with pytest.raises(Permanent) as caught:
            client.invite(batch)
        assert message in caught.value.message


# --- transport failures --------------------------------------------------------------------------------------
def test_429_is_retryable_with_retry_after(box: Sandbox, client: IntervueClient) -> None:
    box.faults(rate_limit_rate=1.0, retry_after=7)
    with pytest.raises(Retryable) as caught:
        client.invite([request(0)])
    assert caught.value.retry_after == 7 and caught.value.status_code == 429
    box.faults(rate_limit_rate=0)

    # The documented quota itself: past it, Retry-After says when the window resets.
    box.options(rate_limit_per_minute=2)
    client.check_credentials()
    client.check_credentials()
    with pytest.raises(Retryable) as caught:
        client.check_credentials()
    assert caught.value.retry_after and 0 < caught.value.retry_after <= 60
    assert "Too many requests" in caught.value.message


def test_failure_after_part_of_a_batch_was_applied_is_reported_not_raised(box: Sandbox) -> None:
    client = box.client()
    client.check_credentials()  # the quota below counts from here
    box.options(rate_limit_per_minute=2)
    batch = [request(n, "mock_interview", MOCK_ROLE, time_slots=[SLOT]) for n in range(3)]
    first, second, third = client.invite(batch)

    # Raising would get the applied first invite sent again on retry.
    assert first.ok and box.sim.cat.mock[first.remote_id].candidate["email"] == batch[0].email
    assert isinstance(second.error, Retryable) and second.error.retry_after
    assert isinstance(third.error, Retryable) and "not sent" in third.error.message
    assert box.requests_to("POST /mock-interviews/request") == 2


def test_every_request_goes_through_the_throttle(box: Sandbox) -> None:
    calls: list[int] = []
    client = box.client(throttle=lambda: calls.append(1))  # the way the services hand the shared limiter over
    client.check_credentials()
    client.invite([request(0)])
    assert len(calls) == 2


def test_dropped_assignment_invite_is_reconciled_once(box: Sandbox, client: IntervueClient) -> None:
    test = box.assignment("SQL basics")
    req = request(7, "home_assignment", test)
    box.faults(drop_rate=1.0)
    with pytest.raises(UnknownOutcome):
        client.invite([req])
    box.faults(drop_rate=0)

    found = client.reconcile(req)
    assert found is not None and found.ok and found.state == S.INVITED
    assert box.sim.cat.invitations[found.remote_id].email == req.email
    assert box.counters()["invites"][test] == {req.email: 1}

    # A candidate that was never sent is not found: a resend is safe.
    assert client.reconcile(request(8, "home_assignment", test)) is None


def test_dropped_interview_invite_is_never_sent_twice(box: Sandbox, client: IntervueClient) -> None:
    req = request(5)
    box.faults(drop_rate=1.0)
    with pytest.raises(UnknownOutcome):
        client.invite([req])
    box.faults(drop_rate=0)

    # intervue.io knows the candidate now but cannot list interviews by email: stays unknown.
    with pytest.raises(UnknownOutcome, match="requested"):
        client.reconcile(req)
    assert box.counters()["invites"][EXTERNAL_ROLE] == {req.email: 1}
    # Never heard of: the request was not applied, so a resend is safe.
    assert client.reconcile(request(6)) is None
    assert client.reconcile(request(6, "mock_interview", MOCK_ROLE)) is None


def test_reconciling_many_stops_asking_once_the_shared_limiter_finds_the_quota_spent(
    box: Sandbox, settings: Any
) -> None:
    settings.VENDOR_RATE_LIMITS = {**settings.VENDOR_RATE_LIMITS, "intervue": "3/minute"}
    client = box.client(throttle=throttle_for("intervue", f"reconcile-{uuid.uuid4()}", max_wait=0))
    answers = client.reconcile_many([request(n) for n in range(10)])

    assert answers[:3] == [None, None, None]  # never heard of: safe to send
    assert all(isinstance(a, Retryable) and a.retry_after for a in answers[3:])
    assert box.requests_to("GET /mock-interviews/getCandidateInfo") == 3  # not 10


def test_read_timeout_on_invite_is_unknown_outcome(box: Sandbox, settings: Any) -> None:
    settings.VENDOR_HTTP_TIMEOUT = (1, 0.3)
    client = box.client()
    box.faults(timeout_rate=1.0, timeout_seconds=1)
    with pytest.raises(UnknownOutcome):
        client.invite([request(0)])
    with pytest.raises(Retryable):
        list(client.list_assessments())


# --- statuses ------------------------------------------------------------------------------------------------
def test_fetch_statuses_maps_every_assignment_status(box: Sandbox, client: IntervueClient) -> None:
    test = box.assignment("Frontend take-home")
    batch = [request(n, "home_assignment", test) for n in range(4)]
    results = client.invite(batch)
    hashes = [r.remote_id for r in results]
    box.options(auto_evaluate=False)
    box.advance(hashes[1], "started")
    box.advance(hashes[2], "completed")  # evaluation pending
    box.options(auto_evaluate=True)
    box.advance(hashes[3], "completed")
    box.advance(hashes[3], "shortlisted")

    seeded = {
        "aarav.shah@example.com": S.COMPLETED,
        "sara.khan@example.com": S.EXPIRED,
        "bounce@mail.invalid": S.FAILED,
    }
    refs = [ref_of(req, h) for req, h in zip(batch, hashes, strict=True)]
    refs += [InvitationRef(f"seed-{e}", test, "home_assignment", e, box.invitation_of(e)) for e in seeded]
    before = box.requests_to("GET /assignments/results")
    updates = {u.key: u for u in client.fetch_statuses(refs)}

    assert [updates[r.key].state for r in refs[:4]] == [S.INVITED, S.STARTED, S.COMPLETED, S.REVIEWED]
    assert updates[refs[2].key].vendor_status == "EVALUATION_PENDING"
    for email, state in seeded.items():
        assert updates[f"seed-{email}"].state == state
    ended = updates["seed-aarav.shah@example.com"]
    assert ended.vendor_status == "INTERVIEW_ENDED" and ended.details["percentage_scored"] > 0
    assert "passed" in ended.details and ended.details["invitation_url_hash"] == ended.remote_id
    assert updates[refs[3].key].details["shortlisted"] is True
    # One list per status, never one GET per invitation.
    assert box.requests_to("GET /assignments/results") - before <= 7


def test_fetch_statuses_of_interviews(box: Sandbox, client: IntervueClient) -> None:
    ext = [request(n) for n in range(2)]
    mock = [request(n, "mock_interview", MOCK_ROLE, time_slots=[SLOT]) for n in range(2, 5)]
    results = client.invite(ext) + client.invite(mock)
    refs = [ref_of(req, r.remote_id) for req, r in zip(ext + mock, results, strict=True)]
    box.advance(refs[1].remote_id, "started")  # scheduled
    box.advance(refs[3].remote_id, "started")  # SCHEDULED
    box.advance(refs[4].remote_id, "completed")

    states = {u.key: (u.state, u.vendor_status) for u in client.fetch_statuses(refs)}
    assert states[refs[0].key] == (S.INVITED, "requested")
    assert states[refs[1].key] == (S.STARTED, "scheduled")
    assert states[refs[2].key] == (S.INVITED, "UN_SCHEDULED")
    assert states[refs[3].key] == (S.STARTED, "SCHEDULED")
    assert states[refs[4].key] == (S.COMPLETED, "COMPLETED")


# --- links and media -----------------------------------------------------------------------------------------
def test_links_and_media_are_fresh_and_never_expired(box: Sandbox, client: IntervueClient) -> None:
    test = box.assignment("Node services")
    req = request(1, "home_assignment", test)
    [result] = client.invite([req])
    ref = ref_of(req, result.remote_id)
    assert client.result_links(ref) == [] and client.media(ref) == []  # not taken yet
    box.advance(result.remote_id, "completed")

    first, second = client.result_links(ref), client.result_links(ref)
    assert [link.label for link in first] == ["Test report", "Submitted code", "Test playback"]
    assert all(a.url != b.url for a, b in zip(first, second, strict=True))
    for link in first:
        assert requests.get(link.url, timeout=5).status_code == 200

    [video] = client.media(ref)
    assert video.question == "Node services"
    box.control("clock", {"advance": box.sim.hub.presign_ttl + 1})
    assert requests.get(video.video_url, timeout=5).status_code == 403
    [again] = client.media(ref)
    assert again.video_url != video.video_url
    assert requests.get(again.video_url, timeout=5).status_code == 200


def test_external_links_only_where_the_interview_carries_them(box: Sandbox, client: IntervueClient) -> None:
    req = request(1)
    [result] = client.invite([req])
    box.advance(result.remote_id, "completed")
    # The document gives report and playback URLs only in the (never stored) webhooks.
    assert client.result_links(ref_of(req, result.remote_id)) == []
    assert client.media(ref_of(req, result.remote_id)) == []


# --- cancel --------------------------------------------------------------------------------------------------
def test_cancel(box: Sandbox, client: IntervueClient) -> None:
    req = request(1)
    [result] = client.invite([req])
    client.cancel(ref_of(req, result.remote_id))
    assert box.sim.cat.external[result.remote_id].status == "canceled"
    with pytest.raises(Permanent, match="already canceled"):
        client.cancel(ref_of(req, result.remote_id))
    with pytest.raises(Permanent, match="whole test"):
        client.cancel(InvitationRef("k", "test", "home_assignment", "a@example.org", "hash"))


# --- webhooks ------------------------------------------------------------------------------------------------
@pytest.fixture
def receiver() -> Iterator[SimpleNamespace]:
    received: list[tuple[dict[str, str], bytes]] = []

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        incoming = Request(environ)
        received.append((dict(incoming.headers), incoming.get_data()))
        return Response("ok")(environ, start_response)

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield SimpleNamespace(url=f"http://127.0.0.1:{server.server_port}/hooks", received=received)
    server.shutdown()
    thread.join(timeout=5)


@pytest.mark.parametrize("shape", ["example", "table"])
@pytest.mark.parametrize("encoding", ["hex", "base64", "base64url"])
def test_external_webhooks_verified_in_every_encoding_and_shape(
    box: Sandbox, client: IntervueClient, receiver: SimpleNamespace, encoding: str, shape: str
) -> None:
    box.options(signature_encoding=encoding, webhook_payload_shape=shape)
    box.control("intervue/webhook", {"url": receiver.url, "secret": SECRET})
    req = request(1)
    [result] = client.invite([req])
    box.advance(result.remote_id, "completed")
    assert wait_for(lambda: len(receiver.received) >= 4, 5)  # requested, scheduled, completed, videoGenerationCompleted

    events = [e for headers, body in receiver.received for e in parse_webhook(headers, body)]
    assert [e.event_type for e in events] == ["requested", "scheduled", "completed", "videoGenerationCompleted"]
    assert [e.update.state for e in events] == [S.INVITED, S.STARTED, S.COMPLETED, S.COMPLETED]
    assert {e.update.remote_id for e in events} == {result.remote_id}
    assert {e.update.email for e in events[:3]} == {req.email}  # the video event names no candidate
    details = events[2].update.details
    assert details["verdict"] in ("Strong no", "No", "Yes", "Strong yes")
    assert details["feedback"] and "rating" in details["feedback"][0]
    assert details["has_report"] and details["has_playback"]
    assert not any("http" in json.dumps(e.update.details) for e in events)  # no expiring URL kept
    assert len({e.event_id for e in events}) == 4


@pytest.mark.parametrize("encoding", ["hex", "base64", "base64url"])
def test_webhooks_keyed_with_the_decoded_secret_as_in_the_python_example_verify(
    box: Sandbox, client: IntervueClient, receiver: SimpleNamespace, encoding: str
) -> None:
    box.options(signature_key="base64url-decoded", signature_encoding=encoding)
    box.control("intervue/webhook", {"url": receiver.url, "secret": SECRET})
    [result] = client.invite([request(1)])
    box.advance(result.remote_id, "completed")
    assert wait_for(lambda: len(receiver.received) >= 4, 5)
    events = [e for headers, body in receiver.received for e in parse_webhook(headers, body)]
    assert [e.event_type for e in events] == ["requested", "scheduled", "completed", "videoGenerationCompleted"]
    with pytest.raises(InvalidSignature):  # and the decoded key of another secret does not pass
        intervue_webhooks.parse(*receiver.received[0], "whsec_another_secret")


def test_assignment_webhooks(box: Sandbox, client: IntervueClient, receiver: SimpleNamespace) -> None:
    box.options(webhook_payload_shape="table")
    box.control("intervue/webhook", {"url": receiver.url, "secret": SECRET})
    req = request(1, "home_assignment", box.assignment("Go services"))
    [result] = client.invite([req])
    box.advance(result.remote_id, "completed")
    assert wait_for(lambda: len(receiver.received) >= 4, 5)

    events = {e.event_type: e for h, b in receiver.received for e in parse_webhook(h, b)}
    assert list(events) == ["invitation_sent", "test_started", "test_ended", "test_report_generated"]
    assert events["invitation_sent"].update.details["candidate_url"].endswith(result.remote_id)
    assert events["test_started"].update.state == S.STARTED
    assert events["test_ended"].update.remote_id == result.remote_id
    report = events["test_report_generated"].update
    assert report.state == S.COMPLETED and report.email == req.email
    assert report.details["percentage_scored"] > 0 and report.details["section_scores"]


def test_webhook_reminder_and_quota_events() -> None:
    reminder = {
        "status": "reminder",
        "reminderData": {
            "assignmentList": [
                {"invitationUrlHash": "h1", "testUrlHash": "t", "candidate": {"email": "a@example.org"}},
                {"invitationUrlHash": "h2", "testUrlHash": "t", "candidate": {"email": "b@example.org"}},
            ]
        },
    }
    events = parse_webhook(*signed(reminder))
    assert [e.update.remote_id for e in events] == ["h1", "h2"]
    assert len({e.event_id for e in events}) == 2
    [quota] = parse_webhook(*signed({"status": "quota_finished", "planData": {"message": "used"}}))
    assert quota.event_type == "quota_finished" and quota.update is None


def parse_webhook(headers: Any, body: bytes) -> list[Any]:
    return intervue_webhooks.parse(headers, body, SECRET)


def signed(payload: Any, secret: str = SECRET, encoding: str = "hex") -> tuple[dict[str, str], bytes]:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return {"x-intervue-signature": sign(body, secret, encoding)}, body


def test_webhook_forged_or_malformed_is_refused() -> None:
    payload = {"status": "scheduled", "interviewId": "abc", "scheduleData": {"scheduleDateTime": None}}
    headers, body = signed(payload)
    assert parse_webhook(headers, body)[0].update.state == S.STARTED
    assert parse_webhook({"HTTP_X_INTERVUE_SIGNATURE": headers["x-intervue-signature"]}, body)

    with pytest.raises(InvalidSignature):
        parse_webhook(headers, body.replace(b"abc", b"abd"))
    with pytest.raises(InvalidSignature):
        parse_webhook(signed(payload, secret="not-the-secret")[0], body)
    with pytest.raises(InvalidSignature):
        parse_webhook({}, body)

    with pytest.raises(Permanent, match="not JSON"):
        parse_webhook(*signed(b"{not json"))
    with pytest.raises(Permanent, match=r"unknown intervue\.io webhook event 'interview_exploded'"):
        parse_webhook(*signed({"status": "interview_exploded"}))
    with pytest.raises(Permanent, match="no interviewId"):
        parse_webhook(*signed({"status": "completed", "reportData": {}}))
    with pytest.raises(Permanent, match="no testData"):
        parse_webhook(*signed({"status": "test_started", "invitationUrlHash": "h"}))
