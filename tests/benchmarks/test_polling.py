"""Polling 10,000 open WedgeHR invitations through the sandbox with 50 ms latency, writes included.

The invites are seeded into the sandbox's state and the invitations bulk-created (sending 10,000
is another benchmark); every poll then runs the product's own path: poll_account, the WedgeHR
client paging through GET /invites over real HTTP, and the bulk apply. The naive baseline is the
hand-written loop, one GET /invites/{id} and one apply_update per invitation, measured on a sample
of 200 and scaled to 10,000 (it would take minutes in full): the estimate says so in its details.
"""

import os
import time

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from integrations import services
from integrations.models import Assessment, Invitation, InvitationEvent
from integrations.services.invitations import apply_update
from integrations.states import InvitationState
from integrations.vendors.wedgehr.statuses import status_update
from tests.benchmarks.data import bulk_applications
from tests.benchmarks.results import Result, record
from tests.factories import JobFactory, VendorAccountFactory

pytestmark = [pytest.mark.benchmark, pytest.mark.django_db]

OPEN = int(os.environ.get("BENCH_POLL_INVITES", "10000"))
SAMPLE = 200
LATENCY_MS = 50
CHANGED = 100


def open_invitations(sandbox, count):
    """``count`` invited WedgeHR invitations, in the sandbox and in our database, on one interview."""
    sim = sandbox.app.hub.vendors["wedgehr"]
    account = VendorAccountFactory(vendor="wedgehr", base_url=sandbox.url_for("wedgehr"))
    services.sync_catalog(account)
    busy = {invite.interview_id for invite in sim.invitations.values()}
    assessment = Assessment.objects.filter(account=account, active=True).exclude(remote_id__in=[str(i) for i in busy])[
        0
    ]
    applications = bulk_applications(JobFactory(), count, prefix="poll")
    invitations = []
    with sim.lock:
        for n, application in enumerate(applications):
            key = f"inv-poll-{n}"
            sim._seed(int(assessment.remote_id), f"poll{n}@example.com", "Poll", f"N{n}", ["invited"], unique_id=key)
            remote = next(i for i in reversed(sim.invitations.values()) if i.unique_id == key)
            invitations.append(
                Invitation(
                    application=application,
                    assessment=assessment,
                    state=InvitationState.INVITED,
                    idempotency_key=key,
                    remote_id=str(remote.id),
                    vendor_status="invited",
                )
            )
    Invitation.objects.bulk_create(invitations, batch_size=2000)
    return account, sim


def poll(sandbox, account):
    """One poll: (seconds, vendor requests, queries, timeline rows written, invitations changed)."""
    sim = sandbox.app.hub.vendors["wedgehr"]
    requests_before = sum(sim.requests.values())
    events_before = InvitationEvent.objects.count()
    changed_before = dict(Invitation.objects.filter(assessment__account=account).values_list("pk", "updated_at"))
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        moved = services.poll_account(account)
        seconds = time.perf_counter() - started
    changed = sum(
        1
        for pk, updated in Invitation.objects.filter(assessment__account=account).values_list("pk", "updated_at")
        if changed_before.get(pk) != updated
    )
    return {
        "seconds": round(seconds, 2),
        "requests": sum(sim.requests.values()) - requests_before,
        "queries": len(queries),
        "timeline_rows": InvitationEvent.objects.count() - events_before,
        "invitations_changed": changed,
        "moved": moved,
    }


def naive_sample(account, sim, size):
    """The hand-written loop on ``size`` invitations: one GET and one apply_update each."""
    client = account.client()
    sample = list(
        Invitation.objects.filter(assessment__account=account).select_related("application__candidate", "assessment")[
            :size
        ]
    )
    requests_before = sum(sim.requests.values())
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        for invitation in sample:
            invite = client.http.get_json(f"/invites/{invitation.remote_id}")["data"]
            update = status_update(invitation.ref(), invite)
            if update is not None:
                apply_update(invitation, update, source=InvitationEvent.Source.POLL)
        seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "requests": sum(sim.requests.values()) - requests_before,
        "queries": len(queries),
    }


def test_polling_10000_open_wedgehr_invitations(sandbox):
    account, sim = open_invitations(sandbox, OPEN)
    sim.faults.latency_ms = LATENCY_MS
    interval = settings.CELERY_BEAT_SCHEDULE["poll-statuses"]["schedule"]

    first = poll(sandbox, account)  # keeps each invite's details once: the only poll that writes them
    quiet = poll(sandbox, account)
    with sim.lock:
        for n in range(CHANGED):
            sim.advance(f"poll{n}@example.com", "completed")
    changed = poll(sandbox, account)
    naive = naive_sample(account, sim, SAMPLE)
    scale = OPEN / SAMPLE
    naive_seconds = naive["seconds"] * scale

    met = quiet["timeline_rows"] == 0 and quiet["invitations_changed"] == 0 and quiet["seconds"] < interval / 2
    record(
        Result(
            name=f"WedgeHR poll of {OPEN:,} open invitations, quiet ({LATENCY_MS} ms latency)",
            ours=quiet["seconds"],
            baseline=naive_seconds,
            ratio=naive_seconds / quiet["seconds"],
            target=f"0 rows written, under half the {interval:g} s poll interval",
            met=met,
            details={
                "quiet_poll": quiet,
                "first_poll": first,
                f"poll_with_{CHANGED}_completed": changed,
                "naive": {
                    "estimated_seconds": round(naive_seconds, 1),
                    "estimated_requests": round(naive["requests"] * scale),
                    "estimated_queries": round(naive["queries"] * scale),
                    "estimated_timeline_rows": OPEN,
                    "how": f"one GET /invites/{{id}} and one apply_update each, measured on {SAMPLE}, times {scale:g}",
                },
                "poll_interval_seconds": interval,
                "database": connection.vendor,
            },
        )
    )
    for name, run in (("first", first), ("quiet", quiet), (f"{CHANGED} completed", changed)):
        print(
            f"  {name:13}: {run['seconds']:6.2f} s {run['requests']:4d} requests {run['queries']:3d} queries "
            f"{run['timeline_rows']:5d} timeline rows {run['invitations_changed']:5d} invitations changed"
        )
    print(
        f"  naive (est.) : {naive_seconds:6.1f} s {naive['requests'] * scale:.0f} requests "
        f"{naive['queries'] * scale:.0f} queries, measured on {SAMPLE}"
    )
    assert quiet["timeline_rows"] == 0
    assert quiet["invitations_changed"] == 0
    assert changed["moved"] == CHANGED
    assert changed["timeline_rows"] == CHANGED
