"""Inviting and polling in batches, against one call per candidate, on the sandbox over real HTTP."""

import pytest

from integrations.demo import ACCOUNTS
from integrations.vendors import get_client
from integrations.vendors.types import InvitationRef, InviteRequest, VendorConfig
from tests.benchmarks.conftest import report

pytestmark = pytest.mark.benchmark

N = 200


def client(sandbox, vendor, **options):
    config = VendorConfig(base_url=sandbox.url_for(vendor), credentials=ACCOUNTS[vendor], options=options)
    return get_client(vendor, config)


def requests_for(prefix, assessment_id, kind, count=N):
    return [
        InviteRequest(
            key=f"{prefix}-{i}",
            assessment_id=assessment_id,
            assessment_kind=kind,
            email=f"{prefix}{i}@example.com",
            first_name="Bench",
            last_name=f"Mark{i}",
        )
        for i in range(count)
    ]


def first_assessment(vendor_client, kind):
    return next(a for a in vendor_client.list_assessments() if a.kind == kind and a.active)


def test_hireflix_aliased_mutations_against_one_mutation_per_candidate(sandbox, measure):
    hireflix = client(sandbox, "hireflix", batch_size=25)
    position = first_assessment(hireflix, "position")
    batched = requests_for("b", position.remote_id, "position")
    naive = requests_for("n", position.remote_id, "position")
    ours = measure("hireflix", lambda: [hireflix.invite(batched[i : i + 25]) for i in range(0, N, 25)])
    base = measure("hireflix", lambda: [hireflix.invite([r]) for r in naive])
    report(f"Hireflix: invite {N} candidates", ours, base, "invite")
    assert ours.requests < base.requests


def test_wedgehr_bounded_concurrency_against_sequential_posts(sandbox, measure):
    sandbox.app.hub.vendors["wedgehr"].faults.latency_ms = 20  # a network round trip, roughly
    concurrent = client(sandbox, "wedgehr", concurrency=4)
    sequential = client(sandbox, "wedgehr", concurrency=1)
    interview = first_assessment(concurrent, "video_interview")
    ours = measure("wedgehr", lambda: concurrent.invite(requests_for("c", interview.remote_id, "video_interview")))
    base = measure("wedgehr", lambda: sequential.invite(requests_for("s", interview.remote_id, "video_interview")))
    report(f"WedgeHR: invite {N} candidates (20 ms latency)", ours, base, "invite")
    assert ours.seconds < base.seconds


def test_wedgehr_polling_by_list_against_one_get_per_invite(sandbox, measure):
    wedgehr = client(sandbox, "wedgehr", concurrency=4)
    interview = first_assessment(wedgehr, "video_interview")
    results = wedgehr.invite(requests_for("p", interview.remote_id, "video_interview"))
    refs = [
        InvitationRef(
            key=f"p-{i}",
            assessment_id=interview.remote_id,
            assessment_kind="video_interview",
            email=f"p{i}@example.com",
            remote_id=r.remote_id,
        )
        for i, r in enumerate(results)
    ]
    ours = measure("wedgehr", lambda: list(wedgehr.fetch_statuses(refs)))
    base = measure("wedgehr", lambda: [wedgehr.http.get_json(f"/invites/{ref.remote_id}") for ref in refs])
    report(f"WedgeHR: status of {N} invitations", ours, base, "invitation")
    assert ours.requests < base.requests
