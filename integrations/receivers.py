"""Stage moves that invite: the pipeline's hook, subscribed in IntegrationsConfig.ready."""

from __future__ import annotations

from typing import Any

from candidates.models import Stage

from .models import BulkSend, StageAssessment
from .services import request_invitations


def invite_on_stage_entry(sender: Any, stage: Stage, application_ids: list[int], by: Any = None, **kwargs: Any) -> None:
    mapping = (
        StageAssessment.objects.filter(
            stage=stage, invite_on_entry=True, assessment__active=True, assessment__account__enabled=True
        )
        .select_related("assessment__account")
        .first()
    )
    if mapping is None:
        return
    request_invitations(
        application_ids, mapping.assessment, by, trigger=BulkSend.Trigger.STAGE, options=mapping.invite_options()
    )
