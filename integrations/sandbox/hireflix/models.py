"""Hireflix's objects and the deterministic seeded account.

A position is a set of questions; an interview is one candidate invited to one
position. Ids look like Hireflix's (24 hex digits) and come from a seeded
generator, so a reset always rebuilds the same account.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field

STATUSES = ("pending", "completed", "finalist", "archived")
EVENTS = (
    "interview.create",
    "interview.finish",
    "interview.status-change",
    "interview.delete",
    "interview.score-updated",
)

# Seeded timestamps count from a fixed instant so the catalog never changes between runs.
SEED_EPOCH_MS = 1_700_000_000_000
HOUR_MS = 3_600_000


class ApiError(Exception):
    """An error the API reports in its errors array, with Hireflix's numeric code."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class AlreadyInvited(ApiError):
    """One email can be invited once per position (until that interview is deleted)."""

    typename = "InterviewAlreadyExistsInPositionError"

    def __init__(self) -> None:
        super().__init__(409, "The candidate has already been invited to this position")


class QuotaExceeded(ApiError):
    typename = "ExceededInvitesThisPeriodError"

    def __init__(self, limit: int) -> None:
        super().__init__(403, f"You have exceeded the {limit} invites your plan allows this period")


@dataclass
class Question:
    id: str
    title: str
    description: str


@dataclass
class Position:
    id: str
    name: str
    description: str
    created_at: int
    questions: list[Question]
    archived: bool = False
    deleted_at: int | None = None


@dataclass
class Answer:
    id: str
    duration: float
    text: str
    language_code: str = "en"


@dataclass
class Interview:
    id: str
    position_id: str
    hash: str
    created_at: int
    email: str
    first_name: str
    last_name: str
    phone: str | None = None
    external_id: str | None = None
    status: str = "pending"
    started_at: int | None = None
    completed_at: int | None = None
    finalist_at: int | None = None
    archived_at: int | None = None
    deleted_at: int | None = None
    score: float | None = None
    answers: dict[str, Answer] = field(default_factory=dict)  # by question id

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def answered(self) -> bool:
        return self.completed_at is not None


@dataclass
class ShareLink:
    id: str
    interview_id: str
    expires_at: int


@dataclass
class AuditEntry:
    timestamp: int
    action: str
    object: str
    actor_id: str
    actor_email: str
    ip: str
    host: str = "api.hireflix.com"
    referer: str | None = None
    medium: str = "api"


@dataclass
class Member:
    id: str
    email: str


class Ids:
    """Hireflix-looking ids and hashes from a seeded generator."""

    def __init__(self, seed: str) -> None:
        self.random = random.Random(seed)

    def object_id(self) -> str:
        return f"{self.random.getrandbits(96):024x}"

    def interview_hash(self) -> str:
        return "".join(self.random.choices(string.ascii_letters + string.digits, k=8))

    def link_id(self) -> str:
        hexes = f"{self.random.getrandbits(128):032x}"
        return f"{hexes[:8]}-{hexes[8:12]}-4{hexes[13:16]}-b{hexes[17:20]}-{hexes[20:]}"


@dataclass
class Account:
    """Everything one Hireflix company holds."""

    ids: Ids
    company_id: str
    company_name: str
    owner: Member
    positions: dict[str, Position] = field(default_factory=dict)
    interviews: dict[str, Interview] = field(default_factory=dict)  # insertion order = pagination order
    members: dict[str, Member] = field(default_factory=dict)
    templates: list[dict[str, str]] = field(default_factory=list)
    audit: list[AuditEntry] = field(default_factory=list)
    share_links: dict[str, ShareLink] = field(default_factory=dict)
    # Indexes over ``interviews``, so that an invite or a page costs the same however many there are.
    by_position: dict[str, list[Interview]] = field(default_factory=dict)  # in creation order
    by_candidate: dict[tuple[str, str], list[Interview]] = field(default_factory=dict)  # (position, email)

    def add_interview(self, interview: Interview) -> None:
        self.interviews[interview.id] = interview
        self.by_position.setdefault(interview.position_id, []).append(interview)
        self.by_candidate.setdefault((interview.position_id, interview.email.lower()), []).append(interview)

    def live_position(self, position_id: str) -> Position | None:
        position = self.positions.get(position_id)
        return position if position and position.deleted_at is None else None

    def live_interview(self, interview_id: str) -> Interview | None:
        interview = self.interviews.get(interview_id)
        if interview is None or interview.deleted_at is not None:
            return None
        return interview if self.live_position(interview.position_id) else None

    def find_invited(self, position_id: str, email: str) -> Interview | None:
        for interview in self.by_candidate.get((position_id, email.lower()), []):
            if interview.deleted_at is None:
                return interview
        return None

    def log(self, now: int, action: str, obj: str, ip: str = "203.0.113.10") -> None:
        """Record account activity, as the API key's owner (the key acts for them)."""
        self.audit.append(AuditEntry(now, action, obj, self.owner.id, self.owner.email, ip))


