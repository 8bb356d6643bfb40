"""HireflixClient against the Hireflix sandbox, over real HTTP."""

from __future__ import annotations

import json
import re
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from integrations.vendors import get_client, webhooks_module
from integrations.vendors.errors import Duplicate, InvalidSignature, Permanent, Retryable, UnknownOutcome
from integrations.vendors.hireflix import HireflixClient
from integrations.vendors.hireflix import webhooks as hireflix_webhooks
from integrations.vendors.hireflix.graphql import graphql_error
from integrations.vendors.types import InvitationRef, InviteRequest, InviteResult, VendorConfig

# --- helpers -------------------------------------------------------------------------------------


def make_client(sandbox, api_key: str | None = None, **options: Any) -> HireflixClient:
    key = api_key or sandbox.app.hub.vendors["hireflix"].credentials["api_key"]
    return HireflixClient(
        VendorConfig(base_url=sandbox.url_for("hireflix"), credentials={"api_key": key}, options=options)
    )


def sim(sandbox):
    return sandbox.app.hub.vendors["hireflix"]


def control(sandbox, path: str, body: dict[str, Any]) -> dict[str, Any]:
    answer = requests.post(f"{sandbox.url}/_control/{path}", json=body, timeout=5)
    assert answer.status_code == 200, answer.text
    return answer.json()


def counters(sandbox) -> dict[str, Any]:
    return requests.get(f"{sandbox.url}/_control/hireflix/counters", timeout=5).json()


def graphql_requests(sandbox) -> int:
    return counters(sandbox)["requests"].get("POST /me", 0)


def position_id(sandbox, name: str = "Graduate Program NYU") -> str:
    return next(p.id for p in sim(sandbox).account.positions.values() if p.name == name)


def request(sandbox, n: int, email: str | None = None, position: str | None = None, **kwargs: Any) -> InviteRequest:
    return InviteRequest(
        key=f"inv-{n}",
        assessment_id=position or position_id(sandbox),
        assessment_kind="position",
        email=email or f"cand{n}@example.com",
        first_name="Cand",
        last_name=f"Number{n}",
        **kwargs,
    )


def ref_of(req: InviteRequest, result: InviteResult | None = None) -> InvitationRef:
    return InvitationRef(
        key=req.key,
        assessment_id=req.assessment_id,
        assessment_kind=req.assessment_kind,
        email=req.email,
        remote_id=result.remote_id if result else "",
    )


def seeded(sandbox, status: str, position: str | None = None):
    position = position or position_id(sandbox)
    return next(i for i in sim(sandbox).account.interviews.values() if i.position_id == position and i.status == status)


def seeded_ref(interview, *, with_id: bool = True) -> InvitationRef:
    """A ref to a seeded interview: by its id, or only by its key as the seed's externalId."""
    return InvitationRef(
        key=interview.external_id,
        assessment_id=interview.position_id,
        assessment_kind="position",
        email=interview.email,
        remote_id=interview.id if with_id else "",
    )


def advance(sandbox, ref: str, *actions: str) -> None:
    for action in actions:
        control(sandbox, "hireflix/advance", {"ref": ref, "action": action})


# --- credentials and catalog -------------------------------------------------------------------------


def test_registered_under_its_vendor_name(sandbox):
    config = VendorConfig(base_url=sandbox.url_for("hireflix"), credentials={"api_key": "x"})
    assert isinstance(get_client("hireflix", config), HireflixClient)
    assert HireflixClient.default_base_url == "https://api.hireflix.com"
    assert webhooks_module("hireflix") is hireflix_webhooks
    assert HireflixClient.credential_fields == {"api_key": "API key"}


def test_check_credentials_with_a_good_and_a_bad_key(sandbox):
    good = make_client(sandbox).check_credentials()
    assert good.ok, good.message
    bad = make_client(sandbox, api_key="not-a-key").check_credentials()
    assert not bad.ok
    assert bad.message == "Unauthorized: invalid API key"


