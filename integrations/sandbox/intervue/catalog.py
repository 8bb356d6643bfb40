"""The seeded, deterministic catalog: profiles, rounds, hiring roles, mock-interview roles,
skills, home assignments and a spread of interviews and invitations in every status.

Ids the document's examples use (hiring role 9999, interview bb1733c3-…, mock interview
12395361-…, mock roles 8/9/10/724/764, skills 1 and 2) exist, so the examples replay as written.
"""

from __future__ import annotations

import random
import string
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypedDict

from .models import (
    ActiveTest,
    Assignment,
    ExternalInterview,
    Indexed,
    Invitation,
    MockInterview,
    MockRole,
    Question,
    Role,
    Rubric,
)

SENIORITIES = ("Internship", "Entry-level", "Intermediate", "Mid-senior", "Senior", "Senior-plus", "Staff")
T0 = datetime(2022, 12, 1, 9, 30, tzinfo=UTC)
FAR_FUTURE = datetime(2099, 1, 1, tzinfo=UTC)

# The account's team members, one per API key: they appear as ``requestedBy``.
TEAM = {
    "admin": {"name": "Sandbox Admin", "email": "admin@sandbox-org.example"},
    "recruiter": {"name": "Riya Recruiter", "email": "riya@sandbox-org.example"},
}

# profile -> (heading, subHeading, skills, {round: [(rubric, description), ...]})
PROFILES: dict[str, tuple[str, str, list[str], dict[str, list[tuple[str, str]]]]] = {
    "FRONTEND": (
        "Frontend",
        "Eg. React, HTML, Angular, Vue, CSS, Javascript",
        [
            "Data Structure & Algorithms",
            "System design",
            "JavaScript",
            "React JS",
            "Angular JS",
            "Vue JS",
            "HTML/CSS",
            "Browser knowledge",
            "TypeScript",
            "Node JS",
        ],
        {
            "Core Frontend Round": [
                (
                    "Browser knowledge - Developer tools, REST APIs & Debugging",
                    "REST APIs type, Headers & significance, memory leaks, DOM, developer console",
                ),
                ("Browser knowledge - Browser storage", "Local storage, Session storage, Cookies, Cache etc."),
                ("JavaScript - Closures & scope", "Lexical scope, closures, hoisting, this binding"),
                ("JavaScript - Async", "Promises, async/await, event loop, micro and macro tasks"),
                ("HTML/CSS - Layout", "Flexbox, grid, positioning, responsive design"),
            ],
            "Libraries & Frameworks": [
                ("React JS - Rendering", "Reconciliation, keys, memoisation, hooks"),
                ("React JS - State", "Context, reducers, external stores, data fetching"),
                ("Angular JS - Core", "Modules, dependency injection, change detection"),
                ("Vue JS - Core", "Reactivity, computed properties, components"),
            ],
            "Data Structure & Algorithms": [
                ("Functionally correct solution", "End to end working solution"),
                ("Performant", "Complexity analysis & optimizations, opportunity of parallelism"),
                ("Corner Cases", "Gauge edge case handling in the solution"),
            ],
            "Frontend System Design": [
                ("Component architecture", "Reusable components, state boundaries, design systems"),
                ("Performance", "Bundle size, lazy loading, rendering performance, caching"),
            ],
        },
    ),
    "BACKEND": (
        "Backend",
        "Eg. Java, NodeJS, Python, Go, system design",
        ["Data Structure & Algorithms", "System design", "Java", "Node JS", "Python", "Go"],
        {
            "Core Backend Round": [
                ("Core knowledge", "Types, channels, Go-routines, mutex, struct, concurrency, parallelism etc."),
                ("Micro-services in Go, caching & databases", "Data caching, relational DBMS vs NoSQL"),
                ("API design", "REST semantics, pagination, idempotency, versioning"),
            ],
            "Data Structure & Algorithms": [
                ("Functionally correct solution", "End to end working solution"),
                ("Data Structure", "Right use of data structures"),
                ("Pseudo code", "Rough code without any language specific semantics"),
            ],
            "System Design": [
                ("High level design", "Components, data flow, scaling strategy"),
                ("Storage", "Schema design, consistency, partitioning"),
            ],
        },
    ),
    "FULLSTACK": (
        "Fullstack",
        "Eg. MERN, Django + React, Rails",
        ["JavaScript", "React JS", "Node JS", "Python", "System design"],
        {
            "Core Fullstack Round": [
                ("End to end feature", "API, persistence and UI of one feature"),
                ("Testing", "Unit, integration and end to end tests"),
                ("Deployment", "Build pipelines, environments, observability"),
            ],
        },
    ),
    "ANDROID": (
        "Android",
        "Eg. Kotlin, Java, Jetpack",
        ["Kotlin", "Java", "Android SDK", "Jetpack Compose"],
        {
            "Core Android": [
                ("Activity & fragment lifecycle", "Lifecycle callbacks, configuration changes, state saving"),
                ("Concurrency", "Coroutines, threads, WorkManager"),
                ("UI", "Views, Compose, RecyclerView performance"),
            ],
        },
    ),
    "DEVOPS": (
        "DevOps",
        "Eg. AWS, Kubernetes, Terraform, CI/CD",
        ["Linux", "Kubernetes", "AWS", "Terraform", "CI/CD"],
        {
            "Core DevOps Round": [
                ("Containers & orchestration", "Images, pods, services, rollouts"),
                ("Infrastructure as code", "Terraform state, modules, drift"),
                ("Reliability", "Monitoring, alerting, incident response"),
            ],
        },
    ),
}

