"""Merge unified ATS API: the company's own ATS (Greenhouse, Lever, ...) behind one REST API.

Merge is not an assessment vendor, so this client does not implement ``VendorClient``; it pulls
ScheduledInterviews and the records they point at, and pushes new interviews where the linked
ATS accepts them. All HTTP goes through ``VendorHTTP`` (with the link's throttle) and raises the
shared error taxonomy.

Auth is two headers: ``Authorization: Bearer <api_key>`` (our Merge key) and
``X-Account-Token: <account_token>`` (one company's linked ATS).

Field support differs per ATS (Lever has no interview status nor remote_updated_at, for one): a
field Merge leaves out stays None on the dataclasses below, never an error. Which fields a POST
needs is read from ``GET /interviews/meta/post``; ``build_interview_payload`` keeps to it.

ScheduledInterview.status is SCHEDULED, AWAITING_FEEDBACK or COMPLETE, or the ATS's own value
where Merge has no clear mapping; it is passed through unchanged.

Incremental pulls: lists page newest-first with opaque cursors and filter on ``modified_after``
(objects Merge synced after that moment). ``sync_interviews`` yields each page with the
``SyncPosition`` to save once the page is processed; after a crash the pull resumes from the
saved cursor. When a pull reaches its last page, the next watermark is the server time (HTTP
``Date``) of the pull's first page minus an overlap, so nothing changed while the pull ran is
missed; a few records seen twice are expected, the caller upserts by id.

Merge has no idempotency key for writes: after an UnknownOutcome on ``create_interview``,
``find_created_interview`` looks the interview up by application, stage and start time.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, ClassVar, Generic, Self, TypeVar
from urllib.parse import quote

import requests

from ..vendors.base import failed_check
from ..vendors.errors import Permanent
from ..vendors.http import VendorHTTP, json_of
from ..vendors.parsing import iso_z, json_body
from ..vendors.parsing import parse_datetime as _parse_iso
from ..vendors.types import ConnectionCheck

DEFAULT_BASE_URL = "https://api.merge.dev/api/ats/v1"
DEFAULT_PAGE_SIZE = 100  # Merge's default and maximum
NORMALIZED_STATUSES = ("SCHEDULED", "AWAITING_FEEDBACK", "COMPLETE")
# Re-read this much before the last pull's start: covers clock skew and the Date header's whole seconds.
WATERMARK_OVERLAP = timedelta(minutes=1)


# --- the common models --------------------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class MergeObject:
    """Fields every Merge common model carries. Anything Merge leaves out stays None."""

    id: str
    remote_id: str | None = None
    remote_was_deleted: bool | None = None
    created_at: datetime | None = None
    modified_at: datetime | None = None
    field_mappings: dict[str, Any] | None = field(default=None, repr=False)
    remote_data: list[dict[str, Any]] | None = field(default=None, repr=False)
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    # field name -> the model its ids point at, for values Merge expanded into objects
    related: ClassVar[Mapping[str, str]] = {}

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            if f.name in data and f.name != "raw":
                values[f.name] = _convert(cls, f.name, data[f.name])
        return cls(**values, raw=dict(data))


@dataclass(frozen=True, kw_only=True)
class User(MergeObject):
    """A RemoteUser: someone with an account in the ATS (organizer, interviewer, recruiter)."""

    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    disabled: bool | None = None
    remote_created_at: datetime | None = None
    access_role: str | None = None


@dataclass(frozen=True, kw_only=True)
class Job(MergeObject):
    name: str | None = None
    description: str | None = None
    code: str | None = None
    status: str | None = None
    type: str | None = None
    job_postings: tuple[Any, ...] | None = None
    job_posting_urls: tuple[Any, ...] | None = None
    remote_created_at: datetime | None = None
    remote_updated_at: datetime | None = None
    confidential: bool | None = None
    departments: tuple[Any, ...] | None = None
    offices: tuple[Any, ...] | None = None
    hiring_managers: tuple[str | User, ...] | None = None
    recruiters: tuple[str | User, ...] | None = None

    related: ClassVar[Mapping[str, str]] = {"hiring_managers": "User", "recruiters": "User"}


@dataclass(frozen=True, kw_only=True)
class JobInterviewStage(MergeObject):
    name: str | None = None
    job: str | Job | None = None
    stage_order: int | None = None

    related: ClassVar[Mapping[str, str]] = {"job": "Job"}


@dataclass(frozen=True)
class EmailAddress:
    value: str
    email_address_type: str | None = None


@dataclass(frozen=True)
class PhoneNumber:
    value: str
    phone_number_type: str | None = None


@dataclass(frozen=True, kw_only=True)
class Candidate(MergeObject):
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    title: str | None = None
    remote_created_at: datetime | None = None
    remote_updated_at: datetime | None = None
    last_interaction_at: datetime | None = None
    is_private: bool | None = None
    can_email: bool | None = None
    locations: tuple[str, ...] | None = None
    phone_numbers: tuple[PhoneNumber, ...] | None = None
    email_addresses: tuple[EmailAddress, ...] | None = None
    urls: tuple[Any, ...] | None = None
    tags: tuple[str, ...] | None = None
    applications: tuple[str | Application, ...] | None = None
    attachments: tuple[Any, ...] | None = None

    related: ClassVar[Mapping[str, str]] = {"applications": "Application"}

    @property
    def emails(self) -> tuple[str, ...]:
        return tuple(e.value for e in self.email_addresses or ())


@dataclass(frozen=True, kw_only=True)
class Application(MergeObject):
    candidate: str | Candidate | None = None
    job: str | Job | None = None
    applied_at: datetime | None = None
    rejected_at: datetime | None = None
    offers: tuple[Any, ...] | None = None
    source: str | None = None
    credited_to: str | User | None = None
    screening_question_answers: tuple[Any, ...] | None = None
    current_stage: str | JobInterviewStage | None = None
    reject_reason: str | None = None

    related: ClassVar[Mapping[str, str]] = {
        "candidate": "Candidate",
        "job": "Job",
        "credited_to": "User",
        "current_stage": "JobInterviewStage",
    }


@dataclass(frozen=True)
class MergeProblem:
    """One of Merge's write problems (``warnings`` / ``errors`` of a POST answer)."""

    detail: str
    title: str = ""
    problem_type: str = ""
    pointer: str | None = None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> MergeProblem:
        source = data.get("source") or {}
        return cls(
            detail=str(data.get("detail") or data.get("title") or ""),
            title=str(data.get("title") or ""),
            problem_type=str(data.get("problem_type") or ""),
            pointer=source.get("pointer") if isinstance(source, Mapping) else None,
        )