def test_list_assessments_reads_every_position_in_one_request(sandbox):
    before = graphql_requests(sandbox)
    positions = {p.name: p for p in make_client(sandbox).list_assessments()}
    # `positions` is a single unpaginated list in the document: every position, archived ones inactive.
    assert graphql_requests(sandbox) - before == 1
    assert set(positions) == {p.name for p in sim(sandbox).account.positions.values()}
    assert {p.kind for p in positions.values()} == {"position"}
    assert not positions["Customer Support Agent"].active
    assert positions["Analyst"].active
    assert positions["Analyst"].remote_id == position_id(sandbox, "Analyst")


def test_a_whole_call_failure_is_raised_with_the_vendors_message(sandbox):
    with pytest.raises(Permanent, match="Unauthorized: invalid API key") as caught:
        make_client(sandbox, api_key="wrong").invite([request(sandbox, 1)])
    assert caught.value.vendor_code == 401


# --- invites -------------------------------------------------------------------------------------------


def test_invite_a_batch_in_one_request_with_our_key_as_external_id(sandbox):
    batch = [request(sandbox, n) for n in range(3)]
    before = graphql_requests(sandbox)
    results = make_client(sandbox).invite(batch)
    assert graphql_requests(sandbox) - before == 1
    assert [r.key for r in results] == ["inv-0", "inv-1", "inv-2"]
    for req, result in zip(batch, results, strict=True):
        assert result.ok and not result.duplicate
        assert result.state == "invited" and result.vendor_status == "pending"
        interview = sim(sandbox).account.interviews[result.remote_id]
        assert interview.external_id == req.key
        assert interview.email == req.email
        assert result.candidate_url == f"https://app.hireflix.com/{interview.hash}"


def test_a_batch_goes_out_as_documents_of_invites_per_document_several_at_once(sandbox):
    client = make_client(sandbox, batch_size=5, invites_per_document=2, invite_in_flight=3)
    assert client.max_batch_size == 5
    before = graphql_requests(sandbox)
    results = client.invite([request(sandbox, n) for n in range(5)])
    assert graphql_requests(sandbox) - before == 3
    assert all(r.ok for r in results) and len({r.remote_id for r in results}) == 5


def test_phone_is_sent_when_given(sandbox):
    [result] = make_client(sandbox).invite([request(sandbox, 1, phone="+34 646 003 003")])
    assert sim(sandbox).account.interviews[result.remote_id].phone == "+34 646 003 003"


def test_an_already_invited_candidate_is_answered_with_the_existing_interview(sandbox):
    existing = seeded(sandbox, "completed")
    client = make_client(sandbox, page_size=5)  # the lookup pages through the position
    invites_before = counters(sandbox)["invites"]
    [result] = client.invite([request(sandbox, 1, email=existing.email.upper())])
    assert result.ok and result.duplicate
    assert result.remote_id == existing.id
    assert result.vendor_status == "completed" and result.state == "completed"
    assert counters(sandbox)["invites"] == invites_before


def test_the_same_email_twice_in_one_batch_adopts_the_first(sandbox):
    first, second = make_client(sandbox).invite(
        [request(sandbox, 1, email="twice@example.com"), request(sandbox, 2, email="twice@example.com")]
    )
    assert first.ok and not first.duplicate
    assert second.ok and second.duplicate and second.remote_id == first.remote_id
    assert counters(sandbox)["invites"][position_id(sandbox)] == {"twice@example.com": 1}


def test_validation_errors_fail_only_their_candidate_with_the_vendors_message(sandbox):
    batch = [
        request(sandbox, 1),
        request(sandbox, 2, email="not-an-email"),
        request(sandbox, 3, phone="call me"),
        request(sandbox, 4, position="000000000000000000000000"),
        request(sandbox, 5),
    ]
    results = make_client(sandbox).invite(batch)
    assert [r.ok for r in results] == [True, False, False, False, True]
    errors = [r.error for r in results[1:4]]
    assert all(type(e) is Permanent for e in errors)
    assert [e.message for e in errors] == [
        "invalid candidate email",
        "invalid candidate phone",
        "Position 000000000000000000000000 not found",
    ]
    assert [e.vendor_code for e in errors] == [400, 400, 404]


