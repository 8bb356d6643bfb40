"""Webhook intake under gunicorn (Procfile.production's web line, DEBUG off) at 32 connections.

Each delivery is a distinct, correctly signed intervue.io event, prepared before the clock starts;
the app's own /healthz on the same stack is measured beside it as the ceiling of this machine.
PostgreSQL and Redis when DATABASE_URL / REDIS_URL / CELERY_BROKER_URL are set, the embedded
defaults otherwise. Every event must be stored exactly once.
"""

import json
import os

import pytest
from django.db import connection
from django.urls import reverse

from integrations.models import WebhookEvent
from integrations.sandbox.intervue.webhooks import sign
from tests.benchmarks.load import gunicorn, hammer
from tests.benchmarks.results import Result, record
from tests.factories import VendorAccountFactory

pytestmark = [pytest.mark.benchmark, pytest.mark.django_db(transaction=True)]

CONNECTIONS = 32
EVENTS = int(os.environ.get("BENCH_WEBHOOK_EVENTS", "6000"))
SECRET = "whsec-bench"


def delivery(n: int) -> bytes:
    return json.dumps(
        {
            "status": "scheduled",
            "interviewId": f"bench-{n}",
            "requestedData": {
                "scheduleDateTime": "2026-12-01T10:00:00Z",
                "candidate": {"email": f"bench{n}@example.com", "name": "Bench Mark"},
            },
        }
    ).encode()


def test_webhook_intake_under_gunicorn_at_32_connections():
    account = VendorAccountFactory(vendor="intervue", webhook_secret=SECRET)
    path = reverse("integrations:webhook", kwargs={"vendor": "intervue", "token": account.webhook_token})
    bodies = [delivery(n) for n in range(EVENTS + 500)]
    signed = [
        (path, body, {"Content-Type": "application/json", "X-Intervue-Signature": sign(body, SECRET, "hex")})
        for body in bodies
    ]
    # The limit stays on, at a rate this one sender may use: its cost is part of every delivery.
    with gunicorn({"WEBHOOK_RATE_LIMIT": "1000000/minute"}) as url:
        hammer(url, "POST", signed[EVENTS:], CONNECTIONS)  # warm every thread's connections
        hammer(url, "GET", [("/healthz", None, {})] * 500, CONNECTIONS)
        health = hammer(url, "GET", [("/healthz", None, {})] * EVENTS, CONNECTIONS)
        run = hammer(url, "POST", signed[:EVENTS], CONNECTIONS)

    stored = WebhookEvent.objects.filter(verdict=WebhookEvent.Verdict.ACCEPTED).count()
    duplicates = WebhookEvent.objects.exclude(verdict=WebhookEvent.Verdict.ACCEPTED).count()
    ok = run.statuses.get(200, 0)
    met = run.per_second >= 1000 and run.percentile(0.99) < 0.050 and stored == len(bodies) and ok == EVENTS
    record(
        Result(
            name="webhook intake, gunicorn, 32 connections",
            ours=run.per_second,
            baseline=health.per_second,
            ratio=run.per_second / health.per_second,
            target=">= 1000 events/s, p99 < 50 ms, every event stored once",
            met=met,
            unit="events/s",
            details={
                "events": EVENTS,
                "answered_200": ok,
                "statuses": {str(k): v for k, v in run.statuses.items()},
                "stored_accepted": stored,
                "expected_stored": len(bodies),
                "other_rows": duplicates,
                "p50_ms": round(run.p50 * 1000, 2),
                "p99_ms": round(run.percentile(0.99) * 1000, 2),
                "healthz_per_second": round(health.per_second),
                "healthz_p50_ms": round(health.p50 * 1000, 2),
                "healthz_p99_ms": round(health.percentile(0.99) * 1000, 2),
                "client_cpu_share": round(run.client_cpu_seconds / run.seconds, 2),
                "database": connection.vendor,
                "cores": os.cpu_count(),
            },
        )
    )
    print(
        f"  intake p50 {run.p50 * 1000:.1f} ms p99 {run.percentile(0.99) * 1000:.1f} ms; /healthz "
        f"{health.per_second:.0f}/s p50 {health.p50 * 1000:.1f} ms p99 {health.percentile(0.99) * 1000:.1f} ms; "
        f"stored {stored}/{len(bodies)}; client CPU {run.client_cpu_seconds / run.seconds:.0%} of a core"
    )
    assert ok == EVENTS, run.statuses
    assert stored == len(bodies)  # every event once: no loss, no duplicate row
    assert duplicates == 0