# Hiring roles: (internalName, jobTitle, profile); the first is the document's role 9999.
ROLE_SEEDS = [
    ("Frontend", "Frontend Engineer", "FRONTEND"),
    ("Backend Payments", "Backend Engineer, Payments", "BACKEND"),
    ("Android Core", "Android Engineer", "ANDROID"),
    ("Platform", "DevOps Engineer", "DEVOPS"),
    ("Growth Web", "Frontend Engineer, Growth", "FRONTEND"),
    ("Search", "Backend Engineer, Search", "BACKEND"),
    ("Checkout", "Fullstack Engineer", "FULLSTACK"),
    ("Design Systems", "UI Engineer", "FRONTEND"),
    ("Data Platform", "Backend Engineer, Data", "BACKEND"),
    ("SRE", "Site Reliability Engineer", "DEVOPS"),
    ("Mobile Growth", "Android Engineer, Growth", "ANDROID"),
    ("Internal Tools", "Fullstack Engineer, Tools", "FULLSTACK"),
]
WORKPLACES = ("HYBRID", "WORK_FROM_OFFICE", "REMOTE")
TEAM_SIZES = ("MEDIUM", "SMALL", "LARGE")
CTCS = ("10+ LPA", "15+ LPA", None, "25+ LPA", "40+ LPA")

# Skills offered for home assignments: id -> (name, kind); kind decides the question types.
SKILLS = {
    1: ("JavaScript", "code"),
    2: ("Python", "mixed"),
    3: ("Java", "code"),
    4: ("React JS", "mixed"),
    5: ("Node JS", "code"),
    6: ("SQL", "mixed"),
    7: ("Data Structures", "code"),
    8: ("System Design", "subjective"),
    9: ("Go", "code"),
    10: ("HTML/CSS", "mixed"),
    11: ("TypeScript", "mixed"),
    12: ("DevOps", "subjective"),
}
QUESTION_MINUTES = {"PROGRAMMING": 30, "MCQ": 5, "SUBJECTIVE": 10}
QUESTION_POINTS = {"PROGRAMMING": 20, "MCQ": 5, "SUBJECTIVE": 10}
QUESTION_LABELS = {"PROGRAMMING": "Programming", "MCQ": "MCQ", "SUBJECTIVE": "Subjective"}
PROGRAMMING_TITLES = ("Nth Natural Number", "Two Sum", "Balanced Brackets", "LRU Cache", "Merge Intervals")