def test_exceeded_invites_quota_is_permanent_for_that_candidate(sandbox):
    control(sandbox, "hireflix/options", {"invites_per_period": 1})
    first, second = make_client(sandbox).invite([request(sandbox, 1), request(sandbox, 2)])
    assert first.ok
    assert type(second.error) is Permanent
    assert second.error.vendor_code == 403
    assert "exceeded the 1 invites" in second.error.message


def test_an_unknown_error_for_one_candidate_is_retryable_and_safe_to_retry(sandbox):
    control(sandbox, "hireflix/internal-errors", {"count": 1})
    client = make_client(sandbox)
    first, second = client.invite([request(sandbox, 1), request(sandbox, 2)])
    assert isinstance(first.error, Retryable) and first.error.message == "Internal server error"
    assert second.ok
    [again] = client.invite([request(sandbox, 1)])
    assert again.ok and not again.duplicate


def test_rate_limit_is_retryable_with_retry_after(sandbox):
    control(sandbox, "hireflix/faults", {"rate_limit_rate": 1.0, "retry_after": 7})
    with pytest.raises(Retryable) as caught:
        make_client(sandbox).invite([request(sandbox, 1)])
    assert caught.value.retry_after == 7.0
    assert caught.value.status_code == 429


def test_server_errors_are_retryable(sandbox):
    control(sandbox, "hireflix/faults", {"error_rate": 1.0})
    with pytest.raises(Retryable):
        list(make_client(sandbox).list_assessments())


def test_dropped_answer_is_unknown_outcome_then_reconcile_finds_the_invite(sandbox):
    client = make_client(sandbox)
    req = request(sandbox, 1)
    control(sandbox, "hireflix/faults", {"drop_rate": 1.0})
    with pytest.raises(UnknownOutcome):
        client.invite([req])
    control(sandbox, "hireflix/faults", {"drop_rate": 0.0})

    found = client.reconcile(req)
    assert found is not None and found.ok and not found.duplicate
    assert sim(sandbox).account.interviews[found.remote_id].external_id == req.key
    # Sending again after all cannot create a second interview either.
    [resent] = client.invite([req])
    assert resent.duplicate and resent.remote_id == found.remote_id
    assert counters(sandbox)["invites"][req.assessment_id] == {req.email: 1}


def test_reconcile_returns_none_when_nothing_was_created(sandbox):
    assert make_client(sandbox, page_size=7).reconcile(request(sandbox, 1)) is None


def test_reconcile_adopts_an_interview_created_under_another_key(sandbox):
    existing = seeded(sandbox, "pending")
    found = make_client(sandbox).reconcile(request(sandbox, 1, email=existing.email))
    assert found is not None and found.duplicate and found.remote_id == existing.id


def test_timeouts_are_unknown_outcome_for_invites_and_retryable_for_reads(sandbox, settings):
    settings.VENDOR_HTTP_TIMEOUT = (1, 0.5)
    control(sandbox, "hireflix/faults", {"timeout_rate": 1.0, "timeout_seconds": 1})
    client = make_client(sandbox)
    with pytest.raises(UnknownOutcome):
        client.invite([request(sandbox, 1)])
    with pytest.raises(Retryable):
        client.check_credentials()


# --- status ----------------------------------------------------------------------------------------------


