"""Invitation state changes: the one place where an invitation's state moves.

Every vendor word from an API answer or a webhook lands in the timeline; a poll adds
only its moves (apply_updates), since it repeats itself every 30 s. The state itself
only moves forward (see integrations.states), so a late or replayed event is recorded
and otherwise ignored. Every move is announced, once the transaction commits, by the
``invitations_moved`` signal (once per batch: ``record_states`` moves many at once).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from django.db import connection, models, transaction
from django.utils import timezone

from ..models import Invitation, InvitationEvent, VendorAccount
from ..signals import Moved, invitations_moved
from ..states import InvitationState, can_move
from ..vendors.types import StatusUpdate

_TIMESTAMP_FOR: dict[str, str] = {
    InvitationState.INVITED: "invited_at",
    InvitationState.STARTED: "started_at",
    InvitationState.COMPLETED: "completed_at",
}


def find_invitation(account: VendorAccount, update: StatusUpdate) -> Invitation | None:
    """The invitation a vendor's update is about: by our key, then the vendor's id, then email."""
    invitations = Invitation.objects.filter(assessment__account=account)
    if update.key:
        found = invitations.filter(idempotency_key=update.key).first()
        if found:
            return found
    if update.remote_id:
        found = invitations.filter(remote_id=update.remote_id).first()
        if found:
            return found
    if update.email:
        by_email = invitations.filter(application__candidate__email__iexact=update.email)
        if update.assessment_id:
            by_email = by_email.filter(assessment__remote_id=update.assessment_id)
        # Most recent first: a re-invited candidate's update concerns the newest invitation.
        return by_email.order_by("-created_at").first()
    return None


@transaction.atomic
def apply_update(invitation: Invitation, update: StatusUpdate, source: str) -> bool:
    """Record a vendor's update in the timeline and move the state if it is a step forward."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    moved = bool(update.state) and can_move(invitation.state, update.state)
    event = InvitationEvent(
        invitation=invitation,
        source=source,
        vendor_status=update.vendor_status[:100],
        payload=jsonable(update.details),
        occurred_at=update.occurred_at or timezone.now(),
    )
    changed = ["updated_at"]
    if moved:
        event.from_state, event.to_state = invitation.state, update.state
        _set_state(invitation, update.state, changed)
        invitation.vendor_status = update.vendor_status[:100]
        changed.append("vendor_status")
    elif update.state == invitation.state:
        event.message = f"Confirms {invitation.state}."
    else:
        reported = update.state or update.vendor_status
        event.message = f"Kept {invitation.state}: the vendor reported {reported}, an earlier step."
    if update.remote_id and not invitation.remote_id:
        invitation.remote_id = update.remote_id
        changed.append("remote_id")
    if update.details:
        invitation.results = {**invitation.results, **jsonable(update.details)}
        changed.append("results")
    event.save()
    invitation.save(update_fields=changed)
    if moved:
        _announce(invitation.pk, event.from_state, update.state)
    return moved


BULK_BATCH = 250  # rows per bulk statement of apply_updates
# Written by apply_updates for every row it re-reads under the lock: a superset is harmless there.
_BULK_FIELDS = [
    "state",
    "state_changed_at",
    "invited_at",
    "started_at",
    "completed_at",
    "vendor_status",
    "remote_id",
    "results",
    "updated_at",
]
_DETAIL_FIELDS = ["remote_id", "results", "updated_at"]  # what an update that does not move may change


