"""From "invite these applications" to every candidate invited exactly once.

1. ``request_invitations`` creates the Invitation rows (queued) in bulk, a round each, skipping
   applications with an open round (and, unless asked, ended rounds and closed stages; see
   planning), and enqueues batches after commit.
2. ``send_batch`` claims queued rows (queued -> sending), calls the vendor, and
   records each answer. A row found in ``sending`` was claimed by an attempt that
   died or lost its answer: it is reconciled with the vendor before any resend, so
   a crash mid-batch never invites anyone twice and never loses anyone.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from candidates.models import Application

from ..models import Assessment, BulkSend, Invitation, InvitationEvent
from ..states import InvitationState
from ..vendors.errors import Permanent, Retryable, UnknownOutcome, VendorError
from ..vendors.types import InviteRequest, InviteResult
from . import leases
from .credentials import note_refusal
from .invitations import Move, record_state, record_states
from .planning import Skip, plan_send

logger = logging.getLogger(__name__)
Source = InvitationEvent.Source
# States in which our own send is still the latest word; after them, only the vendor moves it.
_UNSENT = (InvitationState.QUEUED, InvitationState.SENDING)


def request_invitations(
    applications: Iterable[Application | int],
    assessment: Assessment,
    by: User | None = None,
    *,
    trigger: str = BulkSend.Trigger.MANUAL,
    options: dict[str, Any] | None = None,
    include_ended: bool = False,
    include_completed: bool = False,
    include_closed: bool = False,
) -> BulkSend:
    """Queue a round per application (see planning for who is skipped and why) and send them in batches."""
    from ..tasks import send_invitations

    ids = sorted({a.pk if isinstance(a, Application) else int(a) for a in applications})
    with transaction.atomic():
        plan = plan_send(
            ids,
            assessment,
            include_ended=include_ended,
            include_completed=include_completed,
            include_closed=include_closed,
        )
        bulk = BulkSend.objects.create(
            assessment=assessment,
            trigger=trigger,
            created_by=by,
            total=len(ids),
            options=options or {},
        )
        # At most one live round per application and assessment: the constraints skip what a send
        # running at the same moment created first.
        leased = leases.requeue_until()
        Invitation.objects.bulk_create(
            [
                Invitation(
                    application_id=pk, assessment=assessment, bulk_send=bulk, round=round_, lease_expires_at=leased
                )
                for pk, round_ in plan.invite.items()
            ],
            ignore_conflicts=True,
        )
        rows = list(Invitation.objects.filter(bulk_send=bulk).order_by("pk").values_list("pk", "round"))
        new_ids = [pk for pk, _ in rows]
        reasons = plan.skipped_counts
        raced = len(plan.invite) - len(new_ids)
        if raced:
            reasons[Skip.OPEN.value] = reasons.get(Skip.OPEN.value, 0) + raced
        bulk.skipped, bulk.skipped_reasons = len(ids) - len(new_ids), reasons
        bulk.save(update_fields=["skipped", "skipped_reasons"])
        now = timezone.now()
        who = getattr(by, "username", None) or BulkSend.Trigger(trigger).label.lower()
        InvitationEvent.objects.bulk_create(
            InvitationEvent(
                invitation_id=pk,
                source=Source.USER if by else Source.SYSTEM,
                to_state=InvitationState.QUEUED,
                message=f"Queued ({who})." if round_ == 1 else f"Round {round_}: queued ({who}).",
                occurred_at=now,
            )
            for pk, round_ in rows
        )
        size = assessment.account.client_class.max_batch_size
        for start in range(0, len(new_ids), size):
            batch = new_ids[start : start + size]
            transaction.on_commit(partial(send_invitations.delay, batch))
    logger.info("bulk send %s: %s queued, %s skipped %s", bulk.pk, len(new_ids), bulk.skipped, reasons)
    return bulk


@dataclass
class BatchOutcome:
    """What a send attempt leaves to do: the invitations to try again, and when."""

    retry_ids: list[int] = field(default_factory=list)
    retry_after: float | None = None
    last_error: str = ""
    settled: int = 0  # invitations this attempt brought to invited or failed
    sent_ids: list[int] = field(default_factory=list)  # invitations this attempt sent to the vendor


def send_batch(invitation_ids: list[int]) -> BatchOutcome:
    """Send one batch; safe to run again with the same ids at any point.

    The answers are recorded together at the end (``record_states``): a constant number of
    queries per batch. A worker that dies before that leaves the rows in "sending", which the
    next attempt reconciles with the vendor before sending anything again.
    """
    claimed, in_doubt, busy = _claim(invitation_ids)
    outcome = BatchOutcome()
    if busy:
        # Another worker claimed or sent these moments ago and may be sending them right now.
        outcome.retry_ids += [i.pk for i in busy]
        outcome.retry_after = max(_grace_left(i) for i in busy)
    if not claimed and not in_doubt:
        return outcome
    held = claimed + in_doubt
    with leases.held([i.pk for i in held]):  # a worker that dies here lets its lease run out
        _send_claimed(claimed, in_doubt, outcome)
    # This attempt is over, and every request it made has ended: what it left in doubt waits only
    # for the vendor to settle what it received, not for the grace of a request still on its way.
    ended: dict[str, Any] = {"claimed_at": None}
    if outcome.sent_ids:
        ended["sent_at"] = Case(When(pk__in=outcome.sent_ids, then=Value(timezone.now())), default=F("sent_at"))
    Invitation.objects.filter(pk__in=[i.pk for i in held], claimed_at=held[0].claimed_at).update(**ended)
    return outcome


def _in_doubt_from(invitation: Invitation) -> datetime:
    """From when no request of another attempt can still be on its way to the vendor.

    An attempt that holds the send (or died holding it: ``claimed_at`` set) may be mid-request,
    so the whole grace counts from its claim or its last request. An attempt that ended cleared
    its claim, and if it sent, stamped the end of its requests in ``sent_at``: only
    INVITE_SETTLE_AFTER counts from there.
    """
    if invitation.claimed_at is None and invitation.sent_at is not None:
        return invitation.sent_at + timedelta(seconds=settings.INVITE_SETTLE_AFTER)
    marks = [at for at in (invitation.claimed_at, invitation.sent_at) if at is not None]
    since = max(marks) if marks else invitation.state_changed_at  # a row from before these marks
    return since + timedelta(seconds=settings.INVITE_IN_DOUBT_GRACE)


def _grace_left(invitation: Invitation) -> float:
    return max(0.0, math.ceil((_in_doubt_from(invitation) - timezone.now()).total_seconds()))


def _send_claimed(claimed: list[Invitation], in_doubt: list[Invitation], outcome: BatchOutcome) -> None:
    account = (claimed or in_doubt)[0].assessment.account
    client = account.client()
    moves: list[Move] = []

    # A previous attempt may have reached the vendor: ask before sending again, all of them at once.
    answers = client.reconcile_many([_request(i) for i in in_doubt]) if in_doubt else []
    for invitation, found in zip(in_doubt, answers, strict=True):
        if isinstance(found, VendorError):
            _still_in_doubt(invitation, found, outcome)
            continue
        if found:
            moves.append(_invited(invitation, found, "Found at the vendor after an interrupted send."))
            outcome.settled += 1
        else:
            claimed.append(invitation)

    claimed = _void_earlier_rounds(client, claimed, outcome, moves)
    if claimed:
        _send(client, claimed, outcome, moves)
    _record(moves)


def give_up(invitation_ids: list[int], reason: str) -> None:
    """Retries exhausted: what was surely never sent fails with the last reason.

    An invitation in doubt (the vendor may have it) is not called failed: it stays in
    "sending" and the stale-send sweep reconciles it with the vendor later.
    """
    moves = [
        Move(
            invitation,
            InvitationState.FAILED,
            f"Gave up after {invitation.attempts} attempts: {reason}",
            expect=[InvitationState.QUEUED],
            fields={"last_error": reason[:2000]},
        )
        for invitation in Invitation.objects.filter(pk__in=invitation_ids, state=InvitationState.QUEUED)
    ]
    record_states(moves, source=Source.SYSTEM)


# --- steps ----------------------------------------------------------------------------------
def _claim(ids: list[int]) -> tuple[list[Invitation], list[Invitation], list[Invitation]]:
    """Move queued rows to sending.

    Returns (claimed now, left in sending by an attempt that died or lost its answer,
    claimed by another worker too recently to tell).
    """
    started = timezone.now()
    with transaction.atomic():
        rows = list(
            Invitation.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk__in=ids, state__in=[InvitationState.QUEUED, InvitationState.SENDING])
            .select_related("application__candidate", "assessment", "bulk_send")
            # One account row for the batch, not one per invitation: its keys are decrypted once.
            .prefetch_related("assessment__account")
            .order_by("pk")
        )
        sending = [r for r in rows if r.state == InvitationState.SENDING]
        claimed = [r for r in rows if r.state == InvitationState.QUEUED]
        in_doubt = [r for r in sending if _in_doubt_from(r) <= started]
        busy = [r for r in sending if _in_doubt_from(r) > started]
        rows = claimed + in_doubt
        now = timezone.now()
        lease = leases.lease_until(now)
        Invitation.objects.filter(pk__in=[r.pk for r in claimed]).update(
            state=InvitationState.SENDING,
            attempts=F("attempts") + 1,
            state_changed_at=now,
            claimed_at=now,
            lease_expires_at=lease,
        )
        # Their state stays: the grace counts from their last send, not from this claim.
        Invitation.objects.filter(pk__in=[r.pk for r in in_doubt]).update(
            attempts=F("attempts") + 1, claimed_at=now, lease_expires_at=lease
        )
        for invitation in rows:
            invitation.claimed_at = now
        for invitation in rows:
            invitation.attempts += 1
        InvitationEvent.objects.bulk_create(
            InvitationEvent(
                invitation=r,
                source=Source.SYSTEM,
                from_state=InvitationState.QUEUED,
                to_state=InvitationState.SENDING,
                message=f"Sending (attempt {r.attempts}).",
                occurred_at=now,
            )
            for r in claimed
        )
        for invitation in claimed:
            invitation.state = InvitationState.SENDING
    return claimed, in_doubt, busy


def _send(client: Any, invitations: list[Invitation], outcome: BatchOutcome, moves: list[Move]) -> None:
    # A candidate the vendor would refuse for a missing field is refused here, alone: sending it
    # would spend a request of the vendor's budget, and intervue names it only by batch index.
    ready = []
    for invitation in invitations:
        missing = client.missing_fields(_request(invitation))
        if missing:
            moves.append(_refused(invitation, client.label, missing))
            outcome.settled += 1
        else:
            ready.append(invitation)
    if not ready:
        return
    invitations = ready
    requests = [_request(i) for i in invitations]
    # Marked before the request leaves: a worker that dies during it leaves the grace counting.
    outcome.sent_ids += [i.pk for i in invitations]
    Invitation.objects.filter(pk__in=[i.pk for i in invitations]).update(sent_at=timezone.now())
    try:
        results = client.invite(requests)
    except UnknownOutcome as exc:
        for invitation in invitations:
            _still_in_doubt(invitation, exc, outcome)
        return
    except Retryable as exc:
        for invitation in invitations:
            moves.append(_back_to_queue(invitation, exc, outcome))
        return
    except Permanent as exc:
        if invitations:
            note_refusal(invitations[0].assessment.account, exc)  # a refused key shows in the banners at once
        moves.extend(_failed(invitation, exc) for invitation in invitations)
        outcome.settled += len(invitations)
        return
    for invitation, result in zip(invitations, results, strict=True):
        if result.ok:
            note = "Already invited at the vendor; adopted that invitation." if result.duplicate else "Invited."
            moves.append(_invited(invitation, result, note))
            outcome.settled += 1
        elif isinstance(result.error, UnknownOutcome):
            _still_in_doubt(invitation, result.error, outcome)
        elif isinstance(result.error, Retryable):
            moves.append(_back_to_queue(invitation, result.error, outcome))
        else:
            moves.append(_failed(invitation, result.error))
            outcome.settled += 1


def _void_earlier_rounds(
    client: Any, invitations: list[Invitation], outcome: BatchOutcome, moves: list[Move]
) -> list[Invitation]:
    """Before a later round goes out, the vendor lets go of the round before (Hireflix deletes it,
    intervue cancels it), or it would answer the new invite with the old one. Returns those ready to send."""
    later = [i for i in invitations if i.round > 1]
    if not later:
        return invitations
    earlier = {
        (e.application_id, e.assessment_id, e.round): e
        for e in Invitation.objects.filter(
            application_id__in={i.application_id for i in later},
            assessment_id__in={i.assessment_id for i in later},
            round__in={i.round - 1 for i in later},
        ).select_related("application__candidate", "assessment")
    }
    ready = []
    for invitation in invitations:
        previous = earlier.get((invitation.application_id, invitation.assessment_id, invitation.round - 1))
        if previous is None or not _to_void(previous):
            ready.append(invitation)
            continue
        try:
            done = client.void_before_reinvite(previous.ref())
        except (Retryable, UnknownOutcome) as exc:
            moves.append(_back_to_queue(invitation, exc, outcome))
            continue
        except Permanent as exc:
            moves.append(_failed(invitation, Permanent(f"the earlier invitation could not be withdrawn first: {exc}")))
            outcome.settled += 1
            continue
        _mark_voided(previous, done)
        ready.append(invitation)
    return ready


def _to_void(invitation: Invitation) -> bool:
    return bool(invitation.remote_id) and not invitation.results.get("voided")


def _mark_voided(invitation: Invitation, done: str) -> None:
    with transaction.atomic():
        invitation.results = {**invitation.results, "voided": True}
        invitation.save(update_fields=["results", "updated_at"])
        if done:
            InvitationEvent.objects.create(
                invitation=invitation, source=Source.VENDOR_API, message=done, occurred_at=timezone.now()
            )


def _request(invitation: Invitation) -> InviteRequest:
    candidate = invitation.application.candidate
    options = dict(invitation.bulk_send.options) if invitation.bulk_send else {}
    return InviteRequest(
        key=invitation.idempotency_key,
        assessment_id=invitation.assessment.remote_id,
        assessment_kind=invitation.assessment.kind,
        email=candidate.email,
        first_name=candidate.first_name,
        last_name=candidate.last_name,
        phone=candidate.phone,
        options=options,
    )


def _record(moves: list[Move]) -> None:
    """Every answer of the batch in one go; an invitation canceled while its invite was on the way
    is told to the vendor now that the vendor has it."""
    record_states(moves, source=Source.VENDOR_API)
    from .lifecycle import schedule_vendor_cancel

    for move in moves:
        invitation = move.invitation
        adopted = "remote_id" in move.fields  # an invite the vendor now has
        if (
            adopted
            and invitation.state == InvitationState.CANCELED
            and invitation.assessment.account.client_class.can_cancel(invitation.assessment.kind)
        ):
            schedule_vendor_cancel(invitation.pk)


def _invited(invitation: Invitation, result: InviteResult, note: str) -> Move:
    state = result.state if result.state and result.state != InvitationState.QUEUED else InvitationState.INVITED
    fields = {
        "remote_id": result.remote_id[:200],
        "candidate_url": result.candidate_url[:1000],
        "vendor_status": result.vendor_status[:100],
        "last_error": "",
    }
    return Move(invitation, state, note, expect=_UNSENT, fields=fields)


def _failed(invitation: Invitation, error: BaseException | None) -> Move:
    message = str(error) or type(error).__name__
    return Move(
        invitation,
        InvitationState.FAILED,
        f"The vendor refused: {message}",
        expect=_UNSENT,
        fields={"last_error": message[:2000]},
    )


def _refused(invitation: Invitation, vendor: str, missing: list[str]) -> Move:
    fields = " and ".join(missing)
    message = f"Not sent: {vendor} requires the candidate's {fields}. Add it to the candidate, then send again."
    return Move(
        invitation,
        InvitationState.FAILED,
        message,
        expect=_UNSENT,
        fields={"last_error": message},
        source=Source.SYSTEM,
    )


def _still_in_doubt(invitation: Invitation, error: VendorError, outcome: BatchOutcome) -> None:
    """The vendor may have the invite: the row stays in "sending", and the retry reconciles before sending."""
    _note_retry(invitation, error, outcome)


def _back_to_queue(invitation: Invitation, error: VendorError, outcome: BatchOutcome) -> Move:
    _note_retry(invitation, error, outcome)
    return Move(
        invitation,
        InvitationState.QUEUED,
        f"Will retry: {error}",
        expect=[InvitationState.SENDING],
        fields={"last_error": str(error)[:2000]},
        source=Source.SYSTEM,
    )


def _note_retry(invitation: Invitation, error: VendorError, outcome: BatchOutcome) -> None:
    outcome.retry_ids.append(invitation.pk)
    outcome.last_error = str(error)
    if error.retry_after is not None:
        outcome.retry_after = max(outcome.retry_after or 0, error.retry_after)


def note_next_attempt(invitation_ids: list[int], countdown: float, reason: str = "") -> None:
    """When the retry of these comes and why, for the send's page to say; their lease lasts until then. One query."""
    when = timezone.now() + timedelta(seconds=countdown)
    changes: dict[str, Any] = {"next_attempt_at": when, "lease_expires_at": leases.lease_until(when)}
    if reason:
        changes["last_error"] = reason[:2000]
    Invitation.objects.filter(pk__in=invitation_ids, state__in=_UNSENT).update(**changes)


