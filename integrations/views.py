"""Recruiter pages of the integrations app: send assessments, follow a send, look at results."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from candidates.models import Job
from candidates.views import safe_next

from . import selectors, services
from .forms import InvitationSelectionForm, SendAssessmentForm
from .models import BulkSend, Invitation
from .states import InvitationState

# A bulk action names at most this many of the invitations it had to leave, then counts the rest.
REFUSALS_SHOWN = 3


def _by(request: HttpRequest) -> User:
    """Who acts: every page here is behind permission_required, which anonymous users never pass."""
    return cast(User, request.user)


@require_POST
@permission_required("integrations.add_invitation", raise_exception=True)
def send_assessment(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(Job, pk=pk)
    form = SendAssessmentForm(request.POST, job=job)
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, " ".join(map(str, error)))
        return redirect(safe_next(request, default=job.get_absolute_url()))
    assessment = form.cleaned_data["assessment"]
    bulk = services.request_invitations(
        form.selected(), assessment, _by(request), options=form.invite_options(), **form.includes()
    )
    queued = bulk.total - bulk.skipped
    if not queued:
        # Nothing to follow: stay on the job, say why nobody was invited and what would include them.
        messages.warning(
            request, f"Nobody was sent {assessment.name}: {services.describe_skips(bulk.skipped_reasons)}.{_hint(bulk)}"
        )
        return redirect(safe_next(request, default=job.get_absolute_url()))
    sending = f"Sending {assessment.name} to {queued} candidate{'s' if queued != 1 else ''}."
    if not bulk.skipped:
        messages.success(request, sending)
    else:
        level = messages.success if queued else messages.warning
        level(request, f"{sending} Left out: {services.describe_skips(bulk.skipped_reasons)}.{_hint(bulk)}")
    return redirect("integrations:bulk-send", bulk.pk)


def _hint(bulk: BulkSend) -> str:
    """What to tick to include those left out, where ticking would."""
    ticks = {
        "ended": "“include those whose invitation expired or was canceled”",
        "completed": "“include those who completed it (a retake)”",
        "closed_stage": "“include rejected and hired”",
    }
    wanted = [label for reason, label in ticks.items() if bulk.skipped_reasons.get(reason)]
    return f" To send to them too, tick {' and '.join(wanted)}." if wanted else ""


@permission_required("integrations.view_invitation", raise_exception=True)
def invitation_results(request: HttpRequest, pk: int) -> HttpResponse:
    """Links, videos and transcripts, fetched from the vendor now: pre-signed URLs are never stored."""
    invitation = get_object_or_404(
        Invitation.objects.select_related("assessment__account", "application__candidate"), pk=pk
    )
    results = services.fetch_results(invitation)
    context = {
        "invitation": invitation,
        "links": results.links,
        "media": results.media,
        "error": results.error,
        "advice": results.advice,
    }
    return render(request, "integrations/_results.html", context)


@require_POST
@permission_required("integrations.add_invitation", raise_exception=True)
def send_again(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(Invitation.objects.select_related("application__candidate", "assessment"), pk=pk)
    if services.send_again(invitation, _by(request)):
        messages.success(request, f"Sending {invitation.assessment.name} again.")
    else:
        messages.error(request, "Only a failed invitation can be sent again.")
    return redirect(safe_next(request, default=invitation.application.candidate.get_absolute_url()))


# --- what a recruiter does to invitations once they are out ---------------------------------------------
def _invitation(pk: int) -> Invitation:
    return get_object_or_404(
        Invitation.objects.select_related("assessment__account", "application__candidate", "bulk_send"), pk=pk
    )


def _back(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    return redirect(safe_next(request, default=invitation.application.candidate.get_absolute_url()))


@require_POST
@permission_required("integrations.change_invitation", raise_exception=True)
def cancel_invitation(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _invitation(pk)
    try:
        services.cancel([invitation], _by(request))
    except services.ActionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, f"Canceled {invitation.application.candidate.full_name}'s {invitation.assessment.name} invitation."
        )
    return _back(request, invitation)


@require_POST
@permission_required("integrations.change_invitation", raise_exception=True)
def remind_invitation(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _invitation(pk)
    try:
        services.remind([invitation], _by(request))
    except services.ActionRefused as exc:
        messages.error(request, str(exc))
    else:
        vendor = invitation.assessment.account.get_vendor_display()
        messages.success(request, f"Asked {vendor} to remind {invitation.application.candidate.full_name}.")
    return _back(request, invitation)


@require_POST
@permission_required("integrations.change_invitation", raise_exception=True)
def reinvite_invitation(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _invitation(pk)
    try:
        new = services.reinvite(invitation, _by(request))
    except services.ActionRefused as exc:
        messages.error(request, str(exc))
    else:
        name = invitation.application.candidate.full_name
        messages.success(request, f"Inviting {name} to {invitation.assessment.name} again (round {new.round}).")
    return _back(request, invitation)


@require_POST
@permission_required("integrations.change_invitation", raise_exception=True)
def act_on_invitations(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Cancel or remind the open invitations of the ticked applications of a job (of one assessment, if chosen)."""
    job = get_object_or_404(Job, pk=pk)
    form = InvitationSelectionForm(request.POST, job=job)
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, " ".join(map(str, error)))
        return redirect(safe_next(request, default=job.get_absolute_url()))
    invitations = selectors.open_invitations(form.selected(), form.cleaned_data.get("invitations_of"))
    act(request, invitations, action)
    return redirect(safe_next(request, default=job.get_absolute_url()))


@require_POST
@permission_required("integrations.change_invitation", raise_exception=True)
def act_on_bulk_send(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Cancel or remind the invitations of one send that are still open, or send its failed ones again."""
    bulk = get_object_or_404(BulkSend, pk=pk)
    if action == "retry":
        invitations = list(selectors.invitation_rows().filter(bulk_send=bulk, state=InvitationState.FAILED))
    else:
        invitations = selectors.open_invitations_of_send(bulk)
    act(request, invitations, action)
    return redirect("integrations:bulk-send", bulk.pk)


def act(request: HttpRequest, invitations: list[Invitation], action: str) -> None:
    """Act on those the state and vendor allow; say how many, and why the others were left."""
    actions: dict[str, tuple[Callable[[Invitation], None], Callable[[list[Invitation], User], int], str]] = {
        "cancel": (services.lifecycle.check_cancel, services.cancel, "Canceled"),
        "remind": (services.lifecycle.check_remind, services.remind, "Asked for a reminder for"),
        "retry": (services.lifecycle.check_retry, services.retry_failed, "Sent again"),
    }
    check, perform, verb = actions[action]
    allowed: list[Invitation] = []
    refused: list[str] = []
    for invitation in invitations:
        try:
            check(invitation)
        except services.ActionRefused as exc:
            refused.append(str(exc))
        else:
            allowed.append(invitation)
    if allowed:
        perform(allowed, _by(request))
        messages.success(request, f"{verb} {len(allowed)} invitation{'s' if len(allowed) != 1 else ''}.")
    elif not refused:
        none = "failed invitation" if action == "retry" else "open invitation"
        messages.warning(request, f"There is no {none} among them: nothing was changed.")
    distinct = list(dict.fromkeys(refused))
    for reason in distinct[:REFUSALS_SHOWN]:
        messages.warning(request, reason)
    if len(distinct) > REFUSALS_SHOWN:
        messages.warning(
            request, f"{len(distinct) - REFUSALS_SHOWN} more were left as they are, for reasons like these."
        )
