"""Push: our invitations go back to the company's ATS as ScheduledInterviews.

Once an invitation of an application that came from the ATS is invited, then completed, a task
creates a ScheduledInterview for it there (SCHEDULED, then COMPLETE). Merge cannot update an
interview, so each is a create of its own, at most one per status. Merge has no idempotency key:
every attempt first looks for the interview an earlier, lost attempt may have created.

The state machine knows nothing of this: ``push_on_moves`` listens to ``invitations_moved``, and looks
up once per batch of moves which of them came from an ATS.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from ..models import Invitation, InvitationEvent, MergeLink, MergeStageMapping, RemoteInterview
from ..signals import Moved
from ..states import InvitationState
from ..vendors.errors import Permanent
from .client import build_interview_payload
from .links import client_for

logger = logging.getLogger(__name__)

# Which ATS interview an invitation state is pushed as; both invited and started count as scheduled.
PUSH_STATUS: dict[str, str] = {
    InvitationState.INVITED: "SCHEDULED",
    InvitationState.STARTED: "SCHEDULED",
    InvitationState.COMPLETED: "COMPLETE",
    InvitationState.REVIEWED: "COMPLETE",
}
# How long a pushed SCHEDULED interview lasts when the stage sets no deadline nor link expiry.
DEFAULT_WINDOW_DAYS = 7


def push_on_moves(sender: Any, moves: list[Moved], **kwargs: Any) -> None:
    """Invitations just became scheduled or complete: push those whose application came from an ATS.

    One query per batch of moves, none when no move is one the ATS hears of.
    """
    wanted = {}
    for move in moves:
        status = PUSH_STATUS.get(move.state)
        if status is not None and status != PUSH_STATUS.get(move.previous):
            wanted[move.invitation_id] = status
    if not wanted:
        return
    from_ats = set(
        Invitation.objects.filter(
            pk__in=wanted,
            application__remote_interviews__pushed_invitation__isnull=True,
            application__remote_interviews__link__enabled=True,
        ).values_list("pk", flat=True)
    )
    from .tasks import push_interview

    for invitation_id, status in wanted.items():
        if invitation_id in from_ats:
            push_interview.delay(invitation_id, status)


def push_interview(invitation_pk: int, status: str) -> RemoteInterview | None:
    invitation = (
        Invitation.objects.select_related("application__candidate", "assessment__account", "bulk_send")
        .filter(pk=invitation_pk)
        .first()
    )
    return push(invitation, status) if invitation else None


def push(invitation: Invitation, status: str | None = None) -> RemoteInterview | None:
    """Create the ATS interview for ``invitation`` (as ``status``, by default what its state maps to).

    Returns the interview, or None when there is nothing to push or the ATS refused: a refusal is
    recorded on the link and in the invitation's timeline. Retryable and UnknownOutcome propagate,
    for the task to retry; the retry finds an interview the lost attempt created instead of doubling it.
    """
    status = status or PUSH_STATUS.get(invitation.state)
    if status is None:
        return None
    done = RemoteInterview.objects.filter(pushed_invitation=invitation, pushed_status=status).first()
    if done:
        return done
    source = _source_interview(invitation)
    if source is None:
        return None
    link = source.link
    start_at, end_at = _push_window(invitation, status)
    user = link.remote_user_id
    client = client_for(link)
    try:
        meta = client.interview_post_meta()
        if meta.supports_create and meta.remote_user_id_required and not user:
            raise Permanent(f"{link.ats_label} needs the link's remote user id to create interviews.")
        model = build_interview_payload(
            meta,
            source.remote_application_id,
            source.remote_stage_id,
            organizer_id=user or None,
            interviewers=[user] if user else (),
            start_at=start_at,
            end_at=end_at,
            status=status,
            location=_location(invitation),
        )
        created = client.find_created_interview(model) or client.create_interview(model, user)
    except Permanent as exc:
        _record_push_failure(link, invitation, exc.message)
        return None
    with transaction.atomic():
        # The pull may have stored it already; either way it is ours now.
        row, _ = RemoteInterview.objects.update_or_create(
            link=link,
            remote_id=created.id,
            defaults={
                "application": invitation.application,
                "remote_application_id": created.application_id or source.remote_application_id,
                "remote_stage_id": created.job_interview_stage_id or source.remote_stage_id,
                "status": (created.status or "")[:100],
                "start_at": created.start_at,
                "end_at": created.end_at,
                "remote_modified_at": created.modified_at,
                "pushed_invitation": invitation,
                "pushed_status": status,
                "raw": created.raw,
            },
        )
        MergeLink.objects.filter(pk=link.pk).update(last_push_error="", updated_at=timezone.now())
        InvitationEvent.objects.create(
            invitation=invitation,
            source=InvitationEvent.Source.SYSTEM,
            message=f"Recorded in {link.ats_label} as a {status} interview.",
            payload={"merge_interview_id": created.id, "warnings": [w.detail for w in created.warnings]},
            occurred_at=timezone.now(),
        )
    return row


def record_push_failure(invitation_pk: int, message: str) -> None:
    """Retries exhausted: say so where an admin looks."""
    invitation = (
        Invitation.objects.select_related("application__candidate", "assessment").filter(pk=invitation_pk).first()
    )
    source = _source_interview(invitation) if invitation else None
    if invitation is not None and source is not None:  # a source implies an invitation
        _record_push_failure(source.link, invitation, f"gave up: {message}")


def _source_interview(invitation: Invitation) -> RemoteInterview | None:
    """The ATS interview the application came in with: the newest at a mapped stage, else the newest."""
    mapped = MergeStageMapping.objects.filter(link=OuterRef("link"), remote_stage_id=OuterRef("remote_stage_id"))
    return (
        RemoteInterview.objects.filter(
            application_id=invitation.application_id,
            pushed_invitation__isnull=True,
            remote_was_deleted=False,
            link__enabled=True,
        )
        .exclude(remote_application_id="")
        .annotate(mapped=Exists(mapped))
        .select_related("link")
        .order_by("-mapped", "-pk")
        .first()
    )


def _push_window(invitation: Invitation, status: str) -> tuple[datetime, datetime]:
    """The pushed interview's times, from timestamps that never change: a retry builds the same model,
    which is how it finds what a lost attempt created."""
    if status == "COMPLETE":
        end = invitation.completed_at or invitation.state_changed_at
        start = min(invitation.started_at or invitation.invited_at or end, end)
    else:
        start = invitation.invited_at or invitation.started_at or invitation.state_changed_at
        options = invitation.bulk_send.options if invitation.bulk_send else {}
        days = options.get("deadline_days") or options.get("expiry_days") or DEFAULT_WINDOW_DAYS
        end = start + timedelta(days=int(days))
    return start.replace(microsecond=0), end.replace(microsecond=0)


def _location(invitation: Invitation) -> str:
    assessment = invitation.assessment
    return f"{assessment.name} ({assessment.account.get_vendor_display()})"


def _record_push_failure(link: MergeLink, invitation: Invitation, message: str) -> None:
    who = f"{invitation.application.candidate} ({invitation.assessment.name})"
    MergeLink.objects.filter(pk=link.pk).update(last_push_error=f"{who}: {message}"[:2000], updated_at=timezone.now())
    link.last_push_error = f"{who}: {message}"[:2000]
    InvitationEvent.objects.create(
        invitation=invitation,
        source=InvitationEvent.Source.SYSTEM,
        message=f"Not recorded in {link.ats_label}: {message}"[:2000],
        occurred_at=timezone.now(),
    )
    logger.warning("merge push for invitation %s refused: %s", invitation.pk, message)