@dataclass(frozen=True, kw_only=True)
class ScheduledInterview(MergeObject):
    application: str | Application | None = None
    job_interview_stage: str | JobInterviewStage | None = None
    organizer: str | User | None = None
    interviewers: tuple[str | User, ...] | None = None
    location: str | None = None
    start_at: datetime | None = None
    end_at: datetime | None = None
    remote_created_at: datetime | None = None
    remote_updated_at: datetime | None = None
    status: str | None = None  # one of NORMALIZED_STATUSES, or the ATS's own value
    # Only on the answer to create_interview: what Merge accepted but had something to say about.
    warnings: tuple[MergeProblem, ...] = ()

    related: ClassVar[Mapping[str, str]] = {
        "application": "Application",
        "job_interview_stage": "JobInterviewStage",
        "organizer": "User",
        "interviewers": "User",
    }

    @property
    def application_id(self) -> str | None:
        return _ref_id(self.application)

    @property
    def job_interview_stage_id(self) -> str | None:
        return _ref_id(self.job_interview_stage)

    @property
    def organizer_id(self) -> str | None:
        return _ref_id(self.organizer)

    @property
    def interviewer_ids(self) -> tuple[str, ...] | None:
        if self.interviewers is None:
            return None
        return tuple(i for i in map(_ref_id, self.interviewers) if i)