class SkillConfig(TypedDict):
    """One row of getTestConfiguration's ``config``."""

    questionType: str
    difficultyLevel: str
    questionsCount: int
    maxQuestionsCount: int


def skill_config(skill_id: int, seniority_years: int) -> list[SkillConfig]:
    """Suggested question mix for one skill (getTestConfiguration's ``config``)."""
    level = "EASY" if seniority_years < 3 else "MEDIUM" if seniority_years < 7 else "HARD"
    kind = SKILLS[skill_id][1]
    rows: list[tuple[str, str, int, int]] = []
    if kind == "code":
        rows.append(("PROGRAMMING", level, 1, 2))
    if kind == "mixed":
        rows += [("MCQ", "EASY", 2, 6), ("SUBJECTIVE", level, 1, 2)]
    if kind == "subjective":
        rows.append(("SUBJECTIVE", level, 2, 3))
    return [
        {"questionType": t, "difficultyLevel": d, "questionsCount": c, "maxQuestionsCount": m} for t, d, c, m in rows
    ]


def build_questions(sections: list[tuple[str, list[tuple[str, int]]]]) -> list[Question]:
    """Questions from (section name, [(questionType, count), ...])."""
    questions: list[Question] = []
    for section, rows in sections:
        for kind, count in rows:
            for n in range(count):
                if kind == "PROGRAMMING":
                    title = PROGRAMMING_TITLES[(len(questions) + n) % len(PROGRAMMING_TITLES)]
                else:
                    title = f"{section} {QUESTION_LABELS[kind].lower()} question {n + 1}"
                questions.append(Question(title, QUESTION_LABELS[kind], section, QUESTION_POINTS[kind]))
    return questions


def duration_of(sections: list[tuple[str, list[tuple[str, int]]]]) -> int:
    return sum(QUESTION_MINUTES[kind] * count for _, rows in sections for kind, count in rows)


# Home assignments: (name, [skill ids], publishStatus, disabled, archived, fromLibrary)
ASSIGNMENT_SEEDS = [
    ("Frontend take-home", [1, 10], "LIVE", False, False, True),
    ("Backend take-home", [2, 6], "LIVE", False, False, True),
    ("Java fundamentals", [3], "LIVE", False, False, False),
    ("React screening", [4, 11], "LIVE", False, False, False),
    ("Node services", [5], "LIVE", False, False, False),
    ("SQL basics", [6], "LIVE", False, False, True),
    ("Algorithms I", [7], "LIVE", False, False, True),
    ("System design written", [8], "LIVE", False, False, False),
    ("Go services", [9], "LIVE", False, False, False),
    ("DevOps written", [12], "LIVE", False, False, False),
    ("Legacy JS screen", [1], "LIVE", True, False, False),
    ("Python draft", [2], "DRAFT", False, False, False),
    ("Old campus test", [7, 6], "LIVE", True, True, False),
]

