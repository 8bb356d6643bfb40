"""WedgeHR Connect API v2 (vendor document 000): REST/JSON under ``/connect/v2``, ``Authorization: Bearer``.

An *interview* is what a pipeline stage sends. An *invite* puts one candidate into a *wedge*
(that candidate's take of the interview; a wedge may hold several invites). WedgeHR sends no
webhooks: status is polled from the invite listings, one listing per interview.

Idempotency: every invite carries our key as ``uniqueId``. WedgeHR answers a repeated uniqueId
with the invite it already has (a 201 like any other), so a retry never invites twice. That
answer is reported as ``duplicate`` when the invite was created clearly before our request
(allowing for clock skew); either way the ids are those of the existing invite. An invite that
comes back for another candidate or interview means the uniqueId is someone else's: a Permanent
error, never adopted. ``reconcile`` looks the key up with ``filter[uniqueId]``.

Invite ``status`` onto the unified states (the status also exists as 0-4, in this order):

=================  ==========  ==========================================================
WedgeHR            unified     why
=================  ==========  ==========================================================
unknown (0)        sending     created, the invitation not (yet) sent; ``invited`` when
                               ``inviteSent`` is true, or at invite time when we asked
                               WedgeHR not to email (``send_email=False``: we hand out the link)
invited (1)        invited
complete (2)       completed
send_failure (3)   failed      the invitation could not be delivered; a resend may revive it
canceled (4)       canceled
unknown / invited  expired     once ``expiresAt`` has passed: WedgeHR has a timestamp,
                               no expired status
=================  ==========  ==========================================================

WedgeHR shows no in-progress state (never ``started``) and no review step (never ``reviewed``).
Listings have no "changed since" filter, so ``fetch_statuses`` ignores ``since``. A listing
whose filter matches nothing answers 404: that is an empty list. The API has no per-answer
media, and no cancel or delete; ``result_links`` gives the invite's ``resultUrl`` and
``inviteUrl``, read afresh at each call.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import requests

from integrations.states import InvitationState

from .base import VendorClient
from .errors import Permanent, Retryable, VendorError
from .http import VendorHTTP
from .types import (
    ConnectionCheck,
    InvitationRef,
    InviteRequest,
    InviteResult,
    RemoteAssessment,
    ResultLink,
    StatusUpdate,
    VendorConfig,
)

logger = logging.getLogger(__name__)

API_PATH = "/connect/v2"
PAGE_SIZE = 100  # the documented maximum
# An invite created this long before our request was there already; less could be clock skew.
CLOCK_SKEW = timedelta(minutes=1)

STATUSES = ("unknown", "invited", "complete", "send_failure", "canceled")  # in the order of their codes 0-4
OPEN_STATUSES = frozenset({"unknown", "invited"})
STATES = {
    "unknown": InvitationState.SENDING.value,
    "invited": InvitationState.INVITED.value,
    "complete": InvitationState.COMPLETED.value,
    "send_failure": InvitationState.FAILED.value,
    "canceled": InvitationState.CANCELED.value,
}
# Resending these would reach nobody: the candidate is done or the wedge was called off.
FINISHED_STATUSES = frozenset({"complete", "canceled"})


class WedgeHRClient(VendorClient):
    vendor = "wedgehr"
    label = "WedgeHR"
    default_base_url = "https://api.wedgehr.com"
    credential_fields = {"api_token": "API token"}
    status_delivery = "poll"
    max_batch_size = 50

    def __init__(self, config: VendorConfig, throttle: Callable[[], None] | None = None) -> None:
        super().__init__(config, throttle)
        # One POST per candidate: this many run at once, through the one pooled session.
        self.concurrency = max(1, int(config.options.get("concurrency", 4)))
        self.http = VendorHTTP(
            self.vendor,
            _api_root(config.base_url or self.default_base_url),
            headers={"Authorization": f"Bearer {config.credentials.get('api_token', '')}"},
            error_message=_error_message,
            pool_size=max(10, self.concurrency),
            throttle=self.throttle,
        )

    # --- connection and catalog ---------------------------------------------------------
    def check_credentials(self) -> ConnectionCheck:
        if not self.config.credentials.get("api_token"):
            return ConnectionCheck(False, "No API token is set.")
        try:
            self.http.get_json("/interviews", params={"page[size]": 1})
        except Permanent as exc:
            return ConnectionCheck(False, exc.message)
        return ConnectionCheck(True, "Connected to the WedgeHR Connect API.")

    def list_assessments(self) -> Iterator[RemoteAssessment]:
        for interview in self._pages("/interviews"):
            yield RemoteAssessment(
                remote_id=str(interview["id"]),
                kind="video_interview",
                name=interview.get("nameContextualized") or interview.get("name") or str(interview["id"]),
                raw=interview,
            )

    # --- inviting ----------------------------------------------------------------------
    def invite(self, batch: list[InviteRequest]) -> list[InviteResult]:
        """One POST per candidate; each candidate's failure stays in its own result.

        A refused key fails the whole call. After a 429 or a refused key no new request
        starts (the candidates not tried come back Retryable); a 5xx or a dropped answer
        concerns its own request only. The ones answered keep their answers, so a batch
        makes progress even while a vendor is flaky.
        """
        outcomes = _map_bounded(self._invite_one, batch, self.concurrency, stop_on=_slow_down)
        auth = [o for o in outcomes if isinstance(o, Permanent) and o.status_code in (401, 403)]
        if auth:
            raise auth[0]
        stopped_by = next((o for o in outcomes if isinstance(o, Exception) and _slow_down(o)), None)
        results = []
        for request, outcome in zip(batch, outcomes, strict=True):
            if isinstance(outcome, InviteResult):
                results.append(outcome)
            elif isinstance(outcome, Exception):
                results.append(InviteResult(key=request.key, error=outcome))
            else:  # never started: nothing was sent
                reason = f"not sent: {stopped_by}" if stopped_by else "not sent"
                retry_after = stopped_by.retry_after if stopped_by else None
                results.append(InviteResult(key=request.key, error=Retryable(reason, retry_after=retry_after)))
        return results

    def _invite_one(self, request: InviteRequest) -> InviteResult:
        send_email = bool(request.options.get("send_email", True))
        payload: dict[str, Any] = {
            "interviewId": _as_id(request.assessment_id),
            "email": request.email,
            "shouldSendInvite": send_email,
            "uniqueId": request.key,
        }
        if request.first_name:
            payload["firstName"] = request.first_name
        if request.last_name:
            payload["lastName"] = request.last_name
        sent_at = datetime.now(UTC)
        try:
            invite = _record(self.http.post_json("/invites", payload))
        except Permanent as exc:
            if exc.status_code == 422:  # this candidate's data; the rest of the batch is unaffected
                return InviteResult(key=request.key, error=exc)
            raise
        created = _timestamp(invite.get("createdAt"))
        duplicate = created is not None and created < sent_at - CLOCK_SKEW
        return self._adopt(request, invite, duplicate=duplicate)

    def reconcile(self, request: InviteRequest) -> InviteResult | None:
        found = next(self._pages("/invites", {"filter[uniqueId]": request.key}, empty_on_404=True), None)
        # What it finds is what our own earlier request created: not a duplicate.
        return None if found is None else self._adopt(request, found, duplicate=False)

    def _adopt(self, request: InviteRequest, invite: Mapping[str, Any], *, duplicate: bool) -> InviteResult:
        conflict = _conflict(request, invite)
        if conflict:
            return InviteResult(key=request.key, error=Permanent(conflict, payload=dict(invite)), raw=dict(invite))
        state = unified_state(invite)
        if state == InvitationState.SENDING and not request.options.get("send_email", True):
            state = InvitationState.INVITED.value  # nothing will be emailed: the link is ours to hand out
        return InviteResult(
            key=request.key,
            remote_id=str(invite.get("id", "")),
            candidate_url=invite.get("inviteUrl") or "",
            vendor_status=_status_label(invite.get("status")),
            state=state,
            duplicate=duplicate,
            raw=dict(invite),
        )

    # --- status ------------------------------------------------------------------------
    def fetch_statuses(self, refs: Iterable[InvitationRef], since: datetime | None = None) -> Iterator[StatusUpdate]:
        by_interview: dict[str, dict[str, InvitationRef]] = {}
        for ref in refs:
            by_interview.setdefault(ref.assessment_id, {})[ref.key] = ref
        for interview_id, wanted in by_interview.items():
            by_invite_id = {ref.remote_id: ref for ref in wanted.values() if ref.remote_id}
            params = {"filter[interviewId]": interview_id}
            for invite in self._pages("/invites", params, empty_on_404=True):
                ref = wanted.get(str(invite.get("uniqueId") or "")) or by_invite_id.get(str(invite.get("id")))
                if ref is None or ref.key not in wanted:
                    continue
                del wanted[ref.key]
                update = _status_update(ref, invite)
                if update is not None:
                    yield update
                if not wanted:  # every invitation of this interview found: no need for more pages
                    break

    # --- on demand -----------------------------------------------------------------------
    def result_links(self, ref: InvitationRef) -> list[ResultLink]:
        invite = self._find_invite(ref)
        links = []
        if invite.get("resultUrl"):
            links.append(ResultLink("Interview results", invite["resultUrl"]))
        if invite.get("inviteUrl"):
            links.append(
                ResultLink("Candidate's interview link", invite["inviteUrl"], _timestamp(invite.get("expiresAt")))
            )
        return links

    def resend(self, ref: InvitationRef) -> None:
        # The invite does not name its wedge: find the candidate's wedge that holds it.
        for wedge in self._pages("/wedges", {"filter[email]": ref.email}, empty_on_404=True):
            invite = next((i for i in wedge.get("invites") or [] if _is_ref(ref, i)), None)
            if invite is None:
                continue
            status = _status_label(invite.get("status"))
            if status in FINISHED_STATUSES:
                raise Permanent(f"This WedgeHR invite is {status}: there is nothing to resend.")
            self.http.request("POST", f"/wedges/{wedge['id']}/resend-invite")
            return
        raise Permanent(f"WedgeHR has no wedge holding this invitation ({_describe(ref)}).")

    # --- helpers ---------------------------------------------------------------------------
    def _find_invite(self, ref: InvitationRef) -> Mapping[str, Any]:
        if ref.remote_id:
            return _record(self.http.get_json(f"/invites/{ref.remote_id}"))
        found = next(self._pages("/invites", {"filter[uniqueId]": ref.key}, empty_on_404=True), None)
        if found is None:
            raise Permanent(f"WedgeHR has no invite for this invitation ({_describe(ref)}).")
        return found

    def _pages(
        self, path: str, params: Mapping[str, Any] | None = None, *, empty_on_404: bool = False
    ) -> Iterator[dict[str, Any]]:
        """Every item of a cursor-paginated listing, following ``pagination.next`` to the end."""
        query = {**(params or {}), "page[size]": PAGE_SIZE}
        seen: set[str] = set()
        while True:
            try:
                body = self.http.get_json(path, params=query)
            except Permanent as exc:
                if empty_on_404 and exc.status_code == 404:  # a filter that matches nothing
                    return
                raise
            items = body.get("data") if isinstance(body, dict) else None
            if not isinstance(items, list):
                raise Retryable(f"WedgeHR answered {path} without a data list", payload=body)
            yield from items
            cursor = (body.get("pagination") or {}).get("next")
            if not cursor:
                return
            if cursor in seen:
                raise Retryable(f"WedgeHR repeated a page cursor of {path}")
            seen.add(cursor)
            query["page[cursor]"] = cursor


# --- status mapping -----------------------------------------------------------------------------


def unified_state(invite: Mapping[str, Any], now: datetime | None = None) -> str:
    """The unified state of a WedgeHR invite (see the table above); empty for a status we do not know."""
    status = _status_label(invite.get("status"))
    state = STATES.get(status, "")
    if state == InvitationState.SENDING and invite.get("inviteSent"):
        state = InvitationState.INVITED.value
    expires = _timestamp(invite.get("expiresAt"))
    if status in OPEN_STATUSES and expires is not None and expires <= (now or datetime.now(UTC)):
        state = InvitationState.EXPIRED.value
    return state


def _status_label(status: Any) -> str:
    """The status label; the numeric codes 0-4 the filters accept are understood too."""
    if isinstance(status, int) and not isinstance(status, bool) and 0 <= status < len(STATUSES):
        return STATUSES[status]
    if isinstance(status, str) and status.isdigit() and int(status) < len(STATUSES):
        return STATUSES[int(status)]
    return str(status or "")


def _status_update(ref: InvitationRef, invite: Mapping[str, Any]) -> StatusUpdate | None:
    state = unified_state(invite)
    if not state:
        logger.warning("WedgeHR invite %s has an unknown status %r", invite.get("id"), invite.get("status"))
        return None
    # WedgeHR dates only these two moments; an invite's createdAt says nothing about later changes.
    when = {InvitationState.COMPLETED: "completedAt", InvitationState.EXPIRED: "expiresAt"}.get(state)
    return StatusUpdate(
        state=state,
        vendor_status=_status_label(invite.get("status")),
        remote_id=str(invite.get("id", "")),
        key=ref.key,
        email=invite.get("email") or ref.email,
        assessment_id=str(invite.get("interviewId") or ref.assessment_id),
        occurred_at=_timestamp(invite.get(when)) if when else None,
        details={
            "invite_id": str(invite.get("id", "")),
            "interview_id": str(invite.get("interviewId", "")),
            "invite_sent": invite.get("inviteSent"),
            "created_at": invite.get("createdAt"),
            "expires_at": invite.get("expiresAt"),
            "completed_at": invite.get("completedAt"),
        },
    )


# --- small helpers ---------------------------------------------------------------------------------


def _api_root(base_url: str) -> str:
    """The host (sandbox: its /wedgehr prefix) plus /connect/v2, unless the admin already typed it."""
    base = base_url.rstrip("/")
    return base if base.endswith(API_PATH) else base + API_PATH


def _as_id(value: str) -> int | str:
    """WedgeHR ids are integers; anything else is sent as it is, for WedgeHR's own validation message."""
    return int(value) if value.isascii() and value.isdigit() else value


