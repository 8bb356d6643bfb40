"""Pull: interviews scheduled in the company's ATS bring candidates into our stages.

``pull(link)`` reads the interviews changed since the link's saved position, page by page.
Each page is applied in one transaction together with the position after it, so a crash re-reads
at most the page it was on; interviews seen twice (the watermark's overlap) are upserted by id.
An interview still to come at a mapped ATS stage finds or imports its application (the candidate
by Merge id, then by email) and moves it into the mapped local stage, whose stage-move hook sends
the vendor invite. Past interviews (an ATS's history, on a first pull) are recorded, never acted on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from candidates.models import Application, Candidate, Stage
from candidates.services import apply_to_job, move_to_stage

from ..models import MergeLink, MergeStageMapping, RemoteInterview
from ..vendors.errors import Permanent, VendorError
from .client import DEFAULT_PAGE_SIZE, MergeClient, ScheduledInterview, SyncPosition
from .client import Application as MergeApplication
from .client import Candidate as MergeCandidate
from .client import Page as MergePage
from .links import client_for, position_of, set_position

logger = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class PullReport:
    pages: int = 0
    interviews: int = 0
    imported: int = 0  # applications created here
    matched: int = 0  # applications found here for a candidate of the ATS
    moved: int = 0
    skipped: int = 0  # interviews at a mapped stage whose candidate could not be imported
    more: bool = False  # stopped at max_pages: the next pull resumes from the saved cursor
    error: str = ""

    def __str__(self) -> str:
        text = (
            f"{self.interviews} interviews in {self.pages} pages: {self.imported} applications imported, "
            f"{self.matched} matched, {self.moved} moved"
        )
        if self.skipped:
            text += f", {self.skipped} skipped"
        if self.more:
            text += "; more pages remain"
        if self.error:
            text += f"; stopped: {self.error}"
        return text


class _PositionMoved(Exception):
    """Another pull of the same link saved a position first; this one stops rather than apply pages twice."""


def pullable_links() -> list[int]:
    return list(MergeLink.objects.filter(enabled=True).values_list("pk", flat=True))


def pull_link_by_pk(link_pk: int) -> PullReport | None:
    link = MergeLink.objects.filter(pk=link_pk, enabled=True).first()
    return pull(link) if link else None


def pull(link: MergeLink, *, page_size: int = DEFAULT_PAGE_SIZE, max_pages: int | None = None) -> PullReport:
    """Pull the interviews changed since the link's saved position; the position is saved after every page.

    A Merge error stops the pull and is recorded on the link; the next pull resumes where this one stopped.
    """
    report = PullReport()
    link.refresh_from_db()  # the position saved last, whoever saved it
    client = client_for(link)
    position = position_of(link)
    people = _People(client)
    try:
        # Expanded applications carry their candidate's id: one request fewer per imported candidate.
        for page, after in client.sync_interviews(position, page_size=page_size, expand=("application",)):
            mappings = {m.remote_stage_id: m for m in link.stage_mappings.select_related("stage__job")}
            people.prefetch(link, page, mappings)  # network before the page's transaction, not inside it
            _apply_page(link, page, position, after, mappings, people, report)
            position = after
            report.pages += 1
            report.interviews += len(page)
            if max_pages and report.pages >= max_pages and after.cursor:
                report.more = True
                break
    except VendorError as exc:
        report.error = str(exc)
        link.last_error = report.error[:2000]
        changed = ["last_error", "updated_at"]
        if isinstance(exc, Permanent) and exc.status_code == 404 and position.cursor:
            # Merge no longer knows the saved cursor: the next pull starts this one over from its watermark.
            changed += set_position(link, SyncPosition(watermark=position.watermark))
        link.save(update_fields=changed)
        logger.warning("merge pull of link %s stopped: %s", link.pk, report.error)
    except _PositionMoved:
        report.error = "another pull of this link saved its position first"
    logger.info("merge pull of link %s: %s", link.pk, report)
    return report


@transaction.atomic
def _apply_page(
    link: MergeLink,
    page: MergePage[ScheduledInterview],
    before: SyncPosition,
    after: SyncPosition,
    mappings: dict[str, MergeStageMapping],
    people: _People,
    report: PullReport,
) -> None:
    locked = MergeLink.objects.select_for_update().get(pk=link.pk)
    if position_of(locked) != before:
        raise _PositionMoved
    ids = [i.id for i in page]
    existing = {
        r.remote_id: r for r in locked.interviews.filter(remote_id__in=ids).select_related("application__stage")
    }
    known = _known_applications(locked, {i.application_id for i in page if i.application_id})
    now = timezone.now()
    for interview in page:
        _apply_interview(locked, interview, existing.get(interview.id), mappings, known, people, now, report)
    changed = set_position(locked, after)
    locked.last_synced_at, locked.last_error = now, ""
    locked.save(update_fields=[*changed, "last_synced_at", "last_error", "updated_at"])
    link.sync_watermark, link.sync_cursor = locked.sync_watermark, locked.sync_cursor
    link.last_synced_at, link.last_error = locked.last_synced_at, locked.last_error


def _known_applications(link: MergeLink, remote_ids: set[str]) -> dict[str, Application]:
    """Local applications already linked to these ATS applications by earlier interviews."""
    rows = (
        RemoteInterview.objects.filter(link=link, remote_application_id__in=remote_ids, application__isnull=False)
        .select_related("application__stage")
        .order_by("-pk")
    )
    known: dict[str, Application] = {}
    for row in rows:
        if row.application is not None:  # always: the query keeps linked rows only
            known.setdefault(row.remote_application_id, row.application)
    return known


def _apply_interview(
    link: MergeLink,
    interview: ScheduledInterview,
    row: RemoteInterview | None,
    mappings: dict[str, MergeStageMapping],
    known: dict[str, Application],
    people: _People,
    now: datetime,
    report: PullReport,
) -> None:
    remote_application = interview.application_id or ""
    stage_id = interview.job_interview_stage_id or ""
    mapping = mappings.get(stage_id)
    application = (row.application if row else None) or known.get(remote_application)
    # Act once per interview and stage: a re-read (overlap, another field changed) must not move anyone back.
    first_look = row is None or row.remote_stage_id != stage_id or row.application_id is None
    ours = row is not None and row.pushed_invitation_id is not None
    if mapping and first_look and not ours and _upcoming(interview, now):
        application = _bring_in(interview, mapping.stage, application, people, report) or application
        if application is not None:
            known[remote_application] = application
    values = {
        "application": application,
        "remote_application_id": remote_application,
        "remote_stage_id": stage_id,
        "status": (interview.status or "")[:100],
        "start_at": interview.start_at,
        "end_at": interview.end_at,
        "remote_was_deleted": bool(interview.remote_was_deleted),
        "remote_modified_at": interview.modified_at,
        "raw": interview.raw,
    }
    if row is None:
        RemoteInterview.objects.create(link=link, remote_id=interview.id, **values)
        return
    for name, value in values.items():
        setattr(row, name, value)
    row.save()


def _upcoming(interview: ScheduledInterview, now: datetime) -> bool:
    """Scheduled and not over: worth inviting for. An ATS without statuses (Lever) goes by the times alone;
    any other status (awaiting feedback, complete, an ATS's own such as a cancellation) is not."""
    if interview.remote_was_deleted or (interview.status or "SCHEDULED") != "SCHEDULED":
        return False
    ends = interview.end_at or interview.start_at
    return ends is None or ends > now


def _bring_in(
    interview: ScheduledInterview,
    stage: Stage,
    application: Application | None,
    people: _People,
    report: PullReport,
) -> Application | None:
    """The local application of the interview's candidate in ``stage``'s job, imported or moved into ``stage``."""
    if application is None or application.job_id != stage.job_id:
        candidate = _local_candidate(people.candidate_for(interview))
        if candidate is None:
            report.skipped += 1
            return None
        application = (
            Application.objects.filter(candidate=candidate, job_id=stage.job_id).select_related("stage").first()
        )
        if application is None:
            report.imported += 1
            return apply_to_job(candidate, stage.job, stage=stage)  # entering the stage sends its invite
        report.matched += 1
    # Only forward: an application the recruiter already took further stays where it is.
    if application.stage_id != stage.pk and application.stage.order < stage.order:
        move_to_stage([application], stage)
        application.stage = stage
        report.moved += 1
    return application


def _local_candidate(remote: MergeCandidate | None) -> Candidate | None:
    """Our candidate for an ATS candidate: by Merge id, then by email; created when neither matches."""
    if remote is None:
        return None
    found = Candidate.objects.filter(external_ref=remote.id).first()
    if found:
        return found
    emails = [e.strip() for e in remote.emails if e and e.strip()]
    if not emails:
        return None  # our candidates need an email to be invited
    by_email = Q()
    for email in emails:
        by_email |= Q(email__iexact=email)
    found = Candidate.objects.filter(by_email).order_by("pk").first()
    if found:
        if not found.external_ref:
            found.external_ref = remote.id[:120]
            found.save(update_fields=["external_ref"])
        return found
    phones = [p.value for p in remote.phone_numbers or ()]
    return Candidate.objects.create(
        first_name=(remote.first_name or "")[:100],
        last_name=(remote.last_name or "")[:100],
        email=emails[0],
        phone=(phones[0] if phones else "")[:40],
        external_ref=remote.id[:120],
    )


@dataclass
class _People:
    """The ATS applications and candidates a pull needed, fetched once each."""

    client: MergeClient
    applications: dict[str, MergeApplication | None] = field(default_factory=dict)
    candidates: dict[str, MergeCandidate | None] = field(default_factory=dict)

    def prefetch(self, link: MergeLink, page: MergePage[ScheduledInterview], mappings: dict) -> None:
        now = timezone.now()
        wanted = [i for i in page if i.application_id and i.job_interview_stage_id in mappings and _upcoming(i, now)]
        linked = set(
            RemoteInterview.objects.filter(
                link=link, remote_application_id__in=[i.application_id for i in wanted], application__isnull=False
            ).values_list("remote_application_id", flat=True)
        )
        for interview in wanted:
            if interview.application_id not in linked:
                self.candidate_for(interview)

    def candidate_for(self, interview: ScheduledInterview) -> MergeCandidate | None:
        application = interview.application
        if not isinstance(application, MergeApplication):
            application = self._get(self.applications, self.client.get_application, interview.application_id)
        if application is None:
            return None
        if isinstance(application.candidate, MergeCandidate):
            return application.candidate
        return self._get(self.candidates, self.client.get_candidate, application.candidate)

    @staticmethod
    def _get(seen: dict[str, T | None], fetch: Callable[[str], T], object_id: str | None) -> T | None:
        if not object_id:
            return None
        if object_id not in seen:
            try:
                seen[object_id] = fetch(object_id)
            except Permanent as exc:
                # One unreadable record (deleted since, say) must not block the pages after it.
                logger.warning("merge record %s unreadable: %s", object_id, exc)
                seen[object_id] = None
        return seen[object_id]