# Seeded invitations: (assignment index, name, email, state); state names the status to reach.
INVITATION_SEEDS = [
    (0, "Aarav Shah", "aarav.shah@example.com", "INTERVIEW_ENDED"),
    (0, "Diya Nair", "diya.nair@example.com", "CANDIDATE_SHORTLISTED"),
    (0, "Kabir Rao", "kabir.rao@example.com", "INVITATION_SENT"),
    (0, "Meera Iyer", "meera.iyer@example.com", "INTERVIEW_STARTED"),
    (0, "Rohan Das", "rohan.das@example.com", "EVALUATION_PENDING"),
    (0, "Sara Khan", "sara.khan@example.com", "INTERVIEW_EXPIRED"),
    (0, "Bounce Person", "bounce@mail.invalid", "INVITE_FAILED"),
    (1, "Ishaan Gupta", "ishaan.gupta@example.com", "INTERVIEW_ENDED"),
    (1, "Anaya Singh", "anaya.singh@example.com", "INVITATION_SENT"),
    (1, "Vihaan Mehta", "vihaan.mehta@example.com", "INTERVIEW_ENDED"),
    (1, "Zara Ali", "zara.ali@example.com", "INVITATION_SENT"),
    (2, "Arjun Pillai", "arjun.pillai@example.com", "INTERVIEW_ENDED"),
    (2, "Nisha Menon", "nisha.menon@example.com", "INVITATION_SENT"),
    (3, "Kiara Joshi", "kiara.joshi@example.com", "INTERVIEW_STARTED"),
    (3, "Aditya Kulkarni", "aditya.kulkarni@example.com", "INVITATION_SENT"),
    (4, "Tara Bose", "tara.bose@example.com", "INTERVIEW_ENDED"),
    (5, "Dev Malhotra", "dev.malhotra@example.com", "INVITATION_SENT"),
    (6, "Leela Reddy", "leela.reddy@example.com", "CANDIDATE_SHORTLISTED"),
    (6, "Yash Chawla", "yash.chawla@example.com", "INVITATION_SENT"),
    (7, "Pooja Saxena", "pooja.saxena@example.com", "EVALUATION_PENDING"),
    (8, "Neil Fernandes", "neil.fernandes@example.com", "INVITATION_SENT"),
    (9, "Ira Kapoor", "ira.kapoor@example.com", "INTERVIEW_ENDED"),
    (10, "Omar Siddiqui", "omar.siddiqui@example.com", "INTERVIEW_EXPIRED"),
]


@dataclass
class Catalog:
    """Everything the simulator serves, rebuilt identically on every reset."""

    rng: random.Random
    roles: dict[int, Role] = field(default_factory=dict)
    rubrics: list[Rubric] = field(default_factory=list)
    mock_roles: dict[int, MockRole] = field(default_factory=dict)
    # By id, and by (role id, candidate email): a repeat request finds the open one at once.
    external: Indexed[ExternalInterview] = field(default_factory=lambda: Indexed(_by_role_and_email))
    mock: Indexed[MockInterview] = field(default_factory=lambda: Indexed(_by_role_and_email))
    assignments: dict[str, Assignment] = field(default_factory=dict)
    active_tests: dict[int, ActiveTest] = field(default_factory=dict)
    # By invitationUrlHash, and by (main test hash, email).
    invitations: Indexed[Invitation] = field(default_factory=lambda: Indexed(_by_test_and_email))
    next_active_test_id: int = 1242

    def new_uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def new_hash(self, length: int = 12) -> str:
        return "".join(self.rng.choice(string.ascii_lowercase + string.digits) for _ in range(length))

    def round_names(self, profile: str) -> list[str]:
        return list(PROFILES[profile][3])


def _by_role_and_email(interview: ExternalInterview | MockInterview) -> tuple[Any, ...]:
    return (interview.role_id, interview.candidate["email"])


def _by_test_and_email(invitation: Invitation) -> tuple[Any, ...]:
    return (invitation.test.main_hash, invitation.email)


def build() -> Catalog:
    cat = Catalog(rng=random.Random("intervue-catalog"))
    _seed_rubrics(cat)
    _seed_roles(cat)
    _seed_mock_roles(cat)
    _seed_interviews(cat)
    _seed_assignments(cat)
    return cat


def _seed_rubrics(cat: Catalog) -> None:
    next_id = 1
    for profile, (_, _, _, rounds) in PROFILES.items():
        for round_name, entries in rounds.items():
            for i, (name, description) in enumerate(entries):
                seniority = list(SENIORITIES[1:] if i % 2 else SENIORITIES[3:])
                cat.rubrics.append(Rubric(next_id, name, description, profile, seniority, round_name))
                next_id += 1