def _record(body: Any) -> dict[str, Any]:
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict) or "id" not in data:
        raise Retryable("WedgeHR answered without an invite", payload=body)
    return data


def _conflict(request: InviteRequest, invite: Mapping[str, Any]) -> str:
    """Why an invite returned for our uniqueId cannot be ours, or an empty string."""
    email = str(invite.get("email") or "")
    interview = str(invite.get("interviewId") or "")
    if email.lower() == request.email.strip().lower() and interview == request.assessment_id:
        return ""
    return (
        f"WedgeHR already has uniqueId {request.key!r} on an invite for another candidate or interview "
        f"(invite {invite.get('id')}, interview {interview})."
    )


def _is_ref(ref: InvitationRef, invite: Mapping[str, Any]) -> bool:
    return bool(ref.remote_id and str(invite.get("id")) == ref.remote_id) or invite.get("uniqueId") == ref.key


def _describe(ref: InvitationRef) -> str:
    return f"invite {ref.remote_id}" if ref.remote_id else f"uniqueId {ref.key}"


def _timestamp(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _error_message(response: requests.Response) -> str:
    """WedgeHR's (Laravel) error body: ``message``, plus the per-field ``errors`` of a 422."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return f"WedgeHR answered HTTP {response.status_code}"
    message = body.get("message") if isinstance(body.get("message"), str) else f"HTTP {response.status_code}"
    errors = body.get("errors")
    if not isinstance(errors, dict):
        return message
    details = [
        (field, str(text))
        for field, texts in errors.items()
        for text in (texts if isinstance(texts, list) else [texts])
    ]
    if [text for _, text in details] == [message]:
        return message  # one error, already the message
    listed = "; ".join(f"{field}: {text}" for field, text in details)
    return f"{message} [{listed}]" if listed else message


T = TypeVar("T")
R = TypeVar("R")


def _slow_down(exc: Exception) -> bool:
    """The vendor refused our key or asked us to slow down: starting more requests cannot help."""
    return isinstance(exc, VendorError) and exc.status_code in (401, 403, 429)


def _map_bounded(
    fn: Callable[[T], R], items: Sequence[T], workers: int, stop_on: Callable[[Exception], bool]
) -> list[R | Exception | None]:
    """``fn`` over ``items`` on at most ``workers`` threads; answers (or exceptions) in input order.

    After an exception that ``stop_on`` accepts, no new call starts (calls in flight finish).
    Items never started answer None.
    """
    if not items:
        return []
    stop = threading.Event()

    def run(item: T) -> R | Exception | None:
        if stop.is_set():
            return None
        try:
            return fn(item)
        except Exception as exc:
            if stop_on(exc):
                stop.set()
            return exc

    with ThreadPoolExecutor(max_workers=min(workers, len(items)), thread_name_prefix="vendor-call") as pool:
        return list(pool.map(run, items))
