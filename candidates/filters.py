from functools import cache

import django_filters
from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.module_loading import import_string

from .models import Application, Job, Stage
from .selectors import job_applications, search_applications


class ApplicationFilter(django_filters.FilterSet):
    """The job page's filters: a stage and a free-text search on name and email."""

    stage = django_filters.ModelChoiceFilter(queryset=Stage.objects.none(), empty_label="All stages")
    q = django_filters.CharFilter(
        method="search",
        label="Search",
        widget=forms.TextInput(attrs={"placeholder": "Name or email", "type": "search"}),
    )

    class Meta:
        model = Application
        fields = ["stage", "q"]

    def __init__(self, data=None, *, job: Job, **kwargs) -> None:
        super().__init__(data, queryset=job_applications(job), **kwargs)
        self.filters["stage"].queryset = job.stages.order_by("order")

    def search(self, queryset: QuerySet[Application], name: str, value: str) -> QuerySet[Application]:
        return search_applications(queryset, value)


@cache
def job_page_filter() -> type[ApplicationFilter]:
    """The job page's filter set: this one, or a subclass other apps add filters to (the invitations')
    named by ``settings.JOB_PAGE_FILTERSET``, so that the pipeline never imports them."""
    return import_string(getattr(settings, "JOB_PAGE_FILTERSET", "candidates.filters.ApplicationFilter"))