def _seed_roles(cat: Catalog) -> None:
    # 24 roles, two per seed with different seniority; every seventh is still a draft.
    for n in range(24):
        internal, title, profile = ROLE_SEEDS[n % len(ROLE_SEEDS)]
        if n >= len(ROLE_SEEDS):
            internal, title = f"{internal} II", f"Senior {title}"
        role_id = 9999 if n == 0 else 9500 + n
        rounds = cat.round_names(profile)
        cat.roles[role_id] = Role(
            id=role_id,
            internal_name=internal,
            job_title=title,
            seniority="Mid-senior" if n == 0 else SENIORITIES[n % len(SENIORITIES)],
            profile=profile,
            workplace=WORKPLACES[n % len(WORKPLACES)],
            team_size=TEAM_SIZES[n % len(TEAM_SIZES)],
            ctc=CTCS[n % len(CTCS)],
            publish_status="DRAFT" if n % 7 == 6 else "LIVE",
            created_at=T0 - timedelta(days=3 * n),
            enabled_rounds=rounds[: 1 + n % len(rounds)],
        )


def _seed_mock_roles(cat: Catalog) -> None:
    dsa = PROFILES["FRONTEND"][3]["Data Structure & Algorithms"] + PROFILES["BACKEND"][3]["Data Structure & Algorithms"]
    react = PROFILES["FRONTEND"][3]["Libraries & Frameworks"][:2]
    fundamentals = PROFILES["FRONTEND"][3]["Core Frontend Round"]
    backend = PROFILES["BACKEND"][3]["Core Backend Round"]
    for role in (
        MockRole(724, "FRONTEND", "Entry-level", "Frontend Fundamentals", "Frontend Fundamentals", fundamentals),
        MockRole(9, "FRONTEND", "Entry-level", "React JS", "Libraries & Frameworks", react),
        MockRole(8, "FRONTEND", "Entry-level", "Angular JS", "Libraries & Frameworks", react[:1]),
        MockRole(764, "FRONTEND", "Entry-level", "Vue JS", "Libraries & Frameworks", react[1:]),
        MockRole(725, "FRONTEND", "Intermediate", "Data Structure & Algorithms", "Data Structure & Algorithms", dsa),
        MockRole(10, "BACKEND", "Entry-level", "Data Structure & Algorithms", "Data Structure & Algorithms", dsa),
        MockRole(11, "BACKEND", "Intermediate", "Core Backend", "Core Backend Round", backend),
    ):
        cat.mock_roles[role.id] = role


def _seed_interviews(cat: Catalog) -> None:
    admin = TEAM["admin"]
    seeds = [
        ("bb1733c3-a57e-4f14-a0dd-8dffd78e4c38", "Nikhil Verma", "nikhil.verma@example.com", "scheduled"),
        (cat.new_uuid(), "Priya Sharma", "priya.sharma@example.com", "requested"),
        (cat.new_uuid(), "Kunal Bhatt", "kunal.bhatt@example.com", "completed"),
        (cat.new_uuid(), "Sneha Pillai", "sneha.pillai@example.com", "canceled"),
    ]
    for n, (interview_id, name, email, status) in enumerate(seeds):
        role = cat.roles[9999 if n % 2 == 0 else 9501]
        interview = ExternalInterview(
            id=interview_id,
            role_id=role.id,
            round_name=role.enabled_rounds[0],
            requested_at=T0 + timedelta(days=n),
            requested_by=dict(admin),
            candidate={"name": name, "email": email, "phoneNo": f"98450{n:05d}"},
            status=status,
        )
        if status in ("scheduled", "completed"):
            scheduled_at = interview.requested_at + timedelta(days=1, hours=2)
            interview.scheduled_at = scheduled_at
            if status == "completed":
                interview.completed_at = scheduled_at + timedelta(hours=1)
        if status == "canceled":
            interview.canceled_at, interview.canceled_by = interview.requested_at + timedelta(hours=5), "candidate"
        cat.external[interview.id] = interview

    for interview_id, role_id, name, email, phone in (
        ("12395361-5034-4c90-86fe-b59dd8ffe520", 9, "abc", "xyz@gmail.com", "1234567890"),
        ("d9f17bef-7164-4917-bb4c-fd62c476f8dd", 10, "Candidate Two", "candidate.two@example.com", "1234567891"),
    ):
        mock_role = cat.mock_roles[role_id]
        cat.mock[interview_id] = MockInterview(
            id=interview_id,
            role_id=role_id,
            profile=mock_role.profile,
            seniority=mock_role.seniority,
            round=mock_role.round,
            candidate={"name": name, "email": email, "phoneNo": phone},
            schedule_time=["2022-12-22T05:43:18.294Z", "2022-12-22T06:43:18.294Z"],
            created_at=T0,
        )


