"""The simulator's records and how each renders in the documented response shapes."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from .common import humanize_minutes, iso

# Assignment statuses, as the results filter names them.
INVITE_FAILED = "INVITE_FAILED"
EVALUATION_PENDING = "EVALUATION_PENDING"
CANDIDATE_SHORTLISTED = "CANDIDATE_SHORTLISTED"
INTERVIEW_ENDED = "INTERVIEW_ENDED"
INTERVIEW_EXPIRED = "INTERVIEW_EXPIRED"
INVITATION_SENT = "INVITATION_SENT"
INTERVIEW_STARTED = "INTERVIEW_STARTED"
ASSIGNMENT_STATUSES = (
    INVITE_FAILED,
    EVALUATION_PENDING,
    CANDIDATE_SHORTLISTED,
    INTERVIEW_ENDED,
    INTERVIEW_EXPIRED,
    INVITATION_SENT,
    INTERVIEW_STARTED,
)

VERDICTS = ("Strong no", "No", "Yes", "Strong yes")


def stable_fraction(*parts: str) -> float:
    """A deterministic number in [0, 1) for a candidate, so scores repeat run after run."""
    digest = hashlib.sha256("|".join(parts).encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32


def evaluation_result(earned: int | None, max_points: int) -> str:
    if earned is None:
        return "Unevaluated"
    if earned == max_points:
        return "Correct"
    return "Incorrect" if earned == 0 else "Partially correct"


@dataclass
class Role:
    """A hiring role of the organisation (external interviews are requested against one)."""

    id: int
    internal_name: str
    job_title: str
    seniority: str
    profile: str
    workplace: str
    team_size: str
    ctc: str | None
    publish_status: str
    created_at: datetime
    enabled_rounds: list[str]

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "internalName": self.internal_name,
            "jobTitle": self.job_title,
            "seniority": self.seniority,
            "candidateProfile": self.profile,
            "workplaceModel": self.workplace,
            "enabledRounds": list(self.enabled_rounds),
            "engineeringTeamSize": self.team_size,
            "ctc": self.ctc,
        }

    def detail(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "internalName": self.internal_name,
            "jobTitle": self.job_title,
            "jdLink": None,
            "jdFileName": None,
            "seniority": self.seniority,
            "workplaceModel": self.workplace,
            "engineeringTeamSize": self.team_size,
            "ctc": self.ctc,
            "candidateProfile": self.profile,
            "publishStatus": self.publish_status,
        }


@dataclass
class Rubric:
    """One entry of getRounds: a rubric of a round for a profile."""

    id: int
    name: str
    description: str
    profile: str
    seniority_list: list[str]
    round: str
    skill: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "skill": self.skill,
            "profile": self.profile,
            "seniorityList": list(self.seniority_list),
            "round": self.round,
        }


@dataclass
class MockRole:
    """A library role that mock interviews can be requested against."""

    id: int
    profile: str
    seniority: str
    skill: str
    round: str
    rubrics: list[tuple[str, str]]


@dataclass
class ExternalInterview:
    id: str
    role_id: int
    round_name: str
    requested_at: datetime
    requested_by: dict[str, str]
    candidate: dict[str, str]
    resume: dict[str, str] | None = None
    time_slots: list[dict[str, str]] = field(default_factory=list)
    utc_offset: int = -330
    status: str = "requested"  # requested, scheduled, completed, canceled
    scheduled_at: datetime | None = None
    canceled_at: datetime | None = None
    canceled_by: str | None = None
    completed_at: datetime | None = None

    @property
    def open(self) -> bool:
        return self.status in ("requested", "scheduled")

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "hiringRoleId": self.role_id,
            "roundName": self.round_name,
            "requestedAt": iso(self.requested_at),
            "requestedBy": dict(self.requested_by),
            "scheduleDateTime": iso(self.scheduled_at),
            "candidate": dict(self.candidate),
        }

    def verdict(self) -> tuple[int, float]:
        """Verdict index (0..3) and a rating base, stable for this candidate."""
        fraction = stable_fraction(self.id, self.candidate["email"])
        return min(3, int(fraction * 4)), fraction


@dataclass
class MockInterview:
    id: str
    role_id: int
    profile: str
    seniority: str
    round: str
    candidate: dict[str, str]
    schedule_time: list[str]
    created_at: datetime
    resume: dict[str, str] | None = None
    status: str = "UN_SCHEDULED"  # UN_SCHEDULED, SCHEDULED, COMPLETED, CANCELED

    @property
    def open(self) -> bool:
        return self.status in ("UN_SCHEDULED", "SCHEDULED")

    def as_json(self) -> dict[str, Any]:
        return {
            "interviewId": self.id,
            "hiringRoleId": self.role_id,
            "candidateProfile": self.profile,
            "seniority": self.seniority,
            "round": self.round,
            "resume": dict(self.resume) if self.resume else {"url": None, "fileName": None},
            "status": self.status,
            "candidate": dict(self.candidate),
        }


@dataclass
class Question:
    question: str
    question_type: str  # Programming, MCQ, Subjective
    section: str
    max_points: int


@dataclass
class Assignment:
    """A home assignment (a "test"), addressed by its mainTestUrlHash."""

    main_hash: str
    name: str
    description: str
    duration: int
    questions: list[Question]
    created_at: datetime
    updated_at: datetime
    public_id: str
    cut_off: int = 60
    from_library: bool = False
    publish_status: str = "LIVE"
    disabled: bool = False
    archived: bool = False


@dataclass
class ActiveTest:
    """One send-invitations batch: its own activeTestId and testUrlHash."""

    id: int
    main_hash: str
    test_hash: str
    sent_on: datetime
    expiry: datetime
    start_date: datetime | None = None
    final_entry: datetime | None = None
    disable_communications: bool = False


@dataclass
class Invitation:
    """One candidate invited to an assignment, addressed by its invitationUrlHash."""

    hash: str
    test: ActiveTest
    name: str
    email: str
    invited_on: datetime
    report_uuid: str
    send_success: bool = True
    started_at: datetime | None = None
    ended_at: datetime | None = None
    points: list[int] | None = None  # per question, once evaluated
    shortlisted: bool | None = None
    disabled: bool = False

    def status(self, at: datetime) -> str:
        if not self.send_success:
            return INVITE_FAILED
        if self.shortlisted:
            return CANDIDATE_SHORTLISTED
        if self.ended_at:
            return INTERVIEW_ENDED if self.points is not None else EVALUATION_PENDING
        if self.started_at:
            return INTERVIEW_STARTED
        if self.test.expiry < at:
            return INTERVIEW_EXPIRED
        return INVITATION_SENT

    def evaluate(self, questions: list[Question]) -> None:
        """Score every question, deterministically for this candidate."""
        self.points = [
            round(q.max_points * min(1.0, 0.25 + stable_fraction(self.hash, self.email, str(i))))
            for i, q in enumerate(questions)
        ]

    def percentage(self, questions: list[Question]) -> float | None:
        if self.points is None:
            return None
        total = sum(q.max_points for q in questions) or 1
        return round(100 * sum(self.points) / total, 2)

    def section_scores(self, questions: list[Question]) -> list[dict[str, Any]]:
        if self.points is None:
            return []
        sections: dict[str, dict[str, Any]] = {}
        for q, earned in zip(questions, self.points, strict=True):
            entry = sections.setdefault(q.section, {"maxPoints": 0, "pointsEarned": 0, "sectionName": q.section})
            entry["maxPoints"] += q.max_points
            entry["pointsEarned"] += earned
        return list(sections.values())

    def time_taken_minutes(self) -> int | None:
        if not (self.started_at and self.ended_at):
            return None
        return max(1, int((self.ended_at - self.started_at).total_seconds() // 60))

    def question_results(self, questions: list[Question], detailed: bool = False) -> list[dict[str, Any]]:
        """The per-question ``result`` list of the report endpoints."""
        rows = []
        for i, q in enumerate(questions):
            earned = None if self.points is None else self.points[i]
            row: dict[str, Any] = {"question": q.question, "questionType": q.question_type}
            if not detailed:
                row["sectionName"] = q.section
                row["isCorrect"] = earned is not None and earned == q.max_points
            row["evaluationResult"] = evaluation_result(earned, q.max_points)
            row["maxPoints"] = q.max_points
            row["pointsEarned"] = earned
            row["attempted"] = "Yes" if self.ended_at else "No"
            rows.append(row)
        return rows

    def deadline(self, assignment: Assignment) -> datetime | None:
        return self.started_at + timedelta(minutes=assignment.duration) if self.started_at else None

    def humanized_time_taken(self) -> str:
        minutes = self.time_taken_minutes()
        return "NA" if minutes is None else humanize_minutes(minutes)


V = TypeVar("V")


class Indexed(dict[str, V]):
    """Objects by id, also listed by a candidate key (role and email, say), so that a repeat request
    finds the candidate's object without scanning them all. Lookups still check the object itself:
    an entry made stale by an edit is skipped; ``index`` lists an edited object under its new key."""

    def __init__(self, key: Callable[[V], tuple[Any, ...]]) -> None:
        super().__init__()
        self.key = key
        self.by_key: dict[tuple[Any, ...], list[V]] = {}

    def __setitem__(self, name: str, value: V) -> None:
        super().__setitem__(name, value)
        self.index(value)

    def __delitem__(self, name: str) -> None:
        value = self[name]
        super().__delitem__(name)
        listed = self.by_key.get(self.key(value), [])
        if value in listed:
            listed.remove(value)

    def index(self, value: V) -> None:
        self.by_key.setdefault(self.key(value), []).append(value)

    def having(self, *key: Any) -> list[V]:
        return self.by_key.get(key, [])
