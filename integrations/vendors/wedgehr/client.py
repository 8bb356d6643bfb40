"""WedgeHRClient: the WedgeHR Connect API v2 behind VendorClient (see the package docstring)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import requests

from integrations.states import InvitationState

from ..base import VendorClient, failed_check, missing_keys
from ..errors import Permanent, Retryable, VendorError
from ..http import VendorHTTP
from ..parsing import json_body, map_bounded, parse_datetime
from ..types import (
    ConnectionCheck,
    InvitationRef,
    InviteRequest,
    InviteResult,
    RemoteAssessment,
    ResultLink,
    StatusUpdate,
    VendorConfig,
)
from .statuses import FINISHED_STATUSES, status_label, status_update, unified_state

API_PATH = "/connect/v2"
PAGE_SIZE = 100  # the documented maximum
# An invite created this long before our request was there already; less could be clock skew.
CLOCK_SKEW = timedelta(minutes=1)
# WedgeHR documents no rate limit: a batch's POSTs go out this many at once (half a batch), and a 429
# slows the key down for every worker (integrations.ratelimit).
DEFAULT_CONCURRENCY = 25


class WedgeHRClient(VendorClient):
    vendor = "wedgehr"
    label = "WedgeHR"
    default_base_url = "https://api.wedgehr.com"
    credential_fields = {"api_token": "API token"}
    max_batch_size = 50

    def __init__(self, config: VendorConfig, throttle: Callable[[], None] | None = None) -> None:
        super().__init__(config, throttle)
        # One POST per candidate: this many run at once, through the one pooled session.
        self.concurrency = max(1, int(config.options.get("concurrency", DEFAULT_CONCURRENCY)))
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
            return missing_keys("No API token is set.")
        try:
            self.http.get_json("/interviews", params={"page[size]": 1})
        except Permanent as exc:
            return failed_check(exc)
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
        outcomes = map_bounded(self._invite_one, batch, self.concurrency, stop_on=_slow_down)
        auth = [o for o in outcomes if isinstance(o, Permanent) and o.status_code in (401, 403)]
        if auth:
            raise auth[0]
        stopped_by = next((o for o in outcomes if isinstance(o, VendorError) and _slow_down(o)), None)
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
        created = parse_datetime(invite.get("createdAt"))
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
            vendor_status=status_label(invite.get("status")),
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
                found = wanted.get(str(invite.get("uniqueId") or "")) or by_invite_id.get(str(invite.get("id")))
                if found is None or found.key not in wanted:
                    continue
                del wanted[found.key]
                update = status_update(found, invite)
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
                ResultLink("Candidate's interview link", invite["inviteUrl"], parse_datetime(invite.get("expiresAt")))
            )
        return links

    @classmethod
    def reminder_refusal(cls, kind: str) -> str:
        return ""  # POST /wedges/:id/resend-invite

    def resend(self, ref: InvitationRef) -> None:
        # The invite does not name its wedge: find the candidate's wedge that holds it.
        for wedge in self._pages("/wedges", {"filter[email]": ref.email}, empty_on_404=True):
            invite = next((i for i in wedge.get("invites") or [] if _is_ref(ref, i)), None)
            if invite is None:
                continue
            status = status_label(invite.get("status"))
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


def _error_message(response: requests.Response) -> str:
    """WedgeHR's (Laravel) error body: ``message``, plus the per-field ``errors`` of a 422."""
    body = json_body(response)
    if not isinstance(body, dict):
        return f"WedgeHR answered HTTP {response.status_code}"
    message = str(body["message"]) if isinstance(body.get("message"), str) else f"HTTP {response.status_code}"
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


def _slow_down(exc: Exception) -> bool:
    """The vendor refused our key or asked us to slow down: starting more requests cannot help."""
    return isinstance(exc, VendorError) and exc.status_code in (401, 403, 429)
