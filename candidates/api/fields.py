"""Request fields shared by the pipeline and integrations APIs."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django_filters.fields import ChoiceField
from drf_spectacular.utils import OpenApiResponse, extend_schema_field
from rest_framework import serializers

# Enough for any "select all" on a job page, few enough to stay within one SQL statement's parameters.
MAX_APPLICATIONS_PER_REQUEST = 5000
# The largest id a 64-bit primary key holds.
MAX_ID = 2**63 - 1
# A body well formed but naming objects that do not exist (config.api.exception_handler answers 404).
UNKNOWN_IDS = OpenApiResponse(description="An id in the body names no object: the body names the field.")


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer, nothing else: 1.5, "1" or true is refused, never truncated or coerced."""

    default_error_messages = {"invalid": "A valid integer is required (a JSON number without a fraction)."}

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """A JSON true or false: 0, 1 or "yes" is refused rather than read as one."""

    default_error_messages = {"invalid": "Must be true or false."}

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


def id_field(**kwargs: Any) -> StrictIntegerField:
    return StrictIntegerField(min_value=1, max_value=MAX_ID, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class StrictPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """An object by its id, given as a JSON integer: 1.5 is refused, not read as object 1."""

    def to_internal_value(self, data: Any) -> Any:
        id_field().run_validation(data)
        return super().to_internal_value(data)


def application_ids(**kwargs: Any) -> serializers.ListField:
    """A non-empty list of application ids."""
    return serializers.ListField(
        child=id_field(), allow_empty=False, min_length=1, max_length=MAX_APPLICATIONS_PER_REQUEST, **kwargs
    )


class _IdFormField(forms.IntegerField):
    def clean(self, value: Any) -> int | None:
        # Absent means "any"; present but empty (``?job=``) is no id at all.
        if value == "":
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().clean(value)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    """A filter on an id: a positive whole number, else a 400 naming the parameter. An unknown id matches nothing."""

    field_class = _IdFormField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class _NonEmptyChoiceField(ChoiceField):
    def clean(self, value: Any) -> Any:
        # Absent means "any"; present but empty (``?vendor=``) is none of the choices.
        if value == "":
            raise forms.ValidationError("Give one of the choices, or leave the parameter out.", code="invalid_choice")
        return super().clean(value)


class ChoiceFilter(django_filters.ChoiceFilter):
    """django-filter's choice filter, with an empty value refused (400 naming it) like any other non-choice."""

    field_class = _NonEmptyChoiceField
