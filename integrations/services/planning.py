"""Who a send invites and who it skips, and why: rounds of one assessment per application.

An application holds at most one open invitation per assessment (a database rule). When its last
round ended, a new round is made only when the recruiter asks for it: ``include_ended`` for an
invitation that expired, was canceled or failed; ``include_completed`` for a retake.
Applications in a rejected or hired stage are left out unless ``include_closed`` is set.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import models

from candidates.models import Application, Stage

from ..models import Assessment, Invitation
from ..states import InvitationState

# States in which an invitation is still under way: a send never adds a round beside one.
LIVE_STATES = frozenset(
    {InvitationState.QUEUED, InvitationState.SENDING, InvitationState.INVITED, InvitationState.STARTED}
)
ENDED_STATES = frozenset({InvitationState.EXPIRED, InvitationState.CANCELED, InvitationState.FAILED})
COMPLETED_STATES = frozenset({InvitationState.COMPLETED, InvitationState.REVIEWED})
CLOSED_STAGE_KINDS = frozenset({Stage.Kind.REJECTED, Stage.Kind.HIRED})


class Skip(models.TextChoices):
    """Why a send leaves an application out; the label completes "N candidates ..."."""

    OPEN = "open", "already have an open invitation to it"
    ENDED = "ended", "were invited before and it expired, was canceled or failed"
    COMPLETED = "completed", "already completed it"
    CLOSED_STAGE = "closed_stage", "are in a rejected or hired stage"


@dataclass
class SendPlan:
    invite: dict[int, int] = field(default_factory=dict)  # application id -> the round to create
    skipped: dict[str, list[int]] = field(default_factory=dict)  # Skip value -> application ids

    def skip(self, reason: Skip, application_id: int) -> None:
        self.skipped.setdefault(reason.value, []).append(application_id)

    @property
    def skipped_counts(self) -> dict[str, int]:
        return {reason: len(ids) for reason, ids in self.skipped.items()}


def plan_send(
    application_ids: Iterable[int],
    assessment: Assessment,
    *,
    include_ended: bool = False,
    include_completed: bool = False,
    include_closed: bool = False,
) -> SendPlan:
    """Sort the applications into those to invite (with their round) and those skipped, by reason. Two queries."""
    ids = sorted(set(application_ids))
    latest: dict[int, tuple[int, str]] = {}
    rows = (
        Invitation.objects.filter(application_id__in=ids, assessment=assessment)
        .order_by("application_id", "-round")
        .values_list("application_id", "round", "state")
    )
    for application_id, round_, state in rows:
        latest.setdefault(application_id, (round_, state))
    stage_kinds = dict(Application.objects.filter(pk__in=ids).values_list("pk", "stage__kind"))
    plan = SendPlan()
    for application_id in ids:
        round_, state = latest.get(application_id, (0, ""))
        if state in LIVE_STATES:
            plan.skip(Skip.OPEN, application_id)
        elif state in ENDED_STATES and not include_ended:
            plan.skip(Skip.ENDED, application_id)
        elif state in COMPLETED_STATES and not include_completed:
            plan.skip(Skip.COMPLETED, application_id)
        elif stage_kinds.get(application_id) in CLOSED_STAGE_KINDS and not include_closed:
            plan.skip(Skip.CLOSED_STAGE, application_id)
        else:
            plan.invite[application_id] = round_ + 1
    return plan


def describe_skips(counts: dict[str, int]) -> str:
    """ "2 already have an open invitation to it; 1 is in a rejected or hired stage" """
    parts = []
    for reason in Skip:
        n = counts.get(reason.value, 0)
        if n:
            label = reason.label if n != 1 else _singular(reason.label)
            parts.append(f"{n} {label}")
    return "; ".join(parts)


def _singular(label: str) -> str:
    return label.replace("have ", "has ", 1).replace("were ", "was ", 1).replace("are ", "is ", 1)