def _seed_assignments(cat: Catalog) -> None:
    for n, (name, skills, publish, disabled, archived, library) in enumerate(ASSIGNMENT_SEEDS):
        sections = [
            (SKILLS[s][0], [(str(c["questionType"]), int(c["questionsCount"])) for c in skill_config(s, 2)])
            for s in skills
        ]
        created = T0 - timedelta(days=40) + timedelta(days=2 * n)
        assignment = Assignment(
            main_hash=cat.new_hash(),
            name=name,
            description=f"{name}: {', '.join(SKILLS[s][0] for s in skills)}",
            duration=duration_of(sections),
            questions=build_questions(sections),
            created_at=created,
            updated_at=created + timedelta(days=1),
            public_id=cat.new_uuid(),
            from_library=library,
            publish_status=publish,
            disabled=disabled,
            archived=archived,
        )
        cat.assignments[assignment.main_hash] = assignment

    hashes = list(cat.assignments)
    batches: dict[int, ActiveTest] = {}
    for n, (index, name, email, state) in enumerate(INVITATION_SEEDS):
        main_hash = hashes[index]
        if index not in batches:
            sent = cat.assignments[main_hash].created_at + timedelta(days=2)
            expiry = sent + timedelta(days=7) if state == "INTERVIEW_EXPIRED" else FAR_FUTURE
            batches[index] = new_active_test(cat, main_hash, sent, expiry)
        test = batches[index]
        if state == "INTERVIEW_EXPIRED" and test.expiry == FAR_FUTURE:
            test = new_active_test(cat, main_hash, test.sent_on, test.sent_on + timedelta(days=7))
        invitation = Invitation(
            hash=cat.new_hash(16),
            test=test,
            name=name,
            email=email,
            invited_on=test.sent_on + timedelta(minutes=n),
            report_uuid=cat.new_uuid(),
            send_success=state != "INVITE_FAILED",
        )
        questions = cat.assignments[main_hash].questions
        if state in ("INTERVIEW_STARTED", "EVALUATION_PENDING", "INTERVIEW_ENDED", "CANDIDATE_SHORTLISTED"):
            started_at = invitation.invited_on + timedelta(days=1)
            invitation.started_at = started_at
            if state in ("EVALUATION_PENDING", "INTERVIEW_ENDED", "CANDIDATE_SHORTLISTED"):
                invitation.ended_at = started_at + timedelta(minutes=25 + n)
        if state in ("INTERVIEW_ENDED", "CANDIDATE_SHORTLISTED"):
            invitation.evaluate(questions)
        if state == "CANDIDATE_SHORTLISTED":
            invitation.shortlisted = True
        cat.invitations[invitation.hash] = invitation


def new_active_test(
    cat: Catalog,
    main_hash: str,
    sent: datetime,
    expiry: datetime,
    start_date: datetime | None = None,
    final_entry: datetime | None = None,
    disable_communications: bool = False,
) -> ActiveTest:
    """A new send-invitations batch with the next activeTestId and its own testUrlHash."""
    test = ActiveTest(
        cat.next_active_test_id,
        main_hash,
        cat.new_hash(10),
        sent,
        expiry,
        start_date,
        final_entry,
        disable_communications,
    )
    cat.next_active_test_id += 1
    cat.active_tests[test.id] = test
    return test
