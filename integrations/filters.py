"""The recruiter pages' filters on invitations: the job page's (applications by their invitations) and the
invitations page's (invitations across jobs)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from candidates.filters import ApplicationFilter
from candidates.models import Application, Job

from .models import Assessment, BulkSend, Invitation, Vendor, VendorAccount
from .selectors import grouped_assessment_choices, without_secrets
from .states import InvitationState

NO_INVITATION = "none"
_ASSESSMENT_LABEL_FIELDS = ("pk", "name", "kind", "remote_id", "account__vendor", "account__name")
_STATE_CHOICES = [(NO_INVITATION, "No invitation"), *InvitationState.choices]


def _grouped(field: forms.Field, assessments: QuerySet[Assessment] | None, empty: str) -> None:
    """Show an assessment filter's choices grouped by vendor account, as the send dialog does."""
    # Only the widget's options change: the field still validates against its queryset.
    field.widget.choices = [("", empty), *grouped_assessment_choices(assessments if assessments is not None else [])]


class _GroupedAssessmentChoices:
    """Mixin: the filter form's ``assessment`` select grouped by vendor account."""

    @property
    def form(self) -> forms.Form:
        form = super().form  # type: ignore[misc]  # django_filters.FilterSet.form
        if not getattr(form, "_grouped", False):
            field = form.fields["assessment"]
            _grouped(field, cast(forms.ModelChoiceField, field).queryset, "Any assessment")
            form._grouped = True  # built once per filter set
        return form


class _StableOrdering(django_filters.OrderingFilter):
    """Sorts, then breaks ties by id, so that paging through equal names or dates neither repeats nor skips."""

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        qs = super().filter(qs, value)
        return qs.order_by(*qs.query.order_by, "pk") if value else qs


def badge_invitations() -> Prefetch:
    """The invitations the job page shows per application: assessment and vendor, no keys."""
    invitations = Invitation.objects.select_related("assessment__account").order_by("assessment__name", "-round")
    return Prefetch(
        "invitations", queryset=without_secrets(invitations, "assessment__account").defer("assessment__raw", "results")
    )


class JobApplicationFilter(_GroupedAssessmentChoices, ApplicationFilter):
    """The job page's filters: stage and search, plus an invitation's state, vendor and assessment (all on the
    same invitation: "started on Hireflix" is one invitation that is both), and a sort."""

    invitation = django_filters.ChoiceFilter(
        choices=_STATE_CHOICES, method="by_invitation", label="Invitation state", empty_label="Any invitation"
    )
    vendor = django_filters.ChoiceFilter(
        choices=Vendor.choices, method="by_invitation", label="Vendor", empty_label="Any vendor"
    )
    assessment = django_filters.ModelChoiceFilter(
        queryset=Assessment.objects.none(), method="by_invitation", label="Assessment", empty_label="Any assessment"
    )
    sort = _StableOrdering(
        fields=(("candidate__last_name", "name"), ("stage__order", "stage"), ("stage_entered_at", "date")),
        field_labels={"name": "Name", "stage": "Stage", "date": "In stage since"},
        label="Sort",
        empty_label="Newest in stage first",
    )

    class Meta(ApplicationFilter.Meta):
        fields = ["stage", "q"]

    def __init__(self, data: Any = None, *, job: Job, **kwargs: Any) -> None:
        super().__init__(data, job=job, **kwargs)
        used = Assessment.objects.filter(
            Exists(Invitation.objects.filter(assessment=OuterRef("pk"), application__job=job))
        ).select_related("account")
        self.filters["assessment"].queryset = (
            without_secrets(used, "account").defer("raw").order_by("account__vendor", "account__name", "name")
        )

    @property
    def qs(self) -> QuerySet[Application]:
        # Replaces the pipeline's plain prefetch of the invitations with the badges' leaner one.
        return super().qs.prefetch_related(None).prefetch_related(badge_invitations())

    def filter_queryset(self, queryset: QuerySet[Application]) -> QuerySet[Application]:
        queryset = super().filter_queryset(queryset)
        return self._invitation_filter(queryset)

    def by_invitation(self, queryset: QuerySet[Application], name: str, value: Any) -> QuerySet[Application]:
        return queryset  # the three are applied together in _invitation_filter

    def _invitation_filter(self, queryset: QuerySet[Application]) -> QuerySet[Application]:
        data = self.form.cleaned_data
        state, vendor, assessment = data.get("invitation"), data.get("vendor"), data.get("assessment")
        if state == NO_INVITATION:
            matching = Invitation.objects.filter(application=OuterRef("pk"))
            if vendor:
                matching = matching.filter(assessment__account__vendor=vendor)
            if assessment:
                matching = matching.filter(assessment=assessment)
            return queryset.filter(~Exists(matching))
        if not (state or vendor or assessment):
            return queryset
        matching = Invitation.objects.filter(application=OuterRef("pk"))
        if state:
            matching = matching.filter(state=state)
        if vendor:
            matching = matching.filter(assessment__account__vendor=vendor)
        if assessment:
            matching = matching.filter(assessment=assessment)
        return queryset.filter(Exists(matching))


