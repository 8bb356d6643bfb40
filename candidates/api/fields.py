"""Request fields shared by the pipeline and integrations APIs."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

# Enough for any "select all" on a job page, few enough to stay within one SQL statement's parameters.
MAX_APPLICATIONS_PER_REQUEST = 5000


def application_ids(**kwargs: Any) -> serializers.ListField:
    """A non-empty list of application ids."""
    return serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        allow_empty=False,
        max_length=MAX_APPLICATIONS_PER_REQUEST,
        **kwargs,
    )
