"""Demo vendor accounts: one per vendor, pointed at the local sandbox, with stages mapped.

Idempotent, like the rest of seed_demo.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from urllib.parse import urlsplit

import requests

from candidates.models import Job

from . import services
from .models import Assessment, AssessmentKind, VendorAccount
from .sandbox.hireflix import HireflixSim
from .sandbox.intervue import IntervueSim
from .sandbox.server import start_in_thread
from .sandbox.wedgehr import WedgeHRSim

DEMO_WEBHOOK_SECRET = "demo-webhook-secret-change-me"  # noqa: S105 (sandbox only)

ACCOUNTS = {
    "wedgehr": {"api_token": WedgeHRSim.credentials["api_key"]},
    "hireflix": {"api_key": HireflixSim.credentials["api_key"]},
    "intervue": {
        "access_token": IntervueSim.credentials["access_token"],
        "secret_key": IntervueSim.credentials["secret_key"],
    },
}

# job title -> stage name -> (vendor, assessment kind)
MAPPINGS = {
    "Senior Backend Engineer": {
        "Video interview": ("wedgehr", AssessmentKind.VIDEO_INTERVIEW),
        "Skills assessment": ("intervue", AssessmentKind.HOME_ASSIGNMENT),
    },
    "Product Designer": {"Video interview": ("hireflix", AssessmentKind.POSITION)},
    "Customer Success Manager": {"Video interview": ("hireflix", AssessmentKind.POSITION)},
    "Data Analyst": {"Skills assessment": ("intervue", AssessmentKind.HIRING_ROLE)},
    "Sales Development Representative": {"Video interview": ("wedgehr", AssessmentKind.VIDEO_INTERVIEW)},
}


def seed_vendor_accounts(sandbox_url: str) -> list[str]:
    """Create the sandbox accounts, sync their catalogs and map the demo stages. Returns a line per account."""
    lines = []
    with sandbox_answering(sandbox_url):
        accounts = {}
        for vendor, credentials in ACCOUNTS.items():
            account, _ = VendorAccount.objects.get_or_create(
                vendor=vendor,
                name="Sandbox",
                defaults={"base_url": f"{sandbox_url.rstrip('/')}/{vendor}", "credentials": credentials},
            )
            if account.sends_webhooks and not account.webhook_secret:
                account.webhook_secret = DEMO_WEBHOOK_SECRET
                account.save(update_fields=["webhook_secret", "updated_at"])
            check = services.check_connection(account)
            report = services.sync_catalog(account) if check.ok else "not synced"
            lines.append(f"{account}: {'connected' if check.ok else check.message}; catalog {report}")
            accounts[vendor] = account
    for job in Job.objects.filter(title__in=MAPPINGS):
        for stage in job.stages.filter(name__in=MAPPINGS[job.title]):
            if hasattr(stage, "assessment_mapping"):
                continue
            vendor, kind = MAPPINGS[job.title][stage.name]
            assessment = (
                Assessment.objects.filter(account=accounts[vendor], kind=kind, active=True).order_by("name").first()
            )
            if assessment:
                services.map_stage(stage, assessment, invite_on_entry=True, send_email=True, deadline_days=7)
    return lines


@contextlib.contextmanager
def sandbox_answering(url: str) -> Iterator[None]:
    """Use the sandbox at ``url`` if it answers; otherwise serve one there for the duration.

    The sandbox's catalog is seeded deterministically, so what is synced from a
    temporary one is what the long-running one serves afterwards.
    """
    try:
        requests.get(f"{url.rstrip('/')}/_control/state", timeout=2)
    except requests.ConnectionError:
        parts = urlsplit(url)
        running = start_in_thread(parts.hostname or "127.0.0.1", parts.port or 80)
        try:
            yield
        finally:
            running.stop()
        return
    yield
