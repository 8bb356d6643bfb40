"""What a send would do before it is made: who is invited, who is left out and why, and what would include them.

The send itself runs the same plan (``planning.plan_send``), so the preview and the send agree
unless the data changes in between.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..models import Assessment
from .planning import Skip, plan_send, skip_phrase

# What the recruiter can do about each group left out, in the words of the send dialog.
_HINTS = {
    Skip.OPEN: "Remind them, or cancel their open invitation first.",
    Skip.ENDED: "Tick “include those whose invitation expired or was canceled” to invite them again.",
    Skip.COMPLETED: "Tick “include those who completed it (a retake)” to send it again.",
    Skip.CLOSED_STAGE: "Tick “include rejected and hired” to send to them too.",
    Skip.NO_EMAIL: "Add an email address to these candidates first.",
    Skip.NO_PHONE: "Add a phone number to these candidates first, or choose another vendor's assessment.",
    Skip.UNAVAILABLE: "Choose another assessment, or ask an integration admin to enable the account.",
}


@dataclass(frozen=True)
class SkipGroup:
    reason: str  # a planning.Skip value
    label: str  # completes "N candidates ..."
    hint: str
    application_ids: list[int]

    @property
    def count(self) -> int:
        return len(self.application_ids)

    @property
    def phrase(self) -> str:
        """ "3 are in a rejected or hired stage" """
        return skip_phrase(self.reason, self.count)

    @property
    def words(self) -> str:
        """The phrase after its number: "are in a rejected or hired stage" """
        return self.phrase.split(" ", 1)[1]


@dataclass(frozen=True)
class SendPreview:
    invite_ids: list[int]
    groups: list[SkipGroup]

    @property
    def invite_count(self) -> int:
        return len(self.invite_ids)

    @property
    def skipped_count(self) -> int:
        return sum(group.count for group in self.groups)


def preview_send(
    application_ids: Iterable[int],
    assessment: Assessment,
    *,
    include_ended: bool = False,
    include_completed: bool = False,
    include_closed: bool = False,
) -> SendPreview:
    """The send's plan, grouped by reason in a fixed order; writes nothing. Two queries."""
    plan = plan_send(
        application_ids,
        assessment,
        include_ended=include_ended,
        include_completed=include_completed,
        include_closed=include_closed,
    )
    groups = [
        SkipGroup(reason.value, reason.label, _HINTS[reason], plan.skipped[reason.value])
        for reason in Skip
        if plan.skipped.get(reason.value)
    ]
    return SendPreview(invite_ids=list(plan.invite), groups=groups)
