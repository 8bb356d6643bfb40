"""Filters of the API's application lists, the same as the job page's."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet

from ..models import Application
from ..selectors import search_applications
from .fields import IdFilter


class ApplicationFilterSet(django_filters.FilterSet):
    # Another job's stage, like an unknown one, matches nothing: the schema cannot tell which ids exist.
    stage = IdFilter(field_name="stage_id", help_text="A stage of this job.")
    q = django_filters.CharFilter(method="search", help_text="Candidates whose name or email contain every word.")

    class Meta:
        model = Application
        fields = ["stage", "q"]

    def search(self, queryset: QuerySet[Application], name: str, value: str) -> QuerySet[Application]:
        return search_applications(queryset, value)