MODELS: dict[str, type[MergeObject]] = {
    cls.__name__: cls for cls in (User, Job, JobInterviewStage, Candidate, Application, ScheduledInterview)
}
# Annotations are strings here (postponed evaluation): "datetime | None" marks a timestamp.
_DATETIME_FIELDS = frozenset(
    f.name for cls in MODELS.values() for f in dataclasses.fields(cls) if str(f.type).startswith("datetime")
)
_NESTED: dict[str, type[EmailAddress] | type[PhoneNumber]] = {
    "email_addresses": EmailAddress,
    "phone_numbers": PhoneNumber,
}

M = TypeVar("M", bound=MergeObject)


def _convert(cls: type[MergeObject], name: str, value: Any) -> Any:
    if value is None:
        return None
    if name in _DATETIME_FIELDS:
        return parse_datetime(value)
    if name in cls.related:
        target = MODELS[cls.related[name]]
        if isinstance(value, list):
            return tuple(target.from_api(v) if isinstance(v, Mapping) else v for v in value)
        return target.from_api(value) if isinstance(value, Mapping) else value
    if name in _NESTED and isinstance(value, list):
        nested = _NESTED[name]
        known = {f.name for f in dataclasses.fields(nested)}
        return tuple(
            nested(**{k: v for k, v in item.items() if k in known})
            for item in value
            if isinstance(item, Mapping) and item.get("value")
        )
    if isinstance(value, list) and name != "remote_data":
        return tuple(value)
    return value


def _ref_id(value: str | MergeObject | None) -> str | None:
    return value.id if isinstance(value, MergeObject) else value


parse_datetime = _parse_iso
format_datetime = iso_z


# --- pages and incremental pulls ------------------------------------------------------------------------
@dataclass(frozen=True)
class Page(Generic[M]):
    """One page of a list. ``cursor`` fetched it (None: the first page); ``next_cursor`` fetches the next."""

    results: tuple[M, ...]
    next_cursor: str | None
    previous_cursor: str | None = None
    cursor: str | None = None
    server_time: datetime | None = None  # the answer's HTTP Date

    def __iter__(self) -> Iterator[M]:
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)

    @property
    def latest_modified_at(self) -> datetime | None:
        return max((r.modified_at for r in self.results if r.modified_at), default=None)


@dataclass(frozen=True)
class SyncPosition:
    """Where an incremental pull stands. Save it after each processed page; resume from it after a crash.

    ``watermark`` is the modified_after of the pull under way (None: everything); ``cursor`` is its
    next page (None: its first). ``pull_started_at`` and ``high_water`` become the next watermark.
    """

    watermark: datetime | None = None
    cursor: str | None = None
    pull_started_at: datetime | None = None
    high_water: datetime | None = None

    def after(self, page: Page[Any], overlap: timedelta = WATERMARK_OVERLAP) -> SyncPosition:
        started = self.pull_started_at
        if self.cursor is None and page.server_time is not None:  # the first page of this pull
            started = page.server_time - overlap
        high_water = _latest(self.high_water, page.latest_modified_at)
        if page.next_cursor:
            return SyncPosition(self.watermark, page.next_cursor, started, high_water)
        # Done: next time, ask for what changed since this pull began (or, without a Date header,
        # since the newest change it saw); never move the watermark backwards.
        return SyncPosition(_latest(self.watermark, started or high_water))


def _latest(*moments: datetime | None) -> datetime | None:
    return max((m for m in moments if m is not None), default=None)


# --- POST metadata ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PostField:
    name: str
    required: bool
    type: str | None = None
    format: str | None = None
    enum: tuple[str, ...] | None = None
    description: str = ""


