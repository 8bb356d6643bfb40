"""The send dialog's preview: who a send would invite and who it would leave out, before anything is sent."""

from __future__ import annotations

from itertools import chain
from typing import Any

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from candidates.models import Application, Job

from . import selectors, services
from .forms import SendAssessmentForm

# Names listed per group; the count says how many more there are.
NAMES_SHOWN = 100
# Above this many, the dialog asks the recruiter to confirm the count before sending.
CONFIRM_ABOVE = 20


def selected_ids(selection: Any) -> list[int]:
    """The form's selection (applications, or the ids of all matching) as ids."""
    return [item.pk if isinstance(item, Application) else int(item) for item in selection]


@require_POST
@permission_required("integrations.add_invitation", raise_exception=True)
def send_preview(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(Job, pk=pk)
    form = SendAssessmentForm(request.POST, job=job)
    if not form.is_valid():
        problems = [str(message) for errors in form.errors.values() for message in errors]
        return render(request, "integrations/_send_preview.html", {"job": job, "problems": problems})
    assessment = form.cleaned_data["assessment"]
    preview = services.preview_send(selected_ids(form.selected()), assessment, **form.includes())
    shown = chain(preview.invite_ids[:NAMES_SHOWN], *(g.application_ids[:NAMES_SHOWN] for g in preview.groups))
    names = selectors.candidate_names(shown)
    context = {
        "job": job,
        "assessment": assessment,
        "preview": preview,
        "invitees": _names(preview.invite_ids, names),
        "groups": [(group, _names(group.application_ids, names)) for group in preview.groups],
        "confirm": preview.invite_count > CONFIRM_ABOVE,
    }
    return render(request, "integrations/_send_preview.html", context)


def _names(ids: list[int], names: dict[int, str]) -> dict[str, Any]:
    listed = sorted(names[pk] for pk in ids[:NAMES_SHOWN] if pk in names)
    return {"listed": listed, "more": max(0, len(ids) - len(listed))}