FIRST_NAMES = (
    "Wayne",
    "Daniela",
    "Antonio",
    "Priya",
    "Kofi",
    "Mei",
    "Lucas",
    "Amara",
    "Jonas",
    "Sofia",
    "Omar",
    "Ines",
)
LAST_NAMES = (
    "Knight",
    "Smith",
    "Garcia",
    "Patel",
    "Mensah",
    "Chen",
    "Silva",
    "Okafor",
    "Berg",
    "Rossi",
    "Haddad",
    "Costa",
)

# (name, description, questions, interviews by status: pending, completed, finalist, archived)
SEED_POSITIONS = (
    (
        "Graduate Program NYU",
        "Early-career rotation across analytics, product and operations.",
        ("Tell us about yourself", "Why this program?", "Describe a project you are proud of"),
        (14, 9, 5, 4),
    ),
    (
        "Chief Technology Officer",
        "Lead engineering, security and the technical roadmap.",
        ("How do you build engineering teams?", "Describe a platform migration you led"),
        (3, 2, 1, 0),
    ),
    ("Analyst", "Financial analysis and reporting.", ("Walk us through a model you built",), (0, 1, 0, 0)),
    (
        "New Business Sales Rep",
        "Outbound sales to mid-market accounts.",
        ("Sell us this pen", "How do you handle rejection?"),
        (4, 1, 0, 0),
    ),
)


def transcript(question: Question, first_name: str) -> str:
    return f"Hi, I'm {first_name}. On '{question.title}': I would start from the goal and work back to the plan."


def seed() -> Account:
    ids = Ids("hireflix-sandbox")
    owner = Member(ids.object_id(), "owner@sandbox-company.example")
    account = Account(ids, ids.object_id(), "Sandbox Company", owner, members={owner.id: owner})
    account.templates = [
        {"id": ids.object_id(), "name": name, "type": kind}
        for kind, name in (
            ("email", "Interview invitation"),
            ("email", "Reminder: your interview is waiting"),
            ("email", "Thank you for completing your interview"),
            ("sms", "Interview invitation (SMS)"),
        )
    ]
    clock = SEED_EPOCH_MS
    serial = 0
    for name, description, titles, counts in SEED_POSITIONS:
        clock += HOUR_MS
        questions = [Question(ids.object_id(), title, f"Take up to two minutes. ({title})") for title in titles]
        position = Position(ids.object_id(), name, description, clock, questions)
        account.positions[position.id] = position
        account.log(clock, "position.create", position.id)
        for status, count in zip(STATUSES, counts, strict=True):
            for _ in range(count):
                serial += 1
                clock += HOUR_MS
                interview = _seed_interview(ids, position, serial, clock, status)
                account.add_interview(interview)
                account.log(clock, "interview.invite", interview.id)
    archived = Position(
        ids.object_id(),
        "Customer Support Agent",
        "Closed hiring round.",
        clock + HOUR_MS,
        [Question(ids.object_id(), "Describe a difficult customer", "Take up to two minutes.")],
        archived=True,
    )
    account.positions[archived.id] = archived
    return account


def _seed_interview(ids: Ids, position: Position, serial: int, created: int, status: str) -> Interview:
    first = FIRST_NAMES[serial % len(FIRST_NAMES)]
    last = LAST_NAMES[(serial // len(FIRST_NAMES)) % len(LAST_NAMES)]
    interview = Interview(
        id=ids.object_id(),
        position_id=position.id,
        hash=ids.interview_hash(),
        created_at=created,
        email=f"{first}.{last}.{serial}@candidates.example".lower(),
        first_name=first,
        last_name=last,
        external_id=f"seed-{serial:03d}",
        status=status,
    )
    if status != "pending":
        complete(ids, interview, position, created + HOUR_MS // 2)
        if status == "finalist":
            interview.finalist_at = created + HOUR_MS
        elif status == "archived":
            interview.archived_at = created + HOUR_MS
        interview.score = float(1 + serial % 5) if serial % 3 else None
    return interview


def complete(ids: Ids, interview: Interview, position: Position, now: int) -> None:
    """Record the candidate's answers: one video per question."""
    interview.completed_at = now
    for n, question in enumerate(position.questions):
        duration = 30.0 + (int(interview.id[-4:], 16) + 17 * n) % 90
        interview.answers[question.id] = Answer(ids.object_id(), duration, transcript(question, interview.first_name))
