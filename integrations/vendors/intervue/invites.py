"""Inviting a batch to intervue.io: one request per role or test, one per mock-interview candidate.

intervue.io takes no idempotency key. What keeps a batch from being sent twice is that a failure
after part of it was applied is reported per candidate instead of raised (see ``invite``), and
that the client reconciles after an UnknownOutcome (``IntervueClient.reconcile``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from ..errors import Permanent, Retryable, UnknownOutcome, VendorError
from ..http import VendorHTTP
from ..parsing import parse_datetime
from ..types import InviteRequest, InviteResult
from .statuses import (
    ASSIGNMENT_STATES,
    EXTERNAL_STATES,
    HIRING_ROLE,
    HOME_ASSIGNMENT,
    MOCK_INTERVIEW,
    compact,
    iso,
    mock_state,
)

logger = logging.getLogger("integrations.vendors")

DEFAULT_EXPIRY_DAYS = 7
# Validation messages name the offending candidate, e.g. '"candidates[1].email" must be a valid email'.
CANDIDATE_INDEX = re.compile(r"candidates\[(\d+)\]")

Pending = list[tuple[int, InviteRequest]]
Answered = list[tuple[int, InviteResult]]
Pages = Callable[[str, Mapping[str, Any]], Iterator[dict[str, Any]]]


@dataclass
class _Unit:
    """One request of an invite batch and the batch positions it answers for."""

    indexes: list[int]
    send: Callable[[], Answered]


class BatchInviter:
    """Sends invite batches through an IntervueClient's HTTP session."""

    def __init__(self, http: VendorHTTP, options: Mapping[str, Any], pages: Pages) -> None:
        self.http = http
        self.options = options
        self.pages = pages

    def invite(self, batch: list[InviteRequest]) -> list[InviteResult]:
        """One request per hiring role or assignment of the batch, one per mock-interview candidate.

        A failure before anything of the batch was applied is raised. After part of it was
        applied, it is reported in the results instead (the rest marked not sent), so that a
        retry never resends what intervue.io already has.
        """
        results: list[InviteResult | None] = [None] * len(batch)
        units = self._plan(batch, results)
        for n, unit in enumerate(units):
            try:
                for index, result in unit.send():
                    results[index] = result
            except VendorError as exc:
                if not any(r is not None and r.ok for r in results):
                    raise
                for index in unit.indexes:
                    results[index] = InviteResult(batch[index].key, error=exc)
                if isinstance(exc, Permanent):
                    continue
                for later in units[n + 1 :]:
                    for index in later.indexes:
                        results[index] = InviteResult(batch[index].key, error=Retryable(f"not sent: {exc.message}"))
                break
        missing = UnknownOutcome("intervue.io gave no answer for this candidate")
        return [r or InviteResult(batch[i].key, error=missing) for i, r in enumerate(results)]

    def _plan(self, batch: list[InviteRequest], results: list[InviteResult | None]) -> list[_Unit]:
        units: list[_Unit] = []
        groups: dict[tuple[Any, ...], list[int]] = {}
        for i, request in enumerate(batch):
            kind = request.assessment_kind
            if kind == MOCK_INTERVIEW:
                try:
                    slot = _mock_slot(request)
                except Permanent as exc:
                    results[i] = InviteResult(request.key, error=exc)
                    continue
                units.append(_Unit([i], partial(self._request_mock, i, batch[i], slot)))
                continue
            if kind == HIRING_ROLE:
                try:
                    _slots(request.options.get("time_slots"))  # optional here, but a malformed one fails alone
                except Permanent as exc:
                    results[i] = InviteResult(request.key, error=exc)
                    continue
                group: tuple[Any, ...] = (kind, request.assessment_id)
                send: Callable[[Pending], Answered] = self._request_external
            elif kind == HOME_ASSIGNMENT:
                group = (kind, request.assessment_id, self._expiry_days(request), self._send_email(request))
                send = self._send_assignment
            else:
                results[i] = InviteResult(request.key, error=Permanent(f"intervue.io has no {kind!r} assessments"))
                continue
            if group not in groups:
                indexes = groups[group] = []
                units.append(_Unit(indexes, partial(_send_group, send, indexes, batch)))
            groups[group].append(i)
        return units

    def _post_candidates(
        self, path: str, pending: Pending, body: Callable[[Pending], dict[str, Any]], single: bool = False
    ) -> tuple[Any, Answered]:
        """POST a batch. A 400 that names one candidate fails that candidate only: it is taken out
        of ``pending`` (its result appended to ``failed``) and the others are sent again.
        ``single``: the endpoint is called for one candidate, so any 400 is about that one."""
        failed: Answered = []
        while pending:
            try:
                return self.http.post_json(path, body(pending)), failed
            except Permanent as exc:
                position = _candidate_position(exc, len(pending), single)
                if position is None:
                    raise
                index, request = pending.pop(position)
                failed.append((index, InviteResult(request.key, error=exc)))
        return None, failed

    def _request_external(self, pending: Pending) -> Answered:
        role_id = _role_id(pending[0][1].assessment_id)

        def body(items: Pending) -> dict[str, Any]:
            return {"candidates": [_external_candidate(r) for _, r in items], "hiringRoleId": role_id}

        answer, answered = self._post_candidates("/external-interviews/request", pending, body)
        for index, request, row in _pair(pending, answer):
            interview_id = row.get("interviewId") if row else None
            if not row or not interview_id:
                answered.append((index, InviteResult(request.key, error=_no_id(request, "interviewId"))))
                continue
            result = InviteResult(
                request.key,
                remote_id=str(interview_id),
                vendor_status="requested",
                state=EXTERNAL_STATES["requested"],
                raw=row,
            )
            answered.append((index, result))
        return answered

    def _request_mock(self, index: int, request: InviteRequest, slot: list[str]) -> Answered:
        role_id = _role_id(request.assessment_id)

        def body(items: Pending) -> dict[str, Any]:
            candidate = {"name": request.full_name, "email": request.email, "phoneNo": request.phone}
            return {"candidates": [{**candidate, "scheduleTime": slot}], "hiringRoleId": role_id}

        answer, failed = self._post_candidates("/mock-interviews/request", [(index, request)], body, single=True)
        if answer is None:
            return failed
        [(_, _, row)] = _pair([(index, request)], answer)
        interview_id = row.get("interviewId") if row else None
        if not row or not interview_id:
            return [(index, InviteResult(request.key, error=_no_id(request, "interviewId")))]
        result = InviteResult(
            request.key,
            remote_id=str(interview_id),
            vendor_status="UN_SCHEDULED",
            state=mock_state("UN_SCHEDULED"),
            raw=row,
        )
        return [(index, result)]

    def _send_assignment(self, pending: Pending) -> Answered:
        first = pending[0][1]
        expiry = datetime.now(UTC) + timedelta(days=self._expiry_days(first))
        extra = compact(
            {
                "emailReplyTo": self.options.get("email_reply_to"),
                "emailSubject": self.options.get("email_subject"),
                "disableCommunications": True if not self._send_email(first) else None,
            }
        )

        def body(items: Pending) -> dict[str, Any]:
            candidates = [{"email": r.email, "name": r.full_name} for _, r in items]
            return {
                "mainTestUrlHash": first.assessment_id,
                "candidates": candidates,
                "expiryDate": iso(expiry),
                **extra,
            }

        answer, answered = self._post_candidates("/assignments/send-invitations", pending, body)
        if answer is None:
            return answered
        active_test_id = answer.get("activeTestId")
        fresh = self._fresh_invitations(active_test_id, expiry)
        for index, request, row in _pair(pending, answer, rows_key="candidates"):
            invitation = row.get("invitationUrlHash") if row else None
            if not row or not invitation:
                answered.append((index, InviteResult(request.key, error=_no_id(request, "invitationUrlHash"))))
                continue
            result = InviteResult(
                request.key,
                remote_id=str(invitation),
                vendor_status="INVITATION_SENT",
                state=ASSIGNMENT_STATES["INVITATION_SENT"],
                duplicate=fresh is not None and invitation not in fresh,
                raw={**row, "activeTestId": active_test_id},
            )
            answered.append((index, result))
        return answered

    def _fresh_invitations(self, active_test_id: Any, expiry: datetime) -> set[str] | None:
        """The invitations this send created, or None when that cannot be told.

        intervue.io answers a candidate who already holds a live invitation with that invitation,
        in the same shape. Ours are the rows of the answered batch that carry the expiry we sent.
        """
        if active_test_id is None:
            return None
        try:
            rows = list(self.pages("/assignments/results", {"activeTestId": active_test_id}))
        except VendorError as exc:  # the invites are sent: a failed look-up must not fail them
            logger.warning("intervue.io: could not tell duplicates apart: %s", exc.message)
            return None
        return {
            str(row.get("invitationUrlHash"))
            for row in rows
            if (moment := parse_datetime(row.get("testExpiryDate"))) is not None
            and abs((moment - expiry).total_seconds()) <= 1
        }

    def _expiry_days(self, request: InviteRequest) -> int:
        return int(request.options.get("expiry_days") or self.options.get("expiry_days") or DEFAULT_EXPIRY_DAYS)

    @staticmethod
    def _send_email(request: InviteRequest) -> bool:
        return bool(request.options.get("send_email", True))