def test_fetch_statuses_maps_hireflix_statuses_onto_unified_states(sandbox):
    client = make_client(sandbox)
    batch = [request(sandbox, n) for n in range(6)]
    results = client.invite(batch)
    ids = [r.remote_id for r in results]
    advance(sandbox, ids[1], "started")  # Hireflix shows no in-progress state: still pending
    advance(sandbox, ids[2], "completed")
    advance(sandbox, ids[3], "completed", "shortlisted", "scored")
    advance(sandbox, ids[4], "completed", "discarded")
    client.delete_for_reinvite(ref_of(batch[5], results[5]))

    # Half the refs know their interview id, half are matched by key.
    refs = [ref_of(req, result if n % 2 else None) for n, (req, result) in enumerate(zip(batch, results, strict=True))]
    updates = {u.key: u for u in client.fetch_statuses(refs)}
    assert {k: (u.vendor_status, u.state) for k, u in updates.items()} == {
        "inv-0": ("pending", "invited"),
        "inv-1": ("pending", "invited"),
        "inv-2": ("completed", "completed"),
        "inv-3": ("finalist", "reviewed"),
        "inv-4": ("archived", "reviewed"),
        "inv-5": ("deleted", "canceled"),
    }
    shortlisted = updates["inv-3"]
    assert shortlisted.remote_id == ids[3]
    assert shortlisted.details["interview_id"] == ids[3]
    assert shortlisted.details["score"] is not None
    assert shortlisted.details["score"] == sim(sandbox).account.interviews[ids[3]].score
    assert shortlisted.details["verdict"] == "shortlisted"
    assert updates["inv-4"].details["verdict"] == "discarded"
    assert updates["inv-2"].occurred_at is not None
    assert all(u.assessment_id == position_id(sandbox) for u in updates.values())


def test_fetch_statuses_pages_through_several_positions_per_request(sandbox):
    account = sim(sandbox).account
    refs = [seeded_ref(i, with_id=False) for i in account.interviews.values()]
    client = make_client(sandbox, page_size=5)
    before = graphql_requests(sandbox)
    updates = list(client.fetch_statuses(refs))
    # The largest position has 32 interviews: 7 pages of 5, every position read in the same queries.
    assert graphql_requests(sandbox) - before == 7
    assert len(updates) == len(refs) == len({u.key for u in updates})
    expected = {"pending": "invited", "completed": "completed", "finalist": "reviewed", "archived": "reviewed"}
    for update in updates:
        assert update.state == expected[account.interviews[update.remote_id].status]


def test_interviews_of_a_deleted_position_are_read_by_id_and_reported_canceled(sandbox):
    analyst = seeded(sandbox, "completed", position_id(sandbox, "Analyst"))
    pending = seeded(sandbox, "pending")
    sim(sandbox).delete_position(sim(sandbox).account.positions[analyst.position_id])
    before = graphql_requests(sandbox)
    updates = {u.remote_id: u for u in make_client(sandbox).fetch_statuses([seeded_ref(analyst), seeded_ref(pending)])}
    # One listing of both positions (one refused), then one read by id of what was missing.
    assert graphql_requests(sandbox) - before == 2
    assert (updates[analyst.id].vendor_status, updates[analyst.id].state) == ("deleted", "canceled")
    assert updates[analyst.id].key == analyst.external_id
    assert updates[pending.id].state == "invited"


# --- links and media --------------------------------------------------------------------------------------


def test_result_links_are_fresh_on_every_call(sandbox):
    completed = seeded(sandbox, "completed")
    ref = seeded_ref(completed)
    client = make_client(sandbox)
    [first] = client.result_links(ref)
    [second] = client.result_links(ref)
    assert first.url != second.url
    for link in (first, second):
        page = requests.get(link.url, timeout=5)
        assert page.status_code == 200 and completed.first_name in page.text
        assert abs(link.expires_at - (datetime.now(tz=UTC) + timedelta(days=75))) < timedelta(minutes=1)

    [short] = make_client(sandbox, share_days=3).result_links(ref)
    link_id = short.url.rsplit("/", 1)[1]
    expires_ms = sim(sandbox).account.share_links[link_id].expires_at
    assert abs(expires_ms / 1000 - (time.time() + 3 * 86400)) < 60


