"""What a person does to an invitation once it is out: cancel, remind, invite again.

Each action checks first, for every invitation it is given, that the state and the vendor allow
it; one that does not raises ``ActionRefused`` with a sentence saying why, and nothing changes.
The local effect (a canceled state, a new round) is immediate and on the timeline with who did
it; what the vendor must be told goes through a task, retried like a send, whose answer lands on
the timeline too. A vendor without the call (WedgeHR has no cancel; Hireflix sends its own
reminders) is named in the refusal or in the timeline, never pretended.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import BulkSend, Invitation, InvitationEvent
from ..states import OPEN_STATES, InvitationState
from ..vendors.base import VendorClient
from ..vendors.errors import Permanent
from .invitations import record_state
from .planning import LIVE_STATES

Source = InvitationEvent.Source


class ActionRefused(Exception):
    """The state or the vendor does not allow this action; ``str()`` says why, for a person."""


def _who(by: User | None) -> str:
    if by is None:
        return "the system"
    full_name = getattr(by, "get_full_name", lambda: "")()
    return full_name or getattr(by, "username", "") or "a user"


def _source(by: User | None) -> str:
    return Source.USER if by is not None else Source.SYSTEM


def _label(invitation: Invitation) -> str:
    return invitation.assessment.account.get_vendor_display()


def _client_class(invitation: Invitation) -> type[VendorClient]:
    return invitation.assessment.account.client_class


def _subject(invitation: Invitation) -> str:
    return f"{invitation.application.candidate.full_name}'s {invitation.assessment.name}"


def _note(invitation: Invitation, message: str, **changes: Any) -> None:
    """A timeline line that moves nothing; ``changes`` are saved on the invitation with it."""
    with transaction.atomic():
        if changes:
            for name, value in changes.items():
                setattr(invitation, name, value)
            invitation.save(update_fields=[*changes, "updated_at"])
        InvitationEvent.objects.create(
            invitation=invitation, source=Source.SYSTEM, message=message[:2000], occurred_at=timezone.now()
        )


def _all_or_nothing(invitations: Sequence[Invitation], check: Any) -> None:
    refusals = []
    for invitation in invitations:
        try:
            check(invitation)
        except ActionRefused as exc:
            refusals.append(str(exc))
    if refusals:
        raise ActionRefused(" ".join(refusals))


# --- cancel ------------------------------------------------------------------------------------------
def check_cancel(invitation: Invitation) -> None:
    if invitation.state not in LIVE_STATES:
        raise ActionRefused(f"{_subject(invitation)} is already {invitation.state}: there is nothing to cancel.")


def check_retry(invitation: Invitation) -> None:
    if invitation.state != InvitationState.FAILED:
        raise ActionRefused(f"{_subject(invitation)} is {invitation.state}: only a failed invitation is sent again.")


def cancel(invitations: Sequence[Invitation], by: User | None = None, reason: str = "") -> int:
    """Cancel open invitations (all of them, or none when one cannot be). Returns how many were canceled."""
    _all_or_nothing(invitations, check_cancel)
    return sum(_cancel_one(invitation, by, reason) for invitation in invitations)


def _cancel_one(invitation: Invitation, by: User | None, reason: str) -> bool:
    label, kind = _label(invitation), invitation.assessment.kind
    reaches_vendor = _client_class(invitation).can_cancel(kind)
    if not reaches_vendor:
        note = (
            f"{label} has no way to cancel it, so {label} was not told: "
            "the candidate's link stays valid there until it expires."
        )
    elif invitation.state == InvitationState.QUEUED:
        note = f"It had not reached {label} yet."
    else:
        note = f"{label} is being told."
    why = f" ({reason})" if reason else ""
    moved = record_state(
        invitation,
        InvitationState.CANCELED,
        source=_source(by),
        message=f"Canceled by {_who(by)}{why}. {note}",
        expect=LIVE_STATES,
    )
    if moved and reaches_vendor:
        schedule_vendor_cancel(invitation.pk)
    return moved


def schedule_vendor_cancel(invitation_pk: int) -> None:
    from ..tasks import cancel_at_vendor

    transaction.on_commit(lambda: cancel_at_vendor.delay(invitation_pk))


def cancel_at_vendor(invitation_pk: int) -> None:
    """Tell the vendor about a cancellation. Retryable errors propagate, for the task to retry."""
    invitation = (
        Invitation.objects.select_related("assessment__account", "application__candidate")
        .filter(pk=invitation_pk)
        .first()
    )
    if invitation is None or invitation.state != InvitationState.CANCELED or invitation.results.get("voided"):
        return
    if not invitation.remote_id:
        return  # never reached the vendor; a send still in flight schedules this again when it lands
    label = _label(invitation)
    try:
        invitation.assessment.account.client().cancel(invitation.ref())
    except Permanent as exc:
        _note(invitation, f"{label} did not cancel it: {exc}", last_error=str(exc)[:2000])
        return
    _note(invitation, f"{label} canceled it.", results={**invitation.results, "voided": True}, last_error="")


def record_given_up(invitation_pk: int, what: str, message: str) -> None:
    """A vendor call's retries are spent: say so on the timeline, like a send that gave up."""
    invitation = Invitation.objects.select_related("assessment__account").filter(pk=invitation_pk).first()
    if invitation is not None:
        doing = what.format(vendor=_label(invitation))
        _note(invitation, f"Gave up {doing}: {message}", last_error=message[:2000])


