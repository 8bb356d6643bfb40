"""Filters of the API's application lists, the same as the job page's."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from rest_framework.request import Request

from ..models import Application, Stage
from ..selectors import search_applications


def _stages_of_the_job(request: Request | None) -> QuerySet[Stage]:
    # Another job's stage is refused (400) rather than silently matching nothing.
    if request is None:
        return Stage.objects.none()
    return Stage.objects.filter(job_id=request.parser_context["kwargs"]["job_pk"])


class ApplicationFilterSet(django_filters.FilterSet):
    stage = django_filters.ModelChoiceFilter(queryset=_stages_of_the_job, help_text="A stage of this job.")
    q = django_filters.CharFilter(method="search", help_text="Candidates whose name or email contain every word.")

    class Meta:
        model = Application
        fields = ["stage", "q"]

    def search(self, queryset: QuerySet[Application], name: str, value: str) -> QuerySet[Application]:
        return search_applications(queryset, value)
