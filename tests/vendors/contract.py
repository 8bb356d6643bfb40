"""The contract every vendor client keeps, run against each vendor's sandbox over real HTTP.

Subclass ``ClientContract`` in ``tests/vendors/<vendor>/test_contract.py`` with the vendor's slug
and the kind of assessment to exercise; every test here then runs for that vendor, the way
django-anymail shares its backend test cases.
"""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
import requests

from integrations.demo import ACCOUNTS
from integrations.states import InvitationState
from integrations.vendors import get_client
from integrations.vendors.base import VendorClient
from integrations.vendors.errors import Permanent, UnknownOutcome
from integrations.vendors.types import InvitationRef, InviteRequest, InviteResult, VendorConfig

SENT = {InvitationState.SENDING, InvitationState.INVITED}


class ClientContract:
    vendor: ClassVar[str]
    kind: ClassVar[str]  # the AssessmentKind this vendor's contract is exercised with

    # --- fixtures and helpers -----------------------------------------------------------------
    @pytest.fixture
    def client(self, sandbox: Any) -> VendorClient:
        config = VendorConfig(base_url=sandbox.url_for(self.vendor), credentials=dict(ACCOUNTS[self.vendor]))
        return get_client(self.vendor, config)

    @pytest.fixture
    def assessment_id(self, client: VendorClient) -> str:
        return next(a.remote_id for a in client.list_assessments() if a.kind == self.kind and a.active)

    def request(self, assessment_id: str, n: int, email: str = "") -> InviteRequest:
        return InviteRequest(
            key=f"inv-contract-{n}",
            assessment_id=assessment_id,
            assessment_kind=self.kind,
            email=email or f"contract.{n}@example.com",
            first_name="Casey",
            last_name=f"Contract{n}",
            phone=f"+1555010{n:04d}",
        )

    def ref(self, request: InviteRequest, result: InviteResult) -> InvitationRef:
        return InvitationRef(
            request.key, request.assessment_id, request.assessment_kind, request.email, result.remote_id
        )

    def control(self, sandbox: Any, path: str, body: dict[str, Any] | None = None) -> Any:
        answer = requests.post(f"{sandbox.url}/_control/{self.vendor}/{path}", json=body or {}, timeout=10)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def invites(self, sandbox: Any, assessment_id: str) -> dict[str, int]:
        """{email: times invited} to this assessment, as the vendor saw it."""
        counters = requests.get(f"{sandbox.url}/_control/counters", timeout=10).json()
        return counters[self.vendor]["invites"].get(assessment_id, {})

    # --- the contract -------------------------------------------------------------------------
    def test_a_batch_gets_one_result_per_candidate_in_order(self, sandbox, client, assessment_id):
        batch = [self.request(assessment_id, n) for n in range(3)]
        results = client.invite(batch)
        assert [r.key for r in results] == [r.key for r in batch]
        assert all(r.ok and r.remote_id and r.state in SENT for r in results), results
        assert len({r.remote_id for r in results}) == 3
        assert self.invites(sandbox, assessment_id) == {r.email: 1 for r in batch}

    def test_the_same_invitation_sent_twice_is_invited_once(self, sandbox, client, assessment_id):
        request = self.request(assessment_id, 1)
        [first] = client.invite([request])
        [again] = client.invite([request])
        assert again.ok and again.remote_id == first.remote_id
        assert self.invites(sandbox, assessment_id) == {request.email: 1}

    def test_a_candidate_the_vendor_refuses_fails_alone_with_the_vendors_words(self, sandbox, client, assessment_id):
        good, bad = self.request(assessment_id, 1), self.request(assessment_id, 2, email="not-an-email")
        accepted, refused = client.invite([good, bad])
        assert accepted.ok and accepted.remote_id
        assert isinstance(refused.error, Permanent)
        assert "email" in str(refused.error).lower() and not str(refused.error).startswith("HTTP")
        assert self.invites(sandbox, assessment_id) == {good.email: 1}

    def test_a_lost_answer_is_reconciled_and_never_sent_twice(self, sandbox, client, assessment_id):
        request = self.request(assessment_id, 1)
        self.control(sandbox, "faults", {"drop_rate": 1.0})
        try:
            [result] = client.invite([request])
            assert isinstance(result.error, UnknownOutcome)
        except UnknownOutcome:
            pass  # the whole call was in doubt
        self.control(sandbox, "faults", {"drop_rate": 0.0})
        found = client.reconcile(request)
        assert found is not None and found.ok and found.remote_id
        assert self.invites(sandbox, assessment_id) == {request.email: 1}

    def test_reconciling_what_never_reached_the_vendor_finds_nothing(self, client, assessment_id):
        assert client.reconcile(self.request(assessment_id, 9)) is None

    def test_fetched_statuses_follow_the_candidate(self, sandbox, client, assessment_id):
        done, waiting = self.request(assessment_id, 1), self.request(assessment_id, 2)
        results = client.invite([done, waiting])
        self.control(sandbox, "advance", {"ref": results[0].remote_id, "action": "completed"})
        refs = [self.ref(r, res) for r, res in zip([done, waiting], results, strict=True)]
        states = {u.remote_id: u.state for u in client.fetch_statuses(refs)}
        assert states[results[0].remote_id] == InvitationState.COMPLETED
        assert states.get(results[1].remote_id, InvitationState.INVITED) in SENT

    def test_results_of_a_completed_invitation_are_fetched_fresh(self, sandbox, client, assessment_id):
        request = self.request(assessment_id, 1)
        [result] = client.invite([request])
        self.control(sandbox, "advance", {"ref": result.remote_id, "action": "completed"})
        ref = self.ref(request, result)
        links = client.result_links(ref)
        assert links and all(link.url.startswith(("http://", "https://")) for link in links)
        videos = [m.video_url for m in client.media(ref) if m.video_url]
        assert all(requests.get(url, timeout=10).status_code == 200 for url in videos)
        if videos:  # pre-signed: every look gets links of its own
            assert not set(videos) & {m.video_url for m in client.media(ref)}
