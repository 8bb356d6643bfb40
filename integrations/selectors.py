"""Reads of the integrations app."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import Any, TypedDict

from django.db.models import Count, Exists, Min, OuterRef, Prefetch, Q, QuerySet, Subquery

from candidates.models import Application, Job

from .models import Assessment, BulkSend, Invitation, InvitationEvent, StageAssessment
from .services.planning import describe_skips
from .states import FINAL_STATES, InvitationState

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


def interviews() -> QuerySet[Invitation]:
    """Invitations as the ATS sees interviews: with the vendor, who sent them, and the stage of the
    job mapped to their assessment (``interview_stage_id``, None where no stage sends it)."""
    stage = StageAssessment.objects.filter(
        stage__job_id=OuterRef("application__job_id"), assessment_id=OuterRef("assessment_id")
    ).values("stage_id")[:1]
    invitations = (
        Invitation.objects.select_related("assessment__account", "bulk_send")
        .annotate(interview_stage_id=Subquery(stage))
        .defer("results", "assessment__raw")
    )
    return without_secrets(invitations, "assessment__account")


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


# The bulk-send page's bar, in the order an invitation goes through them; expired and reviewed join their
# neighbours (a reviewed one was completed; an expired one ended like a canceled one).
_UNSENT = (InvitationState.QUEUED, InvitationState.SENDING)
PROGRESS_STEPS: list[tuple[str, str, tuple[str, ...]]] = [
    ("queued", "queued", (InvitationState.QUEUED,)),
    ("sending", "sending", (InvitationState.SENDING,)),
    ("invited", "invited", (InvitationState.INVITED,)),
    ("started", "started", (InvitationState.STARTED,)),
    ("completed", "completed", (InvitationState.COMPLETED, InvitationState.REVIEWED)),
    ("failed", "failed", (InvitationState.FAILED,)),
    ("canceled", "canceled or expired", (InvitationState.CANCELED, InvitationState.EXPIRED)),
]


class ProgressStep(TypedDict):
    key: str
    label: str
    count: int
    percent: float


class BulkSendProgress(TypedDict):
    counts: dict[str, int]
    steps: list[ProgressStep]
    invitations: int  # made by the send: asked minus left out
    final: int
    queued: int
    sent: int
    failed: int
    skipped: int
    skipped_reasons: dict[str, int]
    skipped_text: str
    retrying: int  # waiting for another attempt at the vendor
    retry_reason: str  # the vendor's words for the latest of those waits
    next_attempt_at: datetime | None
    sending_done: bool  # nothing left to send (the vendor may still move them on)
    done: bool  # every invitation final: the page stops refreshing
    failures: QuerySet[Invitation]


def state_counts(invitations: QuerySet[Invitation]) -> dict[str, int]:
    """How many of ``invitations`` are in each state, every state present. One query."""
    counts = dict.fromkeys(InvitationState.values, 0)
    for row in invitations.order_by().values("state").annotate(n=Count("pk")):
        counts[row["state"]] = row["n"]
    return counts


def bulk_send_progress(bulk: BulkSend) -> BulkSendProgress:
    """Counts per state of a send's invitations, the bar's steps, and the failures with the vendor's words."""
    counts = dict.fromkeys(InvitationState.values, 0)
    retry: dict[str, Any] = {"n": 0, "soonest": None}
    # One query: counts per state, and how many unsent ones wait for a retry and until when.
    rows = bulk.invitations.order_by().values("state")
    waits = Q(state__in=_UNSENT, next_attempt_at__isnull=False)
    for row in rows.annotate(
        n=Count("pk"), waiting=Count("pk", filter=waits), soonest=Min("next_attempt_at", filter=waits)
    ):
        counts[row["state"]] = row["n"]
        if row["waiting"]:
            retry["n"] += row["waiting"]
            retry["soonest"] = min(filter(None, [retry["soonest"], row["soonest"]]))
    made = sum(counts.values())
    pending = counts[InvitationState.QUEUED] + counts[InvitationState.SENDING]
    final = sum(counts[state] for state in FINAL_STATES)
    steps: list[ProgressStep] = []
    for key, label, states in PROGRESS_STEPS:
        n = sum(counts[state] for state in states)
        steps.append({"key": key, "label": label, "count": n, "percent": round(100 * n / made, 2) if made else 0.0})
    reason = (
        bulk.invitations.filter(waits)
        .exclude(last_error="")
        .order_by("-next_attempt_at")
        .values_list("last_error", flat=True)
        .first()
        if retry["n"]
        else None
    )
    failures = (
        bulk.invitations.filter(state=InvitationState.FAILED)
        .select_related("application__candidate")
        .order_by("application__candidate__last_name")[:200]
    )
    return {
        "counts": counts,
        "steps": steps,
        "invitations": made,
        "final": final,
        "queued": pending,
        "sent": made - pending - counts[InvitationState.FAILED],
        "failed": counts[InvitationState.FAILED],
        "skipped": bulk.skipped,
        "skipped_reasons": bulk.skipped_reasons,
        "skipped_text": describe_skips(bulk.skipped_reasons),
        "retrying": retry["n"],
        "retry_reason": reason or "",
        "next_attempt_at": retry["soonest"],
        "sending_done": pending == 0,
        "done": final == made,
        "failures": failures,
    }


def invitation_rows() -> QuerySet[Invitation]:
    """Invitations for the lists (invitations page, a send's page, CSV): candidate, job, assessment, vendor;
    no keys, no catalog payload; newest first."""
    rows = Invitation.objects.select_related(
        "application__candidate", "application__job", "assessment__account", "bulk_send"
    ).order_by("-created_at", "-id")
    return without_secrets(rows, "assessment__account").defer("assessment__raw")


def jobs_of_send(bulk: BulkSend) -> list[Job]:
    """The job(s) a send's invitations belong to: one for every send made from a job page. One query."""
    return list(Job.objects.filter(Exists(Invitation.objects.filter(bulk_send=bulk, application__job=OuterRef("pk")))))


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


def grouped_assessment_choices(assessments: Iterable[Assessment]) -> list[tuple[str, list[tuple[int, str]]]]:
    """Choices for a <select>: one group per vendor account ("Hireflix · Acme EU"), in the given order.

    An option reads "name (kind)"; a name used twice in one account also shows the vendor's id,
    so that two look-alike items can be told apart.
    """
    groups: dict[int, tuple[str, list[Assessment]]] = {}
    for assessment in assessments:
        account = assessment.account
        groups.setdefault(account.pk, (f"{account.get_vendor_display()} · {account.name}", []))[1].append(assessment)
    choices = []
    for label, items in groups.values():
        names = Counter(item.name for item in items)
        choices.append((label, [(item.pk, _assessment_label(item, names[item.name] > 1)) for item in items]))
    return choices


def _assessment_label(assessment: Assessment, ambiguous: bool) -> str:
    label = f"{assessment.name} ({assessment.get_kind_display().lower()})"
    return f"{label} · {assessment.remote_id}" if ambiguous else label


def candidate_names(application_ids: Iterable[int]) -> dict[int, str]:
    """Application id -> the candidate's full name, in one query."""
    rows = Application.objects.filter(pk__in=list(application_ids)).values_list(
        "pk", "candidate__first_name", "candidate__last_name"
    )
    return {pk: f"{first} {last}".strip() for pk, first, last in rows}