def apply_updates(pairs: Iterable[tuple[Invitation, StatusUpdate]], source: str) -> tuple[int, list[int]]:
    """Apply many vendor updates (a poll's) at once; returns (how many moved, pks the vendor confirmed).

    The timeline gets a row only for a move: an update that repeats what we know changes nothing,
    so it writes nothing here (the caller stamps ``last_confirmed_at`` in bulk). Rows with something
    new are re-read under one lock and written by bulk updates and inserts of BULK_BATCH rows, the
    same forward-only rule as ``apply_update``: a quiet poll costs the same queries for any number of
    invitations, and a poll with news one more statement per BULK_BATCH changed rows.
    """
    confirmed: list[int] = []
    news: dict[int, StatusUpdate] = {}
    for invitation, update in pairs:
        confirmed.append(invitation.pk)
        if _brings_news(invitation, update):
            news[invitation.pk] = update
    if not news:
        return 0, confirmed
    moved = 0
    with transaction.atomic():
        rows = [
            row
            for chunk in pk_chunks(list(news))
            for row in Invitation.objects.select_for_update().filter(pk__in=chunk)
        ]
        events: list[InvitationEvent] = []
        moves: list[tuple[int, str, str]] = []
        moved_rows: list[Invitation] = []
        kept_rows: list[Invitation] = []
        now = timezone.now()
        for row in rows:
            update = news[row.pk]
            moving = bool(update.state) and can_move(row.state, update.state)
            (moved_rows if moving else kept_rows).append(row)
            if moving:
                events.append(
                    InvitationEvent(
                        invitation=row,
                        source=source,
                        vendor_status=update.vendor_status[:100],
                        payload=jsonable(update.details),
                        occurred_at=update.occurred_at or now,
                        from_state=row.state,
                        to_state=update.state,
                    )
                )
                moves.append((row.pk, row.state, update.state))
                _set_state(row, update.state, [])
                row.vendor_status = update.vendor_status[:100]
            if update.remote_id and not row.remote_id:
                row.remote_id = update.remote_id
            if update.details:
                row.results = {**row.results, **jsonable(update.details)}
            row.updated_at = now
        # In batches, and only the fields that change: bulk_update writes one CASE per field over
        # every row of a statement, so one huge UPDATE would cost rows x rows.
        Invitation.objects.bulk_update(moved_rows, _BULK_FIELDS, batch_size=BULK_BATCH)
        Invitation.objects.bulk_update(kept_rows, _DETAIL_FIELDS, batch_size=BULK_BATCH)
        InvitationEvent.objects.bulk_create(events, batch_size=BULK_BATCH)
        for pk, previous, state in moves:
            _announce(pk, previous, state)
        moved = len(moves)
    return moved, confirmed


def _brings_news(invitation: Invitation, update: StatusUpdate) -> bool:
    """Whether the update would change the row: a step forward, a remote id, or details not kept yet."""
    if update.state and can_move(invitation.state, update.state):
        return True
    if update.remote_id and not invitation.remote_id:
        return True
    details = jsonable(update.details) if update.details else {}
    return any(invitation.results.get(k) != v for k, v in details.items())


def pk_chunks(pks: list[int]) -> list[list[int]]:
    """The pks in as few IN lists as the database takes (one on PostgreSQL, 999 a list on SQLite)."""
    size = connection.features.max_query_params or len(pks) or 1
    return [pks[i : i + size] for i in range(0, len(pks), size)]


def record_state(
    invitation: Invitation,
    state: str,
    *,
    source: str,
    message: str = "",
    expect: Iterable[str] | None = None,
    **fields: Any,
) -> bool:
    """Move an invitation on our own account (sending, invited, failed...), with a timeline entry.

    With ``expect``, the state moves only if the row (re-read under a lock) is still
    in one of those states: a webhook may have moved it on meanwhile. ``fields`` are
    saved either way. Returns whether the state moved.
    """
    with transaction.atomic():
        current = Invitation.objects.select_for_update().get(pk=invitation.pk)
        moves = expect is None or current.state in set(expect)
        changed = ["updated_at", *fields]
        for name, value in fields.items():
            setattr(current, name, value)
        previous = current.state
        if moves:
            _set_state(current, state, changed)
        else:
            message = f"{message} (kept {previous}: the vendor had already reported it)"
        current.save(update_fields=changed)
        InvitationEvent.objects.create(
            invitation=current,
            source=source,
            from_state=previous if moves else "",
            to_state=state if moves else "",
            message=message[:2000],
            occurred_at=timezone.now(),
        )
    if moves:
        _announce(current.pk, previous, state)
    invitation.state = current.state
    return moves


@dataclass
class Move:
    """One invitation's move for ``record_states``: like the arguments of ``record_state``."""

    invitation: Invitation
    state: str
    message: str = ""
    expect: Iterable[str] | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    source: str = ""  # default: the source given to record_states