def test_result_links_find_the_interview_by_key_when_no_id_is_stored(sandbox):
    existing = seeded(sandbox, "finalist")
    ref = replace(seeded_ref(existing, with_id=False), email="")  # found by its key alone
    [link] = make_client(sandbox).result_links(ref)
    assert requests.get(link.url, timeout=5).status_code == 200


def test_media_urls_are_fresh_and_an_expired_one_is_never_served(sandbox):
    completed = seeded(sandbox, "completed")
    ref = seeded_ref(completed)
    client = make_client(sandbox)
    items = client.media(ref)
    position = sim(sandbox).account.positions[completed.position_id]
    assert [i.question for i in items] == [q.title for q in position.questions]
    assert all(i.duration_seconds and i.transcript and i.transcript_language == "en" for i in items)
    assert items[0].thumbnail_url
    assert requests.get(items[0].video_url, timeout=5).status_code == 200

    control(sandbox, "clock", {"advance": sandbox.app.hub.presign_ttl + 1})
    assert requests.get(items[0].video_url, timeout=5).status_code == 403
    fresh = client.media(ref)
    assert fresh[0].video_url != items[0].video_url
    assert all(requests.get(i.video_url, timeout=5).status_code == 200 for i in fresh)


def test_media_of_an_unanswered_interview_is_empty(sandbox):
    pending = seeded(sandbox, "pending")
    ref = seeded_ref(pending)
    assert make_client(sandbox).media(ref) == []


def test_delete_for_reinvite_lets_the_same_email_be_invited_again(sandbox):
    client = make_client(sandbox)
    req = request(sandbox, 1)
    [first] = client.invite([req])
    client.delete_for_reinvite(ref_of(req))  # found by key
    client.delete_for_reinvite(ref_of(req, first))  # already gone: nothing to do
    [second] = client.invite([req])
    assert second.ok and not second.duplicate and second.remote_id != first.remote_id
    with pytest.raises(Permanent, match="not found"):
        client.result_links(ref_of(req, first))


# --- webhooks ----------------------------------------------------------------------------------------------


def test_webhooks_of_every_event_are_normalized(sandbox):
    sandbox.app.hub.webhook_attempts = 1
    control(sandbox, "hireflix/webhook", {"url": "http://127.0.0.1:9/hooks/hireflix/token"})
    client = make_client(sandbox)
    req = request(sandbox, 1)
    [result] = client.invite([req])
    advance(sandbox, result.remote_id, "completed", "shortlisted", "scored")
    client.delete_for_reinvite(ref_of(req, result))

    bodies = [d.body for d in sandbox.app.hub.deliveries]
    events = [event for body in bodies for event in hireflix_webhooks.parse({}, body)]
    assert [(e.event_type, e.update.vendor_status, e.update.state) for e in events] == [
        ("interview.create", "pending", "invited"),
        ("interview.finish", "completed", "completed"),
        ("interview.status-change", "completed", "completed"),
        ("interview.status-change", "finalist", "reviewed"),
        ("interview.score-updated", "finalist", "reviewed"),
        ("interview.delete", "deleted", "canceled"),
    ]
    for event in events:
        assert event.update.key == req.key
        assert event.update.remote_id == result.remote_id
        assert event.update.email == req.email
        assert event.update.assessment_id == req.assessment_id
        assert event.update.details["interview_id"] == result.remote_id
        assert event.update.occurred_at is not None
    assert events[4].update.details["score"] == sim(sandbox).account.interviews[result.remote_id].score
    # One id per delivery, and a replay keeps it.
    assert len({e.event_id for e in events}) == len(events)
    assert hireflix_webhooks.parse({}, bodies[0])[0].event_id == events[0].event_id


