"""Reads of the integrations app."""

from __future__ import annotations

from typing import Any, TypedDict

from django.db.models import Count, Prefetch, QuerySet

from .models import Assessment, BulkSend, Invitation, InvitationEvent, StageAssessment
from .services.planning import describe_skips
from .states import InvitationState

# Never loaded, let alone decrypted, for a read that only needs the vendor's name.
ACCOUNT_SECRETS = ("credentials", "webhook_secret")


def without_secrets(queryset: QuerySet, account_path: str) -> QuerySet:
    """``queryset`` with the vendor account at ``account_path`` loaded without its keys."""
    return queryset.defer(*(f"{account_path}__{name}" for name in ACCOUNT_SECRETS))


def invitations_with_timeline() -> QuerySet[Invitation]:
    """Invitations, newest first, with candidate, assessment, vendor and timeline; no keys, no catalog payload."""
    invitations = (
        Invitation.objects.select_related("application__candidate", "assessment__account")
        .prefetch_related(Prefetch("events", queryset=InvitationEvent.objects.order_by("-occurred_at", "-id")))
        .order_by("-created_at", "-id")
    )
    return without_secrets(invitations, "assessment__account").defer("assessment__raw")


def bulk_sends() -> QuerySet[BulkSend]:
    sends = BulkSend.objects.select_related("assessment__account", "created_by")
    return without_secrets(sends, "assessment__account").defer("assessment__raw")


def sendable_assessments() -> QuerySet[Assessment]:
    """What the send form and the API offer: the mappable assessments, without keys or catalog payload."""
    return without_secrets(mappable_assessments(), "account").defer("raw")


def mappable_assessments() -> QuerySet[Assessment]:
    """What a stage can be mapped to: active catalog items of enabled accounts."""
    return (
        Assessment.objects.filter(active=True, account__enabled=True)
        .select_related("account")
        .order_by("account__vendor", "account__name", "kind", "name")
    )


class BulkSendProgress(TypedDict):
    counts: dict[str, int]
    nonzero: list[tuple[str, int]]
    queued: int
    sent: int
    failed: int
    skipped: int
    skipped_reasons: dict[str, int]
    skipped_text: str
    done: bool
    failures: QuerySet[Invitation]


def bulk_send_progress(bulk: BulkSend) -> BulkSendProgress:
    """Counts per state of a send's invitations, and the failures with the vendor's words."""
    counts = {state: 0 for state in InvitationState.values}
    for row in bulk.invitations.values("state").annotate(n=Count("pk")):
        counts[row["state"]] = row["n"]
    pending = counts[InvitationState.QUEUED] + counts[InvitationState.SENDING]
    failures = (
        bulk.invitations.filter(state=InvitationState.FAILED)
        .select_related("application__candidate")
        .order_by("application__candidate__last_name")[:200]
    )
    return {
        "counts": counts,
        "nonzero": [(state, n) for state, n in counts.items() if n],
        "queued": pending,
        "sent": bulk.total - bulk.skipped - pending - counts[InvitationState.FAILED],
        "failed": counts[InvitationState.FAILED],
        "skipped": bulk.skipped,
        "skipped_reasons": bulk.skipped_reasons,
        "skipped_text": describe_skips(bulk.skipped_reasons),
        "done": pending == 0,
        "failures": failures,
    }


def invite_options(job_id: int, assessment: Assessment) -> dict[str, Any]:
    """What a hand-made send carries: the options of the job's first stage mapped to this assessment, if any."""
    mapping = (
        StageAssessment.objects.filter(stage__job_id=job_id, assessment=assessment).order_by("stage__order").first()
    )
    return mapping.invite_options() if mapping else {"send_email": True}


def open_invitations(applications: Any, assessment: Assessment | None = None) -> list[Invitation]:
    """The live invitations of these applications (ids or a queryset), of one assessment if given."""
    from .services.planning import LIVE_STATES

    invitations = Invitation.objects.filter(application__in=applications, state__in=LIVE_STATES)
    if assessment is not None:
        invitations = invitations.filter(assessment=assessment)
    return list(
        without_secrets(
            invitations.select_related("assessment__account", "application__candidate"), "assessment__account"
        )
    )


def open_invitations_of_send(bulk: BulkSend) -> list[Invitation]:
    """The invitations of one send that are still under way."""
    from .services.planning import LIVE_STATES

    invitations = bulk.invitations.filter(state__in=LIVE_STATES).select_related(
        "assessment__account", "application__candidate"
    )
    return list(without_secrets(invitations, "assessment__account"))