def record_states(moves: Sequence[Move], *, source: str) -> set[int]:
    """``record_state`` for many invitations in a constant number of queries: one locked read, one
    bulk update, one bulk insert of timeline rows, all in one transaction; the same forward-only rule.

    Returns the ids of the invitations whose state moved; each passed-in invitation gets its row's
    state. One invitation appears at most once in ``moves``.
    """
    if not moves:
        return set()
    moved: list[Moved] = []
    with transaction.atomic():
        current = Invitation.objects.select_for_update().in_bulk([m.invitation.pk for m in moves])
        now = timezone.now()
        changed: set[str] = {"updated_at"}
        events = []
        for move in moves:
            row = current[move.invitation.pk]
            moves_now = move.expect is None or row.state in set(move.expect)
            for name, value in move.fields.items():
                setattr(row, name, value)
            changed.update(move.fields)
            previous = row.state
            message = move.message
            if moves_now:
                names: list[str] = []
                _set_state(row, move.state, names, now)
                changed.update(names)
                moved.append(Moved(row.pk, previous, move.state))
            else:
                message = f"{message} (kept {previous}: the vendor had already reported it)"
            row.updated_at = now
            events.append(
                InvitationEvent(
                    invitation=row,
                    source=move.source or source,
                    from_state=previous if moves_now else "",
                    to_state=move.state if moves_now else "",
                    message=message[:2000],
                    occurred_at=now,
                )
            )
            move.invitation.state = row.state
        _write(list(current.values()), changed)
        InvitationEvent.objects.bulk_create(events)
        if moved:
            transaction.on_commit(lambda: invitations_moved.send(Invitation, moves=moved))
    return {m.invitation_id for m in moved}


def _write(rows: list[Invitation], names: set[str]) -> None:
    """Save ``names`` of every row in two queries at most: one UPDATE for the fields whose value is the
    same on every row (the new state and its time, mostly), one bulk UPDATE for the rest. Fewer
    per-row values also keep SQLite's bulk update in one statement. Every row is locked and fully
    read, so writing a field a row's move did not touch keeps its value."""
    uniform: dict[str, Any] = {}
    varying = []
    for name in sorted(names):
        values = {getattr(row, name) for row in rows} if _hashable(name) else None
        if values is not None and len(values) == 1:
            uniform[name] = values.pop()
        else:
            varying.append(name)
    if uniform:
        Invitation.objects.filter(pk__in=[row.pk for row in rows]).update(**uniform)
    if varying:
        _bulk_set(rows, varying)


def _bulk_set(rows: list[Invitation], names: list[str]) -> None:
    """A value per row for each of ``names``, in one statement. On PostgreSQL an UPDATE joined to a
    VALUES list: Django's bulk_update builds a CASE WHEN per row and field, which costs more CPU
    than the whole vendor round trip of a batch."""
    if connection.vendor != "postgresql":
        Invitation.objects.bulk_update(rows, names)
        return
    meta = Invitation._meta
    quote = connection.ops.quote_name
    fields = [cast(models.Field, meta.get_field(name)) for name in names]
    key = meta.pk
    row_sql = ", ".join([f"%s::{key.db_type(connection)}"] + [f"%s::{f.db_type(connection)}" for f in fields])
    params: list[Any] = []
    for row in rows:
        params.append(row.pk)
        params.extend(f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields)
    columns = [quote(f.column) for f in fields]
    pk = quote(key.column)
    # Only the model's own table and column names are formatted in; every value is a parameter.
    sql = (
        f"UPDATE {quote(meta.db_table)} AS t SET {', '.join(f'{c} = v.{c}' for c in columns)} "  # noqa: S608
        f"FROM (VALUES {', '.join([f'({row_sql})'] * len(rows))}) AS v({pk}, {', '.join(columns)}) "
        f"WHERE t.{pk} = v.{pk}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _hashable(name: str) -> bool:
    return not isinstance(Invitation._meta.get_field(name), models.JSONField)


def _announce(invitation_id: int, previous: str, state: str) -> None:
    moves = [Moved(invitation_id, previous, state)]
    transaction.on_commit(lambda: invitations_moved.send(Invitation, moves=moves))


def _set_state(invitation: Invitation, state: str, changed: list[str], now: datetime | None = None) -> None:
    now = now or timezone.now()
    invitation.state = state
    invitation.state_changed_at = now
    changed.extend(["state", "state_changed_at"])
    stamp = _TIMESTAMP_FOR.get(state)
    if stamp and getattr(invitation, stamp) is None:
        setattr(invitation, stamp, now)
        changed.append(stamp)


def jsonable(value: Any) -> Any:
    """Details as JSON: datetimes become ISO strings."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