class InvitationPageFilter(_GroupedAssessmentChoices, django_filters.FilterSet):
    """The invitations page: every invitation across jobs, by state, vendor, account, assessment, job, send,
    and "invited more than N days ago and not completed"."""

    state = django_filters.MultipleChoiceFilter(
        choices=InvitationState.choices, label="State", widget=forms.CheckboxSelectMultiple
    )
    vendor = django_filters.ChoiceFilter(
        field_name="assessment__account__vendor", choices=Vendor.choices, label="Vendor", empty_label="Any vendor"
    )
    account = django_filters.ModelChoiceFilter(
        field_name="assessment__account",
        queryset=VendorAccount.objects.none(),
        label="Account",
        empty_label="Any account",
    )
    assessment = django_filters.ModelChoiceFilter(
        queryset=Assessment.objects.none(), label="Assessment", empty_label="Any assessment"
    )
    job = django_filters.ModelChoiceFilter(
        field_name="application__job", queryset=Job.objects.none(), label="Job", empty_label="Any job"
    )
    bulk_send = django_filters.ModelChoiceFilter(
        queryset=BulkSend.objects.none(), label="Send", empty_label="Any send", widget=forms.HiddenInput
    )
    # Hidden bounds on when the state last changed: the status page's links ("failed in the last day",
    # "queued for longer than expected") carry them; the page says so above the table.
    changed_since = django_filters.IsoDateTimeFilter(
        field_name="state_changed_at", lookup_expr="gte", label="State changed since", widget=forms.HiddenInput
    )
    changed_before = django_filters.IsoDateTimeFilter(
        field_name="state_changed_at", lookup_expr="lt", label="State changed before", widget=forms.HiddenInput
    )
    waiting_days = django_filters.NumberFilter(
        method="waiting_longer_than",
        label="Invited over N days ago, not completed",
        min_value=0,
        widget=forms.NumberInput(attrs={"min": 0, "placeholder": "days", "class": "days"}),
    )
    q = django_filters.CharFilter(
        method="search",
        label="Search",
        widget=forms.TextInput(attrs={"placeholder": "Name or email", "type": "search"}),
    )

    class Meta:
        model = Invitation
        fields = ["state", "vendor", "account", "assessment", "job", "bulk_send"]

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(data, *args, **kwargs)
        self.filters["account"].queryset = VendorAccount.objects.only("pk", "vendor", "name").order_by("vendor", "name")
        assessments = Assessment.objects.filter(Exists(Invitation.objects.filter(assessment=OuterRef("pk"))))
        self.filters["assessment"].queryset = (
            assessments.select_related("account").only(*_ASSESSMENT_LABEL_FIELDS)
        ).order_by("account__vendor", "account__name", "name")
        self.filters["job"].queryset = Job.objects.order_by("title")
        self.filters["bulk_send"].queryset = BulkSend.objects.all()

    def waiting_longer_than(self, queryset: QuerySet[Invitation], name: str, value: Any) -> QuerySet[Invitation]:
        since = timezone.now() - timedelta(days=float(value))
        return queryset.filter(invited_at__lt=since, state__in=[InvitationState.INVITED, InvitationState.STARTED])

    def search(self, queryset: QuerySet[Invitation], name: str, value: str) -> QuerySet[Invitation]:
        for term in value.split():
            queryset = queryset.filter(
                Q(application__candidate__first_name__icontains=term)
                | Q(application__candidate__last_name__icontains=term)
                | Q(application__candidate__email__icontains=term)
            )
        return queryset
