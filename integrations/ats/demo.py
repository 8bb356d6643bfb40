"""The demo's company ATS: a sandbox Greenhouse linked through Merge, with no stage mapped."""

from __future__ import annotations

from ..demo import sandbox_answering
from ..models import MergeLink
from ..sandbox.merge import API_KEY, GREENHOUSE_TOKEN
from .links import check_link


def seed_merge_link(sandbox_url: str) -> str:
    """Link the sandbox's Greenhouse (idempotent); it imports nothing until an admin maps one of its stages."""
    with sandbox_answering(sandbox_url):
        link, _ = MergeLink.objects.get_or_create(
            name="Sandbox Greenhouse",
            defaults={
                "base_url": f"{sandbox_url.rstrip('/')}/merge/api/ats/v1",
                "api_key": API_KEY,
                "account_token": GREENHOUSE_TOKEN,
                "ats_name": "Greenhouse",
            },
        )
        check = check_link(link)
    return f"Merge link {link}: {'connected' if check.ok else check.message}"