def _send_group(send: Callable[[Pending], Answered], indexes: list[int], batch: list[InviteRequest]) -> Answered:
    return send([(j, batch[j]) for j in indexes])


# --- helpers ------------------------------------------------------------------------------------------
def _candidate_position(exc: Permanent, count: int, single: bool) -> int | None:
    """Which pending candidate a 400 is about: the one it names; None when it is about the request."""
    if exc.status_code != 400:
        return None
    if single:
        return 0
    match = CANDIDATE_INDEX.search(exc.message)
    return int(match.group(1)) if match and int(match.group(1)) < count else None


def _pair(pending: Pending, answer: Any, rows_key: str = "data") -> list[tuple[int, InviteRequest, dict | None]]:
    """Each request with its row of the answer: by email, else by position when the counts agree."""
    rows = answer.get(rows_key) if isinstance(answer, dict) else None
    rows = [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []
    by_email: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_email.setdefault(str(row.get("email", "")).strip().lower(), []).append(row)
    paired = []
    for position, (index, request) in enumerate(pending):
        same = by_email.get(request.email.strip().lower())
        row = same.pop(0) if same else (rows[position] if len(rows) == len(pending) else None)
        paired.append((index, request, row))
    return paired


def _no_id(request: InviteRequest, field: str) -> UnknownOutcome:
    return UnknownOutcome(f"intervue.io accepted the request but returned no {field} for {request.email}")


def _role_id(assessment_id: str) -> int:
    try:
        return int(assessment_id)
    except (TypeError, ValueError):
        raise Permanent(f"intervue.io role ids are numbers, not {assessment_id!r}") from None


def _moment(value: Any) -> str:
    return iso(value) if isinstance(value, datetime) else str(value)


def _slots(value: Any) -> list[list[str]]:
    """options["time_slots"] as [[start, end], ...]; a single [start, end] pair is accepted too."""
    if not value:
        return []
    if isinstance(value, list | tuple) and len(value) == 2 and all(isinstance(v, str | datetime) for v in value):
        value = [value]
    if not isinstance(value, list | tuple) or not all(
        isinstance(pair, list | tuple) and len(pair) == 2 and all(isinstance(v, str | datetime) for v in pair)
        for pair in value
    ):
        raise Permanent("options['time_slots'] must be a list of [start, end] ISO datetimes")
    return [[_moment(start), _moment(end)] for start, end in value]


def _mock_slot(request: InviteRequest) -> list[str]:
    """The scheduleTime pair a mock interview requires: the first of options["time_slots"]."""
    slots = _slots(request.options.get("time_slots"))
    if not slots:
        raise Permanent(
            "intervue.io mock interviews need a time slot: set options['time_slots'] to [[start, end]] "
            "(ISO datetimes, between 10:00 AM and 8:00 PM)"
        )
    return slots[0]


def _external_candidate(request: InviteRequest) -> dict[str, Any]:
    candidate: dict[str, Any] = {"name": request.full_name, "email": request.email, "phoneNo": request.phone}
    slots = _slots(request.options.get("time_slots"))
    if slots:
        candidate["timeSlots"] = [{"startTime": start, "endTime": end} for start, end in slots]
    if request.options.get("utc_offset") is not None:
        candidate["utcOffset"] = request.options["utc_offset"]
    return candidate