# --- remind ------------------------------------------------------------------------------------------
def check_remind(invitation: Invitation) -> None:
    if invitation.state not in OPEN_STATES:
        raise ActionRefused(
            f"{_subject(invitation)} is {invitation.state}: only an invitation the candidate has not "
            "finished can be reminded."
        )
    refusal = _client_class(invitation).reminder_refusal(invitation.assessment.kind)
    if refusal:
        raise ActionRefused(refusal)


def remind(invitations: Sequence[Invitation], by: User | None = None) -> int:
    """Ask the vendor to remind the candidates (all, or none when one cannot be). Returns how many were asked."""
    _all_or_nothing(invitations, check_remind)
    from ..tasks import remind_at_vendor

    for invitation in invitations:
        InvitationEvent.objects.create(
            invitation=invitation,
            source=_source(by),
            message=f"Reminder asked for by {_who(by)}.",
            occurred_at=timezone.now(),
        )
        transaction.on_commit(partial(remind_at_vendor.delay, invitation.pk))
    return len(invitations)


def remind_at_vendor(invitation_pk: int) -> None:
    """Send the reminder. Retryable errors propagate, for the task to retry."""
    invitation = (
        Invitation.objects.select_related("assessment__account", "application__candidate")
        .filter(pk=invitation_pk)
        .first()
    )
    if invitation is None or invitation.state not in OPEN_STATES:
        return
    label = _label(invitation)
    try:
        invitation.assessment.account.client().resend(invitation.ref())
    except Permanent as exc:
        _note(invitation, f"{label} sent no reminder: {exc}", last_error=str(exc)[:2000])
        return
    reminded = {**invitation.results, "reminded_at": timezone.now().isoformat()}
    _note(invitation, f"{label} sent the candidate a reminder.", results=reminded, last_error="")


# --- invite again --------------------------------------------------------------------------------------
def check_reinvite(invitation: Invitation) -> None:
    newer = (
        Invitation.objects.filter(
            application_id=invitation.application_id, assessment_id=invitation.assessment_id, round__gt=invitation.round
        )
        .order_by("-round")
        .first()
    )
    if newer is not None:
        raise ActionRefused(f"{_subject(invitation)} was already invited again (round {newer.round}).")
    if invitation.state in (InvitationState.QUEUED, InvitationState.SENDING):
        raise ActionRefused(f"{_subject(invitation)} is still being sent: wait for the vendor's answer.")
    if invitation.state in OPEN_STATES:
        refusal = _client_class(invitation).reinvite_refusal(invitation.assessment.kind)
        if refusal:
            raise ActionRefused(refusal)


def reinvite(invitation: Invitation, by: User | None = None) -> Invitation:
    """A new round of the same assessment for the same application; an open one is canceled first.

    The vendor learns of the cancellation right before the new invite goes out (see sending), so
    a vendor that allows one invitation per candidate (Hireflix) gets its old one deleted first.
    """
    from ..tasks import send_invitations

    try:
        with transaction.atomic():
            current = (
                Invitation.objects.select_for_update(of=("self",))
                .select_related("assessment__account", "application__candidate", "bulk_send")
                .get(pk=invitation.pk)
            )
            check_reinvite(current)
            who, previous = _who(by), current.state
            if current.state in OPEN_STATES:
                label = _label(current)
                record_state(
                    current,
                    InvitationState.CANCELED,
                    source=_source(by),
                    message=f"Canceled by {who} to invite again; {label} is told before the new invitation goes out.",
                    expect=OPEN_STATES,
                )
            options = dict(current.bulk_send.options) if current.bulk_send else {}
            bulk = BulkSend.objects.create(
                assessment=current.assessment,
                trigger=BulkSend.Trigger.REINVITE,
                created_by=by,
                total=1,
                options=options,
            )
            new = Invitation.objects.create(
                application=current.application, assessment=current.assessment, bulk_send=bulk, round=current.round + 1
            )
            InvitationEvent.objects.create(
                invitation=new,
                source=_source(by),
                to_state=InvitationState.QUEUED,
                message=f"Round {new.round}: invited again by {who} (round {current.round} was {previous}).",
                occurred_at=timezone.now(),
            )
            transaction.on_commit(lambda: send_invitations.delay([new.pk]))
    except IntegrityError:
        # Another re-invite made the new round at the same moment: that one stands.
        raise ActionRefused(f"{_subject(invitation)} was already invited again.") from None
    return new
