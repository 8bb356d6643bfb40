"""HireflixClient: the Hireflix GraphQL API (``POST /me``, header ``X-API-KEY``) behind VendorClient."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from ..base import VendorClient, failed_check
from ..errors import Duplicate, Permanent, Retryable, UnknownOutcome, VendorError
from ..http import VendorHTTP
from ..parsing import map_bounded
from ..types import (
    ConnectionCheck,
    InvitationRef,
    InviteRequest,
    InviteResult,
    MediaItem,
    RemoteAssessment,
    ResultLink,
    StatusUpdate,
    VendorConfig,
)
from . import documents
from .graphql import errors_by_alias, graphql_error, http_error_message
from .statuses import STATES, invite_result, status_update, vendor_status

logger = logging.getLogger("integrations.vendors.hireflix")

DEFAULT_BATCH_SIZE = 100  # candidates per send task
DEFAULT_INVITES_PER_DOCUMENT = 25  # aliased mutations per request (tests/benchmarks measure 25, 50, 100)
DEFAULT_INVITE_IN_FLIGHT = 4  # of one task's documents, this many are sent at once
DEFAULT_PAGE_SIZE = 50  # the document's own example; Hireflix names no maximum
DEFAULT_ALIASES_PER_REQUEST = 10
DEFAULT_SHARE_DAYS = 75  # Hireflix's default, and the least it recommends
# A page that failed is read again where the scan stands: starting over would read every page again.
PAGE_READ_ATTEMPTS = 6
PAGE_RETRY_BACKOFF = 0.25  # seconds, doubled on each attempt up to 2


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _positive_int(value: Any, default: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if number > 0 else default


def _norm_email(email: Any) -> str:
    return str(email or "").strip().lower()


class _Matcher:
    """Finds our invitations among a position's interviews: by interview id, else key, else email.

    Only a ref without an interview id is matched by key or email, and only to a live interview:
    one email has at most one live interview per position.
    """

    def __init__(self, refs: Iterable[InvitationRef]) -> None:
        self.by_id: dict[str, InvitationRef] = {}
        self.by_key: dict[str, InvitationRef] = {}
        self.by_email: dict[str, InvitationRef] = {}
        for ref in refs:
            if ref.remote_id:
                self.by_id[ref.remote_id] = ref
            else:
                self.by_key.setdefault(ref.key, ref)
                self.by_email.setdefault(_norm_email(ref.email), ref)
        self.wanted = {ref.key for ref in (*self.by_id.values(), *self.by_key.values())}
        self.found: set[str] = set()  # keys

    def match(self, interview: Mapping[str, Any]) -> InvitationRef | None:
        ref = self.by_id.get(interview["id"])
        if ref is None and vendor_status(interview) != "deleted":
            ref = self.by_key.get(interview.get("externalId") or "") or self.by_email.get(
                _norm_email((interview.get("candidate") or {}).get("email"))
            )
        if ref is None or ref.key in self.found:
            return None
        self.found.add(ref.key)
        return ref

    def done(self) -> bool:
        return self.found >= self.wanted

    def missing_with_id(self) -> list[InvitationRef]:
        return [ref for ref in self.by_id.values() if ref.key not in self.found]


class HireflixClient(VendorClient):
    vendor = "hireflix"
    label = "Hireflix"
    default_base_url = "https://api.hireflix.com"
    credential_fields = {"api_key": "API key"}
    max_batch_size = DEFAULT_BATCH_SIZE

    def __init__(self, config: VendorConfig, throttle: Callable[[], None] | None = None) -> None:
        super().__init__(config, throttle)
        options = config.options
        self.max_batch_size = _positive_int(options.get("batch_size"), DEFAULT_BATCH_SIZE)
        # A batch goes out as documents of this many aliased mutations, several at once.
        self.invites_per_document = _positive_int(options.get("invites_per_document"), DEFAULT_INVITES_PER_DOCUMENT)
        self.invite_in_flight = _positive_int(options.get("invite_in_flight"), DEFAULT_INVITE_IN_FLIGHT)
        self.page_size = _positive_int(options.get("page_size"), DEFAULT_PAGE_SIZE)
        # How many positions (or interviews by id) one query reads at once, one alias each.
        self.aliases_per_request = _positive_int(options.get("aliases_per_request"), DEFAULT_ALIASES_PER_REQUEST)
        self.share_days = _positive_int(options.get("share_days"), DEFAULT_SHARE_DAYS)
        self.http = VendorHTTP(
            self.vendor,
            config.base_url or self.default_base_url,
            headers={"X-API-KEY": config.credentials.get("api_key", "")},
            error_message=http_error_message,
            throttle=self.throttle,
            pool_size=max(10, self.invite_in_flight),
        )

    # --- transport ----------------------------------------------------------------------------
    def _execute(
        self, query: str, variables: dict[str, Any] | None = None
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """POST one document; return (data, errors). A document that failed as a whole is raised."""
        body: dict[str, Any] = {"query": query}
        if variables:
            body["variables"] = variables
        payload = self.http.post_json("/me", body)
        if not isinstance(payload, dict):
            raise Retryable("Hireflix answered with something that is not a GraphQL response")
        errors = [e for e in payload.get("errors") or [] if isinstance(e, dict)]
        data = payload.get("data")
        if not isinstance(data, dict):
            if errors:
                raise graphql_error(errors)
            raise Retryable("Hireflix answered without data or errors")
        return data, errors

    def _read(self, query: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """A query, or a mutation that is safe to repeat: a lost answer is simply retried."""
        try:
            return self._execute(query)
        except UnknownOutcome as exc:
            raise Retryable(exc.message) from exc

    def _read_page(self, query: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """``_read`` for one page of a scan: a 5xx or a lost answer is read again in place.

        A 429, a refused key or an answer that names a wait is raised: waiting is the task's to do.
        """
        for attempt in range(PAGE_READ_ATTEMPTS - 1):
            try:
                return self._read(query)
            except Retryable as exc:
                if exc.key_refused or exc.retry_after is not None or exc.status_code == 429:
                    raise
                logger.info("hireflix page read failed (%s); reading it again", exc.message)
            time.sleep(min(PAGE_RETRY_BACKOFF * 2**attempt, 2.0))
        return self._read(query)

    def _field(self, query: str, name: str, *, partial: bool = False) -> Any:
        """Run a single-root document and return that root, raising its errors.

        With ``partial`` an error deeper down (one answer's transcript, say) is logged and the
        rest kept; otherwise any error fails the call.
        """
        data, errors = self._read(query)
        value = data.get(name)
        if errors and (value is None or not partial):
            raise graphql_error(errors)
        if value is None:
            raise Permanent(f"Hireflix returned no {name}")
        if errors:
            logger.warning("hireflix %s came back incomplete: %s", name, graphql_error(errors).message)
        return value

    # --- catalog and credentials ------------------------------------------------------------
    def check_credentials(self) -> ConnectionCheck:
        try:
            positions = self._field(documents.CHECK_CREDENTIALS, "positions")
        except Permanent as exc:
            return failed_check(exc)
        return ConnectionCheck(True, f"Connected to Hireflix: {len(positions)} positions")

    def list_assessments(self) -> Iterator[RemoteAssessment]:
        # `positions` is one unpaginated list in the document: one request holds every page.
        for position in self._field(documents.POSITIONS, "positions", partial=True):
            yield RemoteAssessment(
                remote_id=position["id"],
                kind="position",
                name=position.get("name") or position["id"],
                active=not position.get("archived"),
                raw=position,
            )

    # --- listing interviews -------------------------------------------------------------------
    def _scan(
        self, position_ids: Iterable[str], failed: dict[str, VendorError]
    ) -> Iterator[tuple[str, dict[str, Any]]]:
        """Every interview of these positions, as (position_id, interview), several positions per request.

        A position the API refuses (deleted, unknown) lands in ``failed``; the others go on.
        """
        pending: dict[str, str | None] = dict.fromkeys(position_ids)
        while pending:
            batch = list(pending.items())[: self.aliases_per_request]
            aliases = {f"p{n}": item for n, item in enumerate(batch)}
            data, errors = self._read_page(documents.pages_document(aliases, self.page_size))
            alias_errors = errors_by_alias(errors)
            for alias, (position_id, previous) in aliases.items():
                del pending[position_id]
                page = (data.get(alias) or {}).get("paginatedInterviews")
                if page is None:
                    failed[position_id] = graphql_error(alias_errors.get(alias) or errors or [{}])
                    continue
                for interview in page.get("results") or []:
                    yield position_id, interview
                cursor = page.get("lastCursor")
                if cursor and cursor != previous:
                    pending[position_id] = cursor

    def _lookup(self, position_id: str, refs: list[InvitationRef]) -> dict[str, dict[str, Any]]:
        """The live interviews of a position that match these refs, keyed by ref key; stops once all are found."""
        matcher = _Matcher(refs)
        found: dict[str, dict[str, Any]] = {}
        failed: dict[str, VendorError] = {}
        for _position_id, interview in self._scan([position_id], failed):
            ref = matcher.match(interview)
            if ref is not None:
                found[ref.key] = interview
                if matcher.done():
                    break
        if position_id in failed:
            raise failed[position_id]
        return found

    # --- invites ------------------------------------------------------------------------------
    def invite(self, batch: list[InviteRequest]) -> list[InviteResult]:
        """Documents of ``invites_per_document`` aliased mutations, ``invite_in_flight`` at once.

        A document that fails as a whole (a 5xx, a dropped answer) fails its own candidates only;
        a refused key, or a 429 on every document, fails the call. After a 429 no new document starts.
        """
        chunks = list(_chunks(list(batch), self.invites_per_document))
        outcomes = map_bounded(self._invite_chunk, chunks, self.invite_in_flight, stop_on=_slow_down)
        errors = [o for o in outcomes if isinstance(o, Exception)]
        bug = next((e for e in errors if not isinstance(e, VendorError)), None)
        if bug is not None:
            raise bug
        refused = next((e for e in errors if isinstance(e, VendorError) and e.key_refused), None)
        if refused is not None:
            raise refused
        if len(errors) == len(outcomes):
            raise errors[0]  # nothing of the batch went through: the whole call failed
        stopped_by = next((e for e in errors if isinstance(e, VendorError) and _slow_down(e)), None)
        results: list[InviteResult] = []
        for chunk, outcome in zip(chunks, outcomes, strict=True):
            if isinstance(outcome, list):
                results.extend(outcome)
                continue
            if outcome is None:  # never started: nothing was sent
                reason = f"not sent: {stopped_by}" if stopped_by else "not sent"
                retry_after = stopped_by.retry_after if stopped_by else None
                outcome = Retryable(reason, retry_after=retry_after)
            results.extend(InviteResult(key=request.key, error=outcome) for request in chunk)
        return results

    def _invite_chunk(self, batch: list[InviteRequest]) -> list[InviteResult]:
        variables = {f"c{n}": _invite_input(request) for n, request in enumerate(batch)}
        # Not _read: a lost answer to a mutation must surface as UnknownOutcome.
        data, errors = self._execute(documents.invite_document(len(batch)), variables)
        alias_errors = errors_by_alias(errors)
        results: dict[int, InviteResult] = {}
        duplicates: dict[int, Duplicate] = {}
        for n, request in enumerate(batch):
            alias = f"c{n}"
            outcome: dict[str, Any] = data.get(alias) or {}
            if alias_errors.get(alias):
                error = graphql_error(alias_errors[alias])
                if isinstance(error, Duplicate):  # the legacy shape of "already invited"
                    duplicates[n] = error
                else:
                    results[n] = InviteResult(key=request.key, error=error)
                continue
            kind = outcome.get("__typename")
            if kind == "InterviewType":
                results[n] = invite_result(request.key, outcome)
            elif kind == "InterviewAlreadyExistsInPositionError":
                duplicates[n] = Duplicate(outcome.get("message") or "already invited", vendor_code=outcome.get("code"))
            elif kind == "ExceededInvitesThisPeriodError":
                error = Permanent(outcome.get("message") or "invites quota exceeded", vendor_code=outcome.get("code"))
                results[n] = InviteResult(key=request.key, error=error, raw=dict(outcome))
            else:
                error = Retryable(f"Hireflix gave no answer for this candidate ({kind or 'null'})")
                results[n] = InviteResult(key=request.key, error=error)
        results.update(self._adopt(batch, duplicates))
        return [results[n] for n in range(len(batch))]

    def _adopt(self, batch: list[InviteRequest], duplicates: dict[int, Duplicate]) -> dict[int, InviteResult]:
        """Already invited: look up the existing interviews, one scan per position."""
        adopted: dict[int, InviteResult] = {}
        by_position: dict[str, list[int]] = {}
        for n in duplicates:
            by_position.setdefault(batch[n].assessment_id, []).append(n)
        for position_id, indexes in by_position.items():
            try:
                # The existing interview may carry another key (or none): the email finds it.
                refs = [_as_ref(batch[n]) for n in indexes]
                found = self._lookup(position_id, refs)
            except VendorError as exc:
                for n in indexes:
                    adopted[n] = InviteResult(key=batch[n].key, error=exc)
                continue
            for n, ref in zip(indexes, refs, strict=True):
                interview = found.get(ref.key)
                if interview is None:
                    adopted[n] = InviteResult(key=batch[n].key, error=duplicates[n])
                else:
                    adopted[n] = invite_result(batch[n].key, interview, duplicate=True)
        return adopted

    def reconcile(self, request: InviteRequest) -> InviteResult | None:
        answer = self.reconcile_many([request])[0]
        if isinstance(answer, VendorError):
            raise answer
        return answer

    def reconcile_many(self, requests: list[InviteRequest]) -> list[InviteResult | VendorError | None]:
        """One scan of each position for all of its requests, not one scan per request."""
        by_position: dict[str, list[int]] = {}
        for n, request in enumerate(requests):
            by_position.setdefault(request.assessment_id, []).append(n)
        answers: list[InviteResult | VendorError | None] = [None] * len(requests)
        for position_id, indexes in by_position.items():
            try:
                found = self._lookup(position_id, [_as_ref(requests[n]) for n in indexes])
            except VendorError as exc:
                for n in indexes:
                    answers[n] = exc
                continue
            for n in indexes:
                request = requests[n]
                interview = found.get(request.key)
                if interview is not None:
                    duplicate = interview.get("externalId") != request.key
                    answers[n] = invite_result(request.key, interview, duplicate=duplicate)
        return answers

    # --- status -------------------------------------------------------------------------------
    def fetch_statuses(self, refs: Iterable[InvitationRef], since: datetime | None = None) -> Iterator[StatusUpdate]:
        """Read each position's interviews page by page (several positions per request).

        Hireflix has no "changed since" filter, so ``since`` is not used: every current status is
        reported and the state machine ignores what would move an invitation backwards.
        """
        by_position: dict[str, list[InvitationRef]] = {}
        for ref in refs:
            by_position.setdefault(ref.assessment_id, []).append(ref)
        matchers = {position_id: _Matcher(group) for position_id, group in by_position.items()}
        failed: dict[str, VendorError] = {}
        for position_id, interview in self._scan(list(by_position), failed):
            matched = matchers[position_id].match(interview)
            if matched is None:
                continue
            update = self._polled(interview, position_id, matched)
            if update is not None:
                yield update
        for position_id, error in failed.items():
            logger.warning("hireflix position %s could not be read: %s", position_id, error.message)
        # Gone from the listing (or the position could not be read): ask for those interviews by id.
        yield from self._confirm_missing([ref for matcher in matchers.values() for ref in matcher.missing_with_id()])

    def _polled(self, interview: Mapping[str, Any], position_id: str, ref: InvitationRef) -> StatusUpdate | None:
        status = vendor_status(interview)
        if status not in STATES:
            logger.warning("hireflix interview %s has an unknown status %r", interview.get("id"), status)
            return None
        return status_update(interview, status, position_id=position_id, key=ref.key)

    def _confirm_missing(self, refs: list[InvitationRef]) -> Iterator[StatusUpdate]:
        """Interviews gone from their position's listing: read them by id; those not found were deleted."""
        for chunk in _chunks(refs, self.aliases_per_request):
            aliases = {f"i{n}": ref.remote_id for n, ref in enumerate(chunk)}
            data, errors = self._read_page(documents.interviews_document(aliases))
            alias_errors = errors_by_alias(errors)
            for alias, ref in zip(aliases, chunk, strict=True):
                interview = data.get(alias)
                if interview is not None:
                    update = self._polled(interview, ref.assessment_id, ref)
                    if update is not None:
                        yield update
                    continue
                error = graphql_error(alias_errors.get(alias) or errors or [{}])
                if error.vendor_code != 404:
                    logger.warning("hireflix interview %s could not be read: %s", ref.remote_id, error.message)
                    continue
                yield StatusUpdate(
                    state=STATES["deleted"],
                    vendor_status="deleted",
                    remote_id=ref.remote_id,
                    key=ref.key,
                    email=ref.email,
                    assessment_id=ref.assessment_id,
                    details={"interview_id": ref.remote_id, "position_id": ref.assessment_id},
                )

    # --- on demand ----------------------------------------------------------------------------
    def _interview_id(self, ref: InvitationRef) -> str:
        if ref.remote_id:
            return ref.remote_id
        interview = self._lookup(ref.assessment_id, [ref]).get(ref.key)
        if interview is None:
            raise Permanent(f"Hireflix has no interview for {ref.email} in position {ref.assessment_id}")
        return interview["id"]

    def result_links(self, ref: InvitationRef) -> list[ResultLink]:
        """A new shareable link on every call (a repeated share only makes another link)."""
        days = self.share_days
        query = documents.SHARE % (documents.literal(self._interview_id(ref)), days)
        share = self._field(query, "Interview").get("share") or {}
        url = (share.get("externalLink") or {}).get("url")
        if not url:
            raise Retryable("Hireflix returned no shareable link")
        expires_at = datetime.now(tz=UTC) + timedelta(days=days)
        return [ResultLink(label="Hireflix shared interview", url=url, expires_at=expires_at)]

    def media(self, ref: InvitationRef) -> list[MediaItem]:
        """Answers with freshly pre-signed video URLs; questions not answered are left out."""
        interview = self._field(documents.MEDIA % documents.literal(self._interview_id(ref)), "interview", partial=True)
        items: list[MediaItem] = []
        for question in interview.get("questions") or []:
            answer = question.get("answer")
            if not answer or not answer.get("url"):
                continue
            transcription = answer.get("transcription") or {}
            duration = (answer.get("meta") or {}).get("duration")
            items.append(
                MediaItem(
                    question=question.get("title") or "",
                    video_url=answer["url"],
                    # Hireflix has one thumbnail per interview: show it with the first answer.
                    thumbnail_url="" if items else interview.get("thumbnail") or "",
                    duration_seconds=float(duration) if duration is not None else None,
                    transcript=transcription.get("text") or "",
                    transcript_language=transcription.get("languageCode") or "",
                )
            )
        return items

    @classmethod
    def can_cancel(cls, kind: str) -> bool:
        return True  # Interview(id){ delete } is the documented way to void one

    @classmethod
    def reminder_refusal(cls, kind: str) -> str:
        return (
            "Hireflix emails its own reminders to candidates who have not answered yet; "
            "there is nothing to send from here."
        )

    def cancel(self, ref: InvitationRef) -> None:
        self.delete_for_reinvite(ref)

    def void_before_reinvite(self, ref: InvitationRef) -> str:
        # One email can be invited once per position (002, "Can I re-invite a candidate").
        self.delete_for_reinvite(ref)
        return "Deleted at Hireflix, which invites an email once per position, so that it can be invited again."

    def delete_for_reinvite(self, ref: InvitationRef) -> None:
        """Delete the interview so the same email can be invited to the position again."""
        interview_id = ref.remote_id
        if not interview_id:
            interview = self._lookup(ref.assessment_id, [ref]).get(ref.key)
            if interview is None:
                return  # nothing to delete
            interview_id = interview["id"]
        try:
            self._field(documents.DELETE % documents.literal(interview_id), "Interview")
        except Permanent as exc:
            if exc.vendor_code != 404:
                raise  # 404: already gone


def _invite_input(request: InviteRequest) -> dict[str, Any]:
    candidate = {"email": request.email, "firstName": request.first_name, "lastName": request.last_name}
    if request.phone:
        candidate["phone"] = request.phone
    return {"positionId": request.assessment_id, "candidate": candidate, "externalId": request.key}


def _as_ref(request: InviteRequest) -> InvitationRef:
    return InvitationRef(
        key=request.key,
        assessment_id=request.assessment_id,
        email=request.email,
        assessment_kind=request.assessment_kind,
    )


def _slow_down(exc: Exception) -> bool:
    """Hireflix refused our key or asked us to slow down: starting more documents cannot help."""
    return isinstance(exc, VendorError) and (exc.key_refused or exc.status_code == 429)