def send_again(invitation: Invitation, by: User | None = None) -> bool:
    """Queue a failed invitation once more (after the candidate's details were fixed, say)."""
    return retry_failed([invitation], by) == 1


def retry_failed(invitations: Sequence[Invitation], by: User | None = None) -> int:
    """Queue failed invitations once more, in the vendor's batch sizes; one that a later round replaced,
    or that is no longer failed, stays as it is. Returns how many were queued."""
    from ..tasks import send_invitations

    queued: dict[int, list[int]] = {}  # batch size -> ids
    for invitation in invitations:
        if _requeue(invitation, by):
            size = invitation.assessment.account.client_class.max_batch_size
            queued.setdefault(size, []).append(invitation.pk)
    for size, ids in queued.items():
        for start in range(0, len(ids), size):
            transaction.on_commit(partial(send_invitations.delay, ids[start : start + size]))
    return sum(len(ids) for ids in queued.values())


def _requeue(invitation: Invitation, by: User | None) -> bool:
    later = Invitation.objects.filter(
        application_id=invitation.application_id, assessment_id=invitation.assessment_id, round__gt=invitation.round
    )
    if later.exists():
        return False  # a later round replaced it
    who = getattr(by, "username", None) or "the system"
    return record_state(
        invitation,
        InvitationState.QUEUED,
        source=Source.USER if by else Source.SYSTEM,
        message=f"Sent again by {who}.",
        expect=[InvitationState.FAILED],
        last_error="",
        next_attempt_at=None,
        lease_expires_at=leases.requeue_until(),  # its task is enqueued on commit
    )
