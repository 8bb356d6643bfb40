from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_htmx.middleware import HtmxDetails

from . import selectors, services
from .filters import job_page_filter
from .forms import MoveApplicationsForm
from .models import Candidate, Job
from .signals import Notice

PAGE_SIZE = 50


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails  # set by django_htmx's middleware


@permission_required("candidates.view_application", raise_exception=True)
def job_list(request: HttpRequest) -> HttpResponse:
    return render(request, "candidates/job_list.html", {"jobs": selectors.jobs_with_stage_counts()})


@permission_required("candidates.view_application", raise_exception=True)
def job_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(Job, pk=pk)
    applications = job_page_filter()(request.GET or None, job=job)
    page = Paginator(applications.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    stages = selectors.job_stages(job)
    board = selectors.board_columns(applications.qs, stages) if request.GET.get("view") == "board" else None
    context = {
        "job": job,
        "stages": stages,
        "board": board,
        "board_cards": [card for column in board or () for card in column.cards],
        # The board's "N more" and the Table/Board switch keep the filters, not the page or the view.
        "list_query": _without(request, "page", "view", "stage"),
        "table_query": _without(request, "page", "view"),
        "filter": applications,
        "page": page,
        "move_form": MoveApplicationsForm(job=job),
        "querystring": _without_page(request),
        "carried_filters": carried_filters(request.GET),
    }
    # htmx swaps only the table when the filters change.
    template = "candidates/_applications.html" if request.htmx else "candidates/job_detail.html"
    return render(request, template, context)


@require_POST
@permission_required("candidates.change_application", raise_exception=True)
def move_applications(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(Job, pk=pk)
    form = MoveApplicationsForm(request.POST, job=job)
    if form.is_valid():
        stage = form.cleaned_data["stage"]
        notices: list[Notice] = []
        try:
            # permission_required refuses anonymous users, who hold no permissions.
            moved = services.move_to_stage(form.selected(), stage, by=cast(User, request.user), notices=notices)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            noun = "application" if len(moved) == 1 else "applications"
            messages.success(request, _with_notices(f"Moved {len(moved)} {noun} to {stage.name}.", notices))
    else:
        for error in form.errors.values():
            messages.error(request, " ".join(map(str, error)))
    return redirect(safe_next(request, default=job.get_absolute_url()))


@permission_required("candidates.view_candidate", raise_exception=True)
def candidate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        candidate = selectors.candidate_with_history(pk)
    except Candidate.DoesNotExist as exc:
        raise Http404("No such candidate") from exc
    return render(request, "candidates/candidate_detail.html", {"candidate": candidate})


def _with_notices(text: str, notices: list[Notice]) -> str:
    """The move's own sentence, then what it set off, each with its link."""
    links = (
        (notice.text, format_html(' <a href="{}">{}</a>', notice.url, notice.link_text) if notice.url else "")
        for notice in notices
    )
    return format_html("{} {}", text, format_html_join(" ", "{}{}", links))


def safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


def carried_filters(params: QueryDict, leave: tuple[str, ...] = ("page",)) -> list[tuple[str, str]]:
    """The list's filters as (name, value) pairs for a bulk form to carry, so that "all matching" means
    what the page shows."""
    return [(name, value) for name, values in params.lists() if name not in leave for value in values]


def _without_page(request: HttpRequest) -> str:
    return _without(request, "page")


def _without(request: HttpRequest, *names: str) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()
