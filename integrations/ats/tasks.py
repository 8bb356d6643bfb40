"""Celery tasks of the ATS side: thin wrappers around pull and push."""

from __future__ import annotations

from functools import partial

from celery import shared_task
from django.conf import settings

from ..retries import call_with_retries
from . import pull, push


@shared_task(ignore_result=True)
def pull_merge_links() -> None:
    """Fan out one pull per enabled Merge link, so a slow ATS delays only itself."""
    for link_pk in pull.pullable_links():
        pull_merge_link.delay(link_pk)


@shared_task(ignore_result=True, acks_late=True)
def pull_merge_link(link_pk: int) -> int:
    """Errors are recorded on the link; the next beat resumes from the saved position, so no retry here."""
    report = pull.pull_link_by_pk(link_pk)
    return report.interviews if report else 0


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=settings.INVITE_MAX_RETRIES)
def push_interview(self, invitation_pk: int, status: str) -> None:
    """Create the ATS interview for an invitation; a lost answer is reconciled by the retry, never doubled."""
    call_with_retries(
        self, partial(push.push_interview, invitation_pk, status), partial(push.record_push_failure, invitation_pk)
    )
