"""Recruiter pages of the integrations app: send assessments, follow a send, look at results."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from candidates.models import Job
from candidates.views import safe_next

from . import selectors, services
from .forms import SendAssessmentForm
from .models import BulkSend, Invitation


@require_POST
@permission_required("integrations.add_invitation", raise_exception=True)
def send_assessment(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(Job, pk=pk)
    form = SendAssessmentForm(request.POST, job=job)
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, " ".join(error))
        return redirect(safe_next(request, default=job.get_absolute_url()))
    assessment = form.cleaned_data["assessment"]
    bulk = services.request_invitations(form.selected(), assessment, request.user, options=form.invite_options())
    queued = bulk.total - bulk.skipped
    note = f" {bulk.skipped} already invited before, skipped." if bulk.skipped else ""
    messages.success(request, f"Sending {assessment.name} to {queued} candidate{'s' if queued != 1 else ''}.{note}")
    return redirect("integrations:bulk-send", bulk.pk)


@permission_required("integrations.view_invitation", raise_exception=True)
def bulk_send(request: HttpRequest, pk: int) -> HttpResponse:
    bulk = get_object_or_404(BulkSend.objects.select_related("assessment__account", "created_by"), pk=pk)
    context = {"bulk": bulk, "progress": selectors.bulk_send_progress(bulk)}
    template = "integrations/_bulk_progress.html" if request.htmx else "integrations/bulk_send.html"
    return render(request, template, context)


@permission_required("integrations.view_invitation", raise_exception=True)
def invitation_results(request: HttpRequest, pk: int) -> HttpResponse:
    """Links, videos and transcripts, fetched from the vendor now: pre-signed URLs are never stored."""
    invitation = get_object_or_404(
        Invitation.objects.select_related("assessment__account", "application__candidate"), pk=pk
    )
    results = services.fetch_results(invitation)
    context = {"invitation": invitation, "links": results.links, "media": results.media, "error": results.error}
    return render(request, "integrations/_results.html", context)


@require_POST
@permission_required("integrations.add_invitation", raise_exception=True)
def send_again(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(Invitation.objects.select_related("application__candidate", "assessment"), pk=pk)
    if services.send_again(invitation, request.user):
        messages.success(request, f"Sending {invitation.assessment.name} again.")
    else:
        messages.error(request, "Only a failed invitation can be sent again.")
    return redirect(safe_next(request, default=invitation.application.candidate.get_absolute_url()))
