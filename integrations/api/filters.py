"""Filters of the API's invitation list."""

from __future__ import annotations

import django_filters

from candidates.api.fields import ChoiceFilter, IdFilter

from ..models import Invitation, Vendor
from ..states import InvitationState


class InvitationFilterSet(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(
        choices=InvitationState.choices, help_text="One or more states: ?state=failed&state=expired."
    )
    vendor = ChoiceFilter(field_name="assessment__account__vendor", choices=Vendor.choices)
    # Ids are whole numbers (else a 400 naming the parameter); an unknown one matches nothing.
    assessment = IdFilter(field_name="assessment_id")
    application = IdFilter(field_name="application_id")
    candidate = IdFilter(field_name="application__candidate_id")
    job = IdFilter(field_name="application__job_id")
    bulk_send = IdFilter(field_name="bulk_send_id")

    class Meta:
        model = Invitation
        fields = ["state", "assessment", "vendor", "application", "candidate", "job", "bulk_send"]
