"""Stage moves that invite or cancel: the pipeline's hook, subscribed in IntegrationsConfig.ready."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from candidates.models import Stage

from .models import BulkSend, Invitation, StageAssessment
from .selectors import without_secrets
from .services import cancel, request_invitations
from .services.planning import CLOSED_STAGE_KINDS, LIVE_STATES


def on_stage_move(
    sender: Any, stage: Stage, application_ids: list[int], by: AbstractBaseUser | None = None, **kwargs: Any
) -> None:
    # The job's mappings, read once for both sides of the move.
    mappings = list(
        without_secrets(
            StageAssessment.objects.filter(stage__job_id=stage.job_id).select_related("stage", "assessment__account"),
            "assessment__account",
        )
    )
    cancel_on_leaving(stage, mappings, application_ids, by)
    invite_on_stage_entry(stage, mappings, application_ids, by)


def invite_on_stage_entry(
    stage: Stage, mappings: list[StageAssessment], application_ids: list[int], by: AbstractBaseUser | None = None
) -> None:
    mapping = next(
        (
            m
            for m in mappings
            if m.stage_id == stage.pk and m.invite_on_entry and m.assessment.active and m.assessment.account.enabled
        ),
        None,
    )
    if mapping is None:
        return
    request_invitations(
        application_ids,
        mapping.assessment,
        by,
        trigger=BulkSend.Trigger.STAGE,
        options=mapping.invite_options(),
        include_ended=mapping.reinvite_on_reentry,
    )


def cancel_on_leaving(
    stage: Stage, mappings: list[StageAssessment], application_ids: list[int], by: AbstractBaseUser | None = None
) -> None:
    """Rejected, hired, or moved back before a mapped stage: that stage's open invitations are canceled."""
    closing = stage.kind in CLOSED_STAGE_KINDS
    assessments = [m.assessment_id for m in mappings if m.cancel_on_exit and (closing or stage.order < m.stage.order)]
    if not assessments:
        return
    live = list(
        Invitation.objects.filter(
            application_id__in=application_ids, assessment_id__in=assessments, state__in=LIVE_STATES
        ).select_related("assessment__account", "application__candidate")
    )
    if live:
        cancel(live, by, reason=f"moved to {stage.name}" if closing else f"moved back to {stage.name}")
