"""Who a send invites and who it skips, and why: rounds of one assessment per application.

An application holds at most one open invitation per assessment (a database rule). When its last
round ended, a new round is made only when the recruiter asks for it: ``include_ended`` for an
invitation that expired, was canceled or failed; ``include_completed`` for a retake.
Applications in a rejected or hired stage are left out unless ``include_closed`` is set, and so are
candidates missing a field the vendor refuses an invite without (an email; intervue's phone), and
everyone when the assessment cannot be sent at all (inactive, or its account disabled).
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
    NO_EMAIL = "no_email", "have no email address"
    NO_PHONE = "no_phone", "have no phone number, which this vendor requires"
    UNAVAILABLE = "unavailable", "cannot be sent it: the assessment is inactive or its vendor account disabled"


# Which skip a missing candidate field gives (keys of VendorClient.required_candidate_fields).
_MISSING_FIELD = {"email": Skip.NO_EMAIL, "phone": Skip.NO_PHONE}


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
    plan = SendPlan()
    if not (assessment.active and assessment.account.enabled):
        for application_id in ids:
            plan.skip(Skip.UNAVAILABLE, application_id)
        return plan
    latest: dict[int, tuple[int, str]] = {}
    rows = (
        Invitation.objects.filter(application_id__in=ids, assessment=assessment)
        .order_by("application_id", "-round")
        .values_list("application_id", "round", "state")
    )
    for application_id, round_, state in rows:
        latest.setdefault(application_id, (round_, state))
    required = list(assessment.account.client_class.required_candidate_fields)
    facts = {
        row["pk"]: row
        for row in Application.objects.filter(pk__in=ids).values(
            "pk", "stage__kind", *(f"candidate__{name}" for name in required)
        )
    }
    for application_id in ids:
        round_, state = latest.get(application_id, (0, ""))
        row = facts.get(application_id, {})
        missing = next((name for name in required if not (row.get(f"candidate__{name}") or "").strip()), None)
        if state in LIVE_STATES:
            plan.skip(Skip.OPEN, application_id)
        elif state in ENDED_STATES and not include_ended:
            plan.skip(Skip.ENDED, application_id)
        elif state in COMPLETED_STATES and not include_completed:
            plan.skip(Skip.COMPLETED, application_id)
        elif row.get("stage__kind") in CLOSED_STAGE_KINDS and not include_closed:
            plan.skip(Skip.CLOSED_STAGE, application_id)
        elif missing:
            plan.skip(_MISSING_FIELD[missing], application_id)
        else:
            plan.invite[application_id] = round_ + 1
    return plan


def describe_skips(counts: dict[str, int]) -> str:
    """ "2 already have an open invitation to it; 1 is in a rejected or hired stage" """
    return "; ".join(skip_phrase(reason.value, counts[reason.value]) for reason in Skip if counts.get(reason.value))


def skip_phrase(reason: str, n: int) -> str:
    """ "1 is in a rejected or hired stage", "3 are in a rejected or hired stage" """
    label = Skip(reason).label
    return f"{n} {label if n != 1 else _singular(label)}"


def _singular(label: str) -> str:
    return label.replace("have ", "has ", 1).replace("were ", "was ", 1).replace("are ", "is ", 1)