@dataclass(frozen=True)
class InterviewPostMeta:
    """What ``POST /interviews`` takes in this linked ATS, from ``GET /interviews/meta/post``."""

    fields: Mapping[str, PostField]
    remote_user_id_required: bool
    linked_account_status: str | None
    can_make_request: bool
    has_conditional_params: bool
    has_required_linked_account_params: bool
    remote_field_classes: dict[str, Any] = field(default_factory=dict, repr=False)
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def required_fields(self) -> tuple[str, ...]:
        return tuple(name for name, f in self.fields.items() if f.required)

    @property
    def available_fields(self) -> tuple[str, ...]:
        return tuple(self.fields)

    @property
    def supports_create(self) -> bool:
        return bool(self.fields) and self.can_make_request

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> InterviewPostMeta:
        schema = _mapping(data.get("request_schema"))
        properties = _mapping(schema.get("properties"))
        model = _mapping(properties.get("model"))
        required = set(model.get("required") or ())
        fields_ = {
            name: PostField(
                name=name,
                required=name in required,
                type=spec.get("type"),
                format=spec.get("format"),
                enum=tuple(spec["enum"]) if spec.get("enum") else None,
                description=str(spec.get("description") or ""),
            )
            for name, spec in _mapping(model.get("properties")).items()
            if isinstance(spec, Mapping)
        }
        # A required field the schema does not describe is still required.
        for name in sorted(required - set(fields_)):
            fields_[name] = PostField(name=name, required=True)
        status = _mapping(data.get("status"))
        return cls(
            fields=fields_,
            remote_user_id_required="remote_user_id" in (schema.get("required") or ()),
            linked_account_status=status.get("linked_account_status"),
            can_make_request=bool(status.get("can_make_request", True)),
            has_conditional_params=bool(data.get("has_conditional_params")),
            has_required_linked_account_params=bool(data.get("has_required_linked_account_params")),
            remote_field_classes=dict(_mapping(data.get("remote_field_classes"))),
            raw=dict(data),
        )


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def build_interview_payload(
    meta: InterviewPostMeta,
    application_id: str | None,
    stage_id: str | None,
    organizer_id: str | None = None,
    interviewers: Iterable[str] | None = None,
    start_at: datetime | None = None,
    end_at: datetime | None = None,
    status: str | None = None,
    location: str | None = None,
) -> dict[str, Any]:
    """The ``model`` of a POST /interviews with exactly the fields this ATS accepts.

    Values for fields the ATS does not take are dropped; a field it requires with no value
    raises Permanent naming the field.
    """
    if not meta.supports_create:
        raise Permanent("This linked ATS does not accept new ScheduledInterviews through Merge.")
    values: dict[str, Any] = {
        "application": application_id,
        "job_interview_stage": stage_id,
        "organizer": organizer_id,
        "interviewers": list(interviewers or ()),
        "start_at": format_datetime(start_at) if start_at else None,
        "end_at": format_datetime(end_at) if end_at else None,
        "status": status,
        "location": location,
    }
    model: dict[str, Any] = {}
    for name, spec in meta.fields.items():
        value = values.get(name)
        if value in (None, "", []):
            if spec.required:
                raise Permanent(f"The linked ATS requires {name!r} for a new ScheduledInterview, but it has no value.")
            continue
        if spec.enum and value not in spec.enum:
            raise Permanent(f"{name} must be one of {', '.join(spec.enum)} in this ATS, not {value!r}.")
        model[name] = value
    return model


# --- errors ------------------------------------------------------------------------------------------------
def merge_error_message(response: requests.Response) -> str:
    """Merge's own words: the POST problems' details, ``detail``, or per-field validation messages."""
    body = json_body(response)
    if isinstance(body, Mapping):
        problems = body.get("errors")
        if isinstance(problems, list) and problems:
            return "; ".join(MergeProblem.from_api(p).detail for p in problems if isinstance(p, Mapping))
        if isinstance(body.get("detail"), str):
            return body["detail"]
        fields_ = [f"{k}: {' '.join(map(str, v)) if isinstance(v, list) else v}" for k, v in body.items()]
        if fields_:
            return "; ".join(fields_)
    return f"Merge answered HTTP {response.status_code}"


# --- the client --------------------------------------------------------------------------------------------
_LISTS = {ScheduledInterview: "/interviews", JobInterviewStage: "/job-interview-stages"}


