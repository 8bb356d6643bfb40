"""Stage moves that invite or cancel: the pipeline's hook, subscribed in IntegrationsConfig.ready."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.urls import reverse

from candidates.models import Stage
from candidates.signals import Notice

from .models import BulkSend, Invitation, StageAssessment
from .selectors import without_secrets
from .services import cancel, describe_skips, request_invitations
from .services.planning import CLOSED_STAGE_KINDS, LIVE_STATES


def on_stage_move(sender: Any, stage: Stage, application_ids: list[int], by: User | None = None, **kwargs: Any) -> None:
    # The job's mappings, read once for both sides of the move.
    mappings = list(
        without_secrets(
            StageAssessment.objects.filter(stage__job_id=stage.job_id).select_related("stage", "assessment__account"),
            "assessment__account",
        )
    )
    notices = kwargs.get("notices")
    canceled = cancel_on_leaving(stage, mappings, application_ids, by, kwargs.get("from_stages") or {})
    bulk = invite_on_stage_entry(stage, mappings, application_ids, by)
    if notices is not None:
        notices.extend(_notices(canceled, bulk))


def _notices(canceled: int, bulk: BulkSend | None) -> list[Notice]:
    """What the move set off, in the words of the page that made it."""
    said = []
    if canceled:
        said.append(Notice(f"Canceled {canceled} open invitation{'s' if canceled != 1 else ''}."))
    if bulk is not None:
        queued = bulk.total - bulk.skipped
        vendor = bulk.assessment.account.get_vendor_display()
        if queued:
            text = f"Sending {bulk.assessment.name} ({vendor}) to {queued} of them."
            if bulk.skipped:
                text += f" Left out: {describe_skips(bulk.skipped_reasons)}."
        else:
            text = f"{bulk.assessment.name} ({vendor}) went to none of them: {describe_skips(bulk.skipped_reasons)}."
        said.append(Notice(text, reverse("integrations:bulk-send", args=[bulk.pk]), "Follow the send"))
    return said


def invite_on_stage_entry(
    stage: Stage, mappings: list[StageAssessment], application_ids: list[int], by: User | None = None
) -> BulkSend | None:
    mapping = next(
        (
            m
            for m in mappings
            if m.stage_id == stage.pk and m.invite_on_entry and m.assessment.active and m.assessment.account.enabled
        ),
        None,
    )
    if mapping is None:
        return None
    return request_invitations(
        application_ids,
        mapping.assessment,
        by,
        trigger=BulkSend.Trigger.STAGE,
        options=mapping.invite_options(),
        include_ended=mapping.reinvite_on_reentry,
    )


def cancel_on_leaving(
    stage: Stage,
    mappings: list[StageAssessment],
    application_ids: list[int],
    by: User | None = None,
    from_stages: dict[int, int | None] | None = None,
) -> int:
    """Rejected, hired, or moved back from a mapped stage (or beyond) to before it: its open invitations are canceled.

    A move forward that stays before the mapped stage keeps an invitation sent ahead of time.
    """
    closing = stage.kind in CLOSED_STAGE_KINDS
    relevant = [m for m in mappings if m.cancel_on_exit and (closing or stage.order < m.stage.order)]
    if not relevant:
        return 0
    orders = {m.stage_id: m.stage.order for m in mappings}
    if not closing:  # the stages they came from, to tell a move back from a move forward
        unknown = {s for s in (from_stages or {}).values() if s is not None and s not in orders}
        orders |= dict(Stage.objects.filter(pk__in=unknown).values_list("pk", "order")) if unknown else {}
    pairs = set()
    for mapping in relevant:
        for application_id in application_ids:
            came_from = (from_stages or {}).get(application_id)
            moved_back = came_from is not None and orders.get(came_from, -1) >= mapping.stage.order
            if closing or moved_back:
                pairs.add((application_id, mapping.assessment_id))
    if not pairs:
        return 0
    live = [
        invitation
        for invitation in Invitation.objects.filter(
            application_id__in={a for a, _ in pairs},
            assessment_id__in={m for _, m in pairs},
            state__in=LIVE_STATES,
        ).select_related("assessment__account", "application__candidate")
        if (invitation.application_id, invitation.assessment_id) in pairs
    ]
    if live:
        cancel(live, by, reason=f"moved to {stage.name}" if closing else f"moved back to {stage.name}")
    return len(live)
