from collections.abc import Iterable
from dataclasses import dataclass

from django import template
from django.db.models import QuerySet

from integrations.models import Assessment, Invitation
from integrations.selectors import mappable_assessments as _mappable_assessments
from integrations.services.planning import LIVE_STATES
from integrations.states import OPEN_STATES, InvitationState

register = template.Library()


@register.simple_tag
def mappable_assessments() -> QuerySet[Assessment]:
    """{% mappable_assessments as assessments %}: what a recruiter can send."""
    return _mappable_assessments()


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
