"""The job page's live parts: the invitation badges, refreshed in place while any can still change."""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from candidates.models import Application, Job

from .filters import badge_invitations

# A page shows at most this many applications; a longer list is not from the page.
MOST_SHOWN = 200


@permission_required("candidates.view_application", raise_exception=True)
def job_badges(request: HttpRequest, pk: int) -> HttpResponse:
    """The badges of the applications the page shows (``?a=<id>&a=...``), as out-of-band swaps. Two queries."""
    job = get_object_or_404(Job, pk=pk)
    ids = [int(value) for value in request.GET.getlist("a")[:MOST_SHOWN] if value.isdigit()]
    applications = (
        Application.objects.filter(job=job, pk__in=ids).only("pk", "job_id").prefetch_related(badge_invitations())
    )
    return render(request, "integrations/_job_badges.html", {"job": job, "applications": list(applications)})
