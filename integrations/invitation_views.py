"""Invitations as lists, across jobs or of one send: counts per state, filters, bulk actions, a CSV export."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from candidates.views import HtmxHttpRequest, carried_filters, safe_next

from . import selectors
from .filters import InvitationPageFilter
from .forms import InvitationActionForm
from .models import BulkSend, Invitation
from .views import act

PAGE_SIZE = 50
ACTIONS = ("cancel", "remind", "retry")
CSV_COLUMNS = [
    "invitation id", "candidate", "email", "job", "assessment", "vendor", "account", "state", "vendor status",
    "round", "invited at", "completed at", "last error", "send id",
]  # fmt: skip


def listed(data: QueryDict | None, invitations: QuerySet[Invitation] | None = None) -> InvitationPageFilter:
    """The list's filters over ``invitations`` (all, by default)."""
    return InvitationPageFilter(
        data or None, queryset=invitations if invitations is not None else selectors.invitation_rows()
    )


def without_state(data: QueryDict) -> QueryDict:
    others = data.copy()
    for name in ("state", "page", "format", "shown"):
        others.pop(name, None)
    return others


def state_links(data: QueryDict, invitations: QuerySet[Invitation]) -> list[dict[str, Any]]:
    """A count per state of what the other filters keep, each a link to that state alone. One query."""
    others = without_state(data)
    counts = selectors.state_counts(listed(others, invitations).qs)
    chosen = set(data.getlist("state"))
    links = []
    for state, label in Invitation._meta.get_field("state").choices or []:
        query = others.copy()
        query.setlist("state", [state])
        links.append(
            {"state": state, "label": label, "count": counts[state], "query": query.urlencode(), "on": state in chosen}
        )
    return links


def page_context(request: HttpRequest, filtered: InvitationPageFilter) -> dict[str, Any]:
    params = request.GET.copy()
    for name in ("page", "shown"):
        params.pop(name, None)
    return {
        "filter": filtered,
        "page": Paginator(filtered.qs, PAGE_SIZE).get_page(request.GET.get("page")),
        "querystring": params.urlencode(),
        "carried_filters": carried_filters(params, leave=("format",)),
    }


@permission_required("integrations.view_invitation", raise_exception=True)
def invitation_list(request: HttpRequest) -> HttpResponseBase:
    filtered = listed(request.GET)
    if request.GET.get("format") == "csv":
        return invitations_csv(filtered.qs, "invitations")
    context = {
        **page_context(request, filtered),
        "states": state_links(request.GET, selectors.invitation_rows()),
        "all_states": without_state(request.GET).urlencode(),
        "without_bounds": _without(request.GET, "changed_since", "changed_before", "page"),
    }
    return render(request, "integrations/invitation_list.html", context)


def _without(data: QueryDict, *names: str) -> str:
    others = data.copy()
    for name in names:
        others.pop(name, None)
    return others.urlencode()


@permission_required("integrations.view_invitation", raise_exception=True)
def bulk_send(request: HtmxHttpRequest, pk: int) -> HttpResponseBase:
    """One send: its progress through the states, live until every invitation is final, and its invitations."""
    bulk = get_object_or_404(BulkSend.objects.select_related("assessment__account", "created_by"), pk=pk)
    invitations = selectors.invitation_rows().filter(bulk_send=bulk)
    filtered = listed(request.GET, invitations)
    if request.GET.get("format") == "csv":
        return invitations_csv(filtered.qs, f"send-{bulk.pk}")
    progress = selectors.bulk_send_progress(bulk)
    still_open = sum(progress["counts"][state] for state in ("queued", "sending", "invited", "started"))
    reminds = not bulk.assessment.account.client_class.reminder_refusal(bulk.assessment.kind)
    context = page_context(request, filtered)
    context.update(
        bulk=bulk,
        progress=progress,
        jobs=selectors.jobs_of_send(bulk),
        states=state_links(request.GET, invitations),
        all_states=without_state(request.GET).urlencode(),
        can_cancel=still_open > 0,
        can_remind=reminds and still_open > 0,
        can_retry=progress["failed"] > 0,
        # "All listed" means this send's, with the page's state filter.
        carried_filters=[("bulk_send", bulk.pk), *context["carried_filters"]],
    )
    # The poll says which actions its page shows; they are sent again only when that changes, so that
    # a form is not swapped away under a recruiter about to press it.
    shown = "".join(str(int(context[name])) for name in ("can_retry", "can_remind", "can_cancel"))
    poll = request.GET.copy()
    poll["shown"] = shown
    context.update(poll_url=f"{request.path}?{poll.urlencode()}", actions_changed=request.GET.get("shown") != shown)
    template = "integrations/_bulk_progress.html" if request.htmx else "integrations/bulk_send.html"
    return render(request, template, context)


@require_POST
@permission_required("integrations.change_invitation", raise_exception=True)
def act_on_listed(request: HttpRequest, action: str) -> HttpResponse:
    """Cancel, remind or send again the ticked invitations, or every one the list's filters keep."""
    if action not in ACTIONS:
        raise Http404("No such action")
    form = InvitationActionForm(request.POST)
    if form.is_valid():
        act(request, form.selected(), action)
    else:
        for error in form.errors.values():
            messages.error(request, " ".join(map(str, error)))
    return redirect(safe_next(request, default=reverse("integrations:invitation-list")))


class _Echo:
    """csv.writer's file: hands each row back instead of storing it."""

    def write(self, value: str) -> str:
        return value


def invitations_csv(invitations: QuerySet[Invitation], name: str) -> StreamingHttpResponse:
    """The invitations as CSV, streamed in chunks so that a long list never sits in memory."""
    writer = csv.writer(_Echo())

    def rows() -> Iterator[str]:
        yield writer.writerow(CSV_COLUMNS)
        for invitation in invitations.iterator(chunk_size=2000):
            candidate, account = invitation.application.candidate, invitation.assessment.account
            yield writer.writerow(
                [
                    invitation.pk, candidate.full_name, candidate.email, invitation.application.job.title,
                    invitation.assessment.name, account.get_vendor_display(), account.name,
                    invitation.get_state_display(), invitation.vendor_status, invitation.round,
                    _iso(invitation.invited_at), _iso(invitation.completed_at), invitation.last_error,
                    invitation.bulk_send_id or "",
                ]
            )  # fmt: skip

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
    return response


def _iso(moment: Any) -> str:
    return moment.isoformat(timespec="seconds") if moment else ""
