from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import template
from django.urls import reverse

from candidates.models import Job
from integrations.models import Invitation, StageAssessment, VendorAccount
from integrations.selectors import grouped_assessment_choices, sendable_assessments
from integrations.services.credentials import refused_accounts
from integrations.services.planning import LIVE_STATES
from integrations.states import FINAL_STATES, OPEN_STATES, InvitationState

register = template.Library()


@register.filter
def latest_rounds(invitations: Iterable[Invitation]) -> list[Invitation]:
    """Each assessment's latest round, in the order given: an expired first round re-sent shows once, as sent."""
    latest: dict[int, Invitation] = {}
    for invitation in invitations:
        kept = latest.get(invitation.assessment_id)
        if kept is None or invitation.round > kept.round:
            latest[invitation.assessment_id] = invitation
    return list(latest.values())


@register.filter
def state_label(state: str) -> str:
    """An invitation state in words, as its badge says it ("invited" -> "Invited")."""
    try:
        return str(InvitationState(state).label)
    except ValueError:
        return state


def any_live(invitations: Iterable[Invitation]) -> bool:
    """Whether any of these can still change (the job page keeps refreshing its badges while one can)."""
    return any(invitation.state not in FINAL_STATES for invitation in invitations)


# How often the job page asks for its badges while one of them can still change.
BADGE_POLL_SECONDS = 3


@dataclass(frozen=True)
class BadgePoll:
    live: bool
    url: str
    seconds: int = BADGE_POLL_SECONDS


@register.simple_tag
def badge_poll(job: Job, applications: Iterable[Any]) -> BadgePoll:
    """{% badge_poll job page as poll %}: the refresh of the badges shown, while any can still change."""
    shown = list(applications)
    live = any(any_live(application.invitations.all()) for application in shown)
    query = urlencode([("a", application.pk) for application in shown])
    return BadgePoll(live=live, url=f"{reverse('integrations:job-badges', args=[job.pk])}?{query}")


@dataclass(frozen=True)
class SendChoices:
    groups: list[tuple[str, list[tuple[int, str]]]]
    preselected: int | None


@register.simple_tag
def send_choices(job: Job, stage: object = None) -> SendChoices:
    """{% send_choices job stage_filter as choices %}: the send dialog's assessments grouped by vendor account,
    and which is chosen at first: the filtered stage's mapping, else the job's only mapping. Two queries."""
    mappings = StageAssessment.objects.filter(
        stage__job=job, assessment__active=True, assessment__account__enabled=True
    )
    by_stage = dict(mappings.values_list("stage_id", "assessment_id"))
    preselected = by_stage.get(int(str(stage))) if str(stage or "").isdigit() else None
    if preselected is None and len(set(by_stage.values())) == 1:
        preselected = next(iter(by_stage.values()))
    return SendChoices(grouped_assessment_choices(sendable_assessments()), preselected)


@dataclass(frozen=True)
class Actions:
    """What the candidate page offers for one invitation, and the vendor's words where it cannot."""

    cancel: bool
    remind: bool
    remind_note: str
    reinvite: bool
    reinvite_note: str
    latest: bool


@register.simple_tag
def invitation_actions(invitation: Invitation, siblings: Iterable[Invitation]) -> Actions:
    """{% invitation_actions invitation application.invitations.all as actions %}; no query of its own."""
    latest = all(
        other.round <= invitation.round for other in siblings if other.assessment_id == invitation.assessment_id
    )
    client = invitation.assessment.account.client_class
    kind, state = invitation.assessment.kind, invitation.state
    remind_note = client.reminder_refusal(kind) if state in OPEN_STATES else ""
    reinvite_note = client.reinvite_refusal(kind) if state in OPEN_STATES else ""
    sending = state in (InvitationState.QUEUED, InvitationState.SENDING)
    return Actions(
        cancel=state in LIVE_STATES,
        remind=state in OPEN_STATES and not remind_note,
        remind_note=remind_note,
        reinvite=latest and not sending and not reinvite_note and state != InvitationState.FAILED,
        reinvite_note=reinvite_note if latest else "",
        latest=latest,
    )


@register.simple_tag
def refused_keys() -> list[VendorAccount]:
    """Enabled accounts whose key the vendor refused at the last check: every send through them fails."""
    return list(refused_accounts())