class MergeClient:
    vendor = "merge"
    label = "Merge"
    default_base_url = DEFAULT_BASE_URL
    credential_fields = {"api_key": "Merge API key", "account_token": "Linked account token"}

    def __init__(
        self,
        base_url: str | None,
        api_key: str,
        account_token: str,
        throttle: Callable[[], None] | None = None,
    ) -> None:
        self.throttle = throttle
        self.http = VendorHTTP(
            self.vendor,
            base_url or self.default_base_url,
            headers={"Authorization": f"Bearer {api_key}", "X-Account-Token": account_token},
            error_message=merge_error_message,
            throttle=throttle,
        )

    def __repr__(self) -> str:
        return f"<MergeClient {self.http.base_url}>"

    def check_credentials(self) -> ConnectionCheck:
        """One cheap list call; a refused key or token is reported, not raised."""
        try:
            self.http.get_json("/interviews", params={"page_size": 1})
        except Permanent as exc:
            return failed_check(exc)
        return ConnectionCheck(True, "Merge accepted the API key and the linked account token.")

    # --- interviews ----------------------------------------------------------------------------
    def list_interviews_page(
        self,
        *,
        modified_after: datetime | None = None,
        cursor: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        include_deleted: bool = False,
        include_remote_data: bool = False,
        expand: Iterable[str] = (),
        **filters: Any,
    ) -> Page[ScheduledInterview]:
        """One page. ``filters``: application_id, job_interview_stage_id, organizer_id, remote_id,
        created_after, created_before, modified_before (datetimes are formatted for Merge)."""
        return self._page(
            ScheduledInterview,
            cursor,
            modified_after=modified_after,
            page_size=page_size,
            include_deleted_data=include_deleted,
            include_remote_data=include_remote_data,
            expand=expand,
            **filters,
        )

    def iter_interview_pages(self, *, cursor: str | None = None, **query: Any) -> Iterator[Page[ScheduledInterview]]:
        """Every page from ``cursor`` on; save ``page.next_cursor`` once a page is processed."""
        return self._pages(self.list_interviews_page, cursor, query)

    def iter_interviews(
        self, *, cursor: str | None = None, **query: Any
    ) -> Iterator[tuple[ScheduledInterview, str | None]]:
        """Each interview with the cursor of its page: resuming from it re-reads at most one page."""
        for page in self.iter_interview_pages(cursor=cursor, **query):
            for interview in page:
                yield interview, page.cursor

    def sync_interviews(
        self,
        position: SyncPosition | None = None,
        *,
        page_size: int = DEFAULT_PAGE_SIZE,
        include_deleted: bool = True,
        **query: Any,
    ) -> Iterator[tuple[Page[ScheduledInterview], SyncPosition]]:
        """An incremental pull from a saved position: each page with the position to save after it.

        Deleted interviews are included by default so that the caller learns of deletions.
        """
        position = position or SyncPosition()
        pages = self.iter_interview_pages(
            cursor=position.cursor,
            modified_after=position.watermark,
            page_size=page_size,
            include_deleted=include_deleted,
            **query,
        )
        for page in pages:
            position = position.after(page)
            yield page, position

    def get_interview(
        self, interview_id: str, *, expand: Iterable[str] = (), include_remote_data: bool = False
    ) -> ScheduledInterview:
        params = _query(expand=expand, include_remote_data=include_remote_data)
        data = self.http.get_json(f"/interviews/{_segment(interview_id)}", params=params)
        return ScheduledInterview.from_api(data)

    def interview_post_meta(self) -> InterviewPostMeta:
        return InterviewPostMeta.from_api(self.http.get_json("/interviews/meta/post"))

    def create_interview(self, model: Mapping[str, Any], remote_user_id: str) -> ScheduledInterview:
        """POST /interviews. Refusals raise Permanent with Merge's problem details joined.

        Not idempotent: after UnknownOutcome call ``find_created_interview(model)`` before retrying.
        """
        body = self.http.post_json("/interviews", {"model": dict(model), "remote_user_id": remote_user_id})
        body = _mapping(body)
        problems = [MergeProblem.from_api(p) for p in body.get("errors") or () if isinstance(p, Mapping)]
        warnings = [MergeProblem.from_api(p) for p in body.get("warnings") or () if isinstance(p, Mapping)]
        created = body.get("model")
        if not isinstance(created, Mapping) or not created.get("id"):
            message = "; ".join(p.detail for p in problems) or "Merge answered without the created interview"
            raise Permanent(message, payload=body)
        interview = ScheduledInterview.from_api(created)
        return dataclasses.replace(interview, warnings=(*warnings, *problems))

    def find_created_interview(self, model: Mapping[str, Any]) -> ScheduledInterview | None:
        """The interview a create with this model produced, if Merge has it (same application, stage, times)."""
        start_at = parse_datetime(model.get("start_at"))
        end_at = parse_datetime(model.get("end_at"))
        filters = {
            "application_id": model.get("application"),
            "job_interview_stage_id": model.get("job_interview_stage"),
        }
        for interview, _ in self.iter_interviews(**{k: v for k, v in filters.items() if v}):
            if interview.start_at == start_at and (end_at is None or interview.end_at == end_at):
                return interview
        return None

    # --- the models interviews refer to ----------------------------------------------------------
    def list_job_interview_stages_page(self, *, cursor: str | None = None, **query: Any) -> Page[JobInterviewStage]:
        return self._page(JobInterviewStage, cursor, **query)

    def iter_job_interview_stage_pages(
        self, *, cursor: str | None = None, **query: Any
    ) -> Iterator[Page[JobInterviewStage]]:
        return self._pages(self.list_job_interview_stages_page, cursor, query)

    def get_application(self, application_id: str) -> Application:
        return Application.from_api(self.http.get_json(f"/applications/{_segment(application_id)}"))

    def get_candidate(self, candidate_id: str) -> Candidate:
        return Candidate.from_api(self.http.get_json(f"/candidates/{_segment(candidate_id)}"))

    # --- paging ------------------------------------------------------------------------------------
    def _page(self, model: type[M], cursor: str | None, **query: Any) -> Page[M]:
        """One page of a list. Query keys are Merge's parameters; ``include_deleted`` is accepted as
        the short name of include_deleted_data, and ``page_size`` defaults to Merge's maximum."""
        if "include_deleted" in query:
            query["include_deleted_data"] = query.pop("include_deleted")
        query.setdefault("page_size", DEFAULT_PAGE_SIZE)
        response = self.http.request("GET", _LISTS[model], params=_query(cursor=cursor, **query))
        body = _mapping(json_of(response, self.vendor))
        return Page(
            results=tuple(model.from_api(r) for r in body.get("results") or () if isinstance(r, Mapping)),
            next_cursor=body.get("next") or None,
            previous_cursor=body.get("previous") or None,
            cursor=cursor,
            server_time=_http_date(response.headers.get("Date")),
        )

    @staticmethod
    def _pages(list_page: Callable[..., Page[M]], cursor: str | None, query: dict[str, Any]) -> Iterator[Page[M]]:
        while True:
            page = list_page(cursor=cursor, **query)
            yield page
            if not page.next_cursor:
                return
            cursor = page.next_cursor


def _query(**params: Any) -> dict[str, str]:
    """Merge query parameters: None and False/empty left out, datetimes in ISO 8601, lists comma-joined."""
    out: dict[str, str] = {}
    for name, value in params.items():
        if value is None or value is False or value == "":
            continue
        if isinstance(value, datetime):
            out[name] = format_datetime(value)
        elif value is True:
            out[name] = "true"
        elif isinstance(value, str):
            out[name] = value
        elif isinstance(value, Iterable):
            if joined := ",".join(value):
                out[name] = joined
        else:
            out[name] = str(value)
    return out


def _segment(object_id: str) -> str:
    return quote(str(object_id), safe="")


def _http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).astimezone(UTC)
    except (TypeError, ValueError):
        return None