def test_webhooks_need_no_signature_and_reject_malformed_bodies():
    data = {"id": "643e972db7d39e63cf468844", "status": "archived", "answered": False, "externalId": "inv-9"}
    good = {"event": "interview.status-change", "data": data, "date": 1683705149611}
    # Hireflix signs nothing: the per-account token in the URL is checked by the web layer.
    [event] = hireflix_webhooks.parse({"X-Whatever": "forged"}, json.dumps(good).encode())
    assert event.update.key == "inv-9"
    assert event.update.state == "canceled"  # discarded before answering
    assert event.update.occurred_at == datetime(2023, 5, 10, 7, 52, 29, 611000, tzinfo=UTC)

    malformed = [
        b"not json",
        b"[1, 2]",
        json.dumps({"data": data, "date": 1}).encode(),
        json.dumps({"event": "interview.finish", "date": 1}).encode(),
        json.dumps({"event": "interview.finish", "data": {"status": "completed"}, "date": 1}).encode(),
        json.dumps({"event": "interview.finish", "data": data}).encode(),
        json.dumps({"event": "interview.finish", "data": {**data, "status": "weird"}, "date": 1}).encode(),
    ]
    for body in malformed:
        with pytest.raises(Permanent) as caught:
            hireflix_webhooks.parse({}, body)
        assert not isinstance(caught.value, InvalidSignature)
    with pytest.raises(Permanent, match=re.escape("unknown Hireflix webhook event 'interview.exploded'")):
        hireflix_webhooks.parse({}, json.dumps({**good, "event": "interview.exploded"}).encode())


def test_graphql_error_codes_map_onto_the_taxonomy():
    assert type(graphql_error([{"message": "already invited", "code": 409}])) is Duplicate
    assert type(graphql_error([{"message": "boom", "code": "500"}])) is Retryable
    assert type(graphql_error([{"message": "slow down", "code": 429}])) is Retryable
    denied = graphql_error([{"message": "no", "extensions": {"code": 401}}, {"message": "no"}])
    assert type(denied) is Permanent and denied.message == "no" and denied.vendor_code == 401


def test_reconcile_many_reads_the_position_once_for_the_whole_batch(sandbox):
    client = make_client(sandbox, page_size=5)
    reqs = [request(sandbox, n) for n in range(1, 9)]
    control(sandbox, "hireflix/faults", {"drop_rate": 1.0})
    with pytest.raises(UnknownOutcome):
        client.invite(reqs)
    control(sandbox, "hireflix/faults", {"drop_rate": 0.0})
    interviews = [i for i in sim(sandbox).account.interviews.values() if i.position_id == reqs[0].assessment_id]
    pages = -(-len(interviews) // 5)

    before = graphql_requests(sandbox)
    answers = client.reconcile_many([*reqs, request(sandbox, 99)])

    assert graphql_requests(sandbox) - before <= pages  # one scan, not one per candidate
    assert [a.remote_id for a in answers[:-1]] == [
        next(i.id for i in interviews if i.external_id == r.key) for r in reqs
    ]
    assert answers[-1] is None  # never sent: safe to send


def test_a_page_that_fails_is_read_again_where_the_scan_stands(sandbox, monkeypatch):
    monkeypatch.setattr("integrations.vendors.hireflix.client.PAGE_RETRY_BACKOFF", 0)
    client = make_client(sandbox, page_size=5)
    reqs = [request(sandbox, n) for n in range(1, 7)]
    client.invite(reqs)
    control(sandbox, "hireflix/faults", {"error_rate": 0.2, "drop_rate": 0.1})  # as in the chaos run

    answers = client.reconcile_many(reqs)

    assert all(isinstance(a, InviteResult) and a.ok for a in answers), answers


def test_a_page_that_keeps_failing_fails_the_lookup_of_its_requests_only(sandbox, monkeypatch):
    monkeypatch.setattr("integrations.vendors.hireflix.client.PAGE_RETRY_BACKOFF", 0)
    reqs = [request(sandbox, 1), request(sandbox, 2, position=position_id(sandbox, "Chief Technology Officer"))]
    control(sandbox, "hireflix/faults", {"error_rate": 1.0})

    answers = make_client(sandbox).reconcile_many(reqs)

    assert all(isinstance(a, Retryable) for a in answers)
