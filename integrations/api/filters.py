"""Filters of the API's invitation list."""

from __future__ import annotations

import django_filters

from ..models import Invitation, Vendor
from ..states import InvitationState


class InvitationFilterSet(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(
        choices=InvitationState.choices, help_text="One or more states: ?state=failed&state=expired."
    )
    vendor = django_filters.ChoiceFilter(field_name="assessment__account__vendor", choices=Vendor.choices)
    candidate = django_filters.NumberFilter(field_name="application__candidate_id")
    job = django_filters.NumberFilter(field_name="application__job_id")

    class Meta:
        model = Invitation
        fields = ["state", "assessment", "vendor", "application", "candidate", "job", "bulk_send"]
