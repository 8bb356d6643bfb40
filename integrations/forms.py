"""Forms: the admin's (vendor keys are write-only, stage mappings are chosen from the synced catalog) and the
recruiter's (send an assessment, act on invitations)."""

from __future__ import annotations

from typing import Any, TypedDict, cast

from django import forms

from candidates.forms import CARRIED_FILTER_PREFIX, ApplicationSelectionForm
from candidates.models import Job, Stage

from .filters import InvitationPageFilter
from .models import Assessment, Invitation, MergeLink, MergeStageMapping, StageAssessment, VendorAccount
from .selectors import grouped_assessment_choices, invitation_rows, invite_options, sendable_assessments


class Includes(TypedDict):
    """Who a send takes in beyond the default (the keywords of ``services.request_invitations``)."""

    include_ended: bool
    include_completed: bool
    include_closed: bool


KEEP = "Saved. Leave empty to keep it; type a new value to replace it."
MISSING = "Not set yet."


def _secret_field(label: str, is_set: bool) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=KEEP if is_set else MISSING,
    )


def _base_url_field() -> forms.URLField:
    return forms.URLField(
        required=False,
        assume_scheme="https",
        help_text=VendorAccount._meta.get_field("base_url").help_text,
        label="Base URL",
    )


class VendorAccountAddForm(forms.ModelForm):
    """First step: which vendor and where. The keys come on the next page, in that vendor's fields."""

    base_url = _base_url_field()

    class Meta:
        model = VendorAccount
        fields = ["vendor", "name", "base_url", "enabled"]


class VendorAccountForm(forms.ModelForm):
    """Keys and the webhook secret are accepted but never rendered back."""

    base_url = _base_url_field()

    class Meta:
        model = VendorAccount
        fields = ["name", "base_url", "enabled"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        saved = self.instance.credentials or {}
        self.credential_names = list(self.instance.client_class.credential_fields)
        for name, label in self.instance.client_class.credential_fields.items():
            self.fields[f"credential_{name}"] = _secret_field(label, bool(saved.get(name)))
        if self.instance.sends_webhooks:  # WedgeHR sends none: there is no secret to ask for
            self.fields["new_webhook_secret"] = _secret_field("Webhook secret", bool(self.instance.webhook_secret))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        assert cleaned is not None  # ModelForm.clean returns cleaned_data
        merged = dict(self.instance.credentials or {})
        for name in self.credential_names:
            if cleaned.get(f"credential_{name}"):
                merged[name] = cleaned[f"credential_{name}"]
        missing = [self.instance.client_class.credential_fields[n] for n in self.credential_names if not merged.get(n)]
        if missing and cleaned.get("enabled"):
            raise forms.ValidationError(f"An enabled account needs: {', '.join(missing)}.")
        # Only what was typed: the admin tests it before it replaces keys that work (services.change_keys).
        cleaned["typed_credentials"] = {
            name: cleaned[f"credential_{name}"] for name in self.credential_names if cleaned.get(f"credential_{name}")
        }
        return cleaned

    def save(self, commit: bool = True) -> VendorAccount:
        if self.cleaned_data.get("new_webhook_secret"):
            self.instance.webhook_secret = self.cleaned_data["new_webhook_secret"]
        return super().save(commit)


class AssessmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Assessment) -> str:
        return f"{obj.account.get_vendor_display()} · {obj.name} ({obj.get_kind_display()})"


class StageMappingForm(forms.ModelForm):
    """One row of a job's mapping page: a stage and what it sends."""

    assessment = AssessmentChoiceField(queryset=Assessment.objects.none(), required=False, empty_label="— none —")

    class Meta:
        model = StageAssessment
        fields = [
            "assessment",
            "invite_on_entry",
            "send_email",
            "link_expiry_days",
            "deadline_days",
            "cancel_on_exit",
            "reinvite_on_reentry",
        ]

    def __init__(self, *args: Any, stage: Stage, assessments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stage = stage
        field = cast(forms.ModelChoiceField, self.fields["assessment"])
        current = self.instance.assessment if self.instance.pk else None
        if current is not None and current not in assessments:
            # Still mapped but no longer offered (or its account disabled): keep it visible, and choosable.
            assessments = assessments | Assessment.objects.filter(pk=current.pk)
        field.queryset = assessments
        # Grouped by vendor account: the same label in two accounts cannot be confused.
        choices = grouped_assessment_choices(field.queryset.select_related("account"))
        field.choices = [("", "— none —"), *choices]
        for name in ("link_expiry_days", "deadline_days"):
            self.fields[name].widget.attrs.update(size=3, style="width: 4em")


class SendAssessmentForm(ApplicationSelectionForm):
    """Send an assessment to the ticked applications of a job, or to all that match the page's filters."""

    assessment = AssessmentChoiceField(
        queryset=Assessment.objects.none(),
        error_messages={
            "required": "Choose an assessment to send.",
            "invalid_choice": "That assessment can no longer be sent: it is inactive or its account is disabled.",
        },
    )
    include_ended = forms.BooleanField(required=False, label="include those whose invitation expired or was canceled")
    include_completed = forms.BooleanField(required=False, label="include those who completed it (a retake)")
    include_closed = forms.BooleanField(required=False, label="include rejected and hired")

    def includes(self) -> Includes:
        return Includes(
            include_ended=bool(self.cleaned_data.get("include_ended")),
            include_completed=bool(self.cleaned_data.get("include_completed")),
            include_closed=bool(self.cleaned_data.get("include_closed")),
        )

    def __init__(self, *args: Any, job: Job, **kwargs: Any) -> None:
        super().__init__(*args, job=job, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["assessment"])
        field.queryset = sendable_assessments()
        # Grouped by vendor account, so that look-alike names of two accounts cannot be mixed up.
        field.choices = [("", "Choose an assessment…"), *grouped_assessment_choices(field.queryset)]

    def invite_options(self) -> dict[str, Any]:
        return invite_options(self.job.pk, self.cleaned_data["assessment"])


class MergeLinkForm(forms.ModelForm):
    """A Merge link: the API key and the linked account token are accepted but never rendered back."""

    base_url = forms.URLField(
        required=False,
        assume_scheme="https",
        help_text=MergeLink._meta.get_field("base_url").help_text,
        label="Base URL",
    )
    # Declared here so that the admin's form factory knows them; __init__ sets their help per link.
    new_api_key = _secret_field("Merge API key", False)
    new_account_token = _secret_field("Linked account token", False)

    class Meta:
        model = MergeLink
        fields = ["name", "ats_name", "base_url", "remote_user_id", "enabled"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_api_key"] = _secret_field("Merge API key", bool(self.instance.api_key))
        self.fields["new_account_token"] = _secret_field("Linked account token", bool(self.instance.account_token))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        assert cleaned is not None  # ModelForm.clean returns cleaned_data
        missing = [
            label
            for name, saved, label in (
                ("new_api_key", self.instance.api_key, "Merge API key"),
                ("new_account_token", self.instance.account_token, "Linked account token"),
            )
            if not (cleaned.get(name) or saved)
        ]
        if missing and cleaned.get("enabled"):
            raise forms.ValidationError(f"An enabled link needs: {', '.join(missing)}.")
        return cleaned

    def save(self, commit: bool = True) -> MergeLink:
        if self.cleaned_data.get("new_api_key"):
            self.instance.api_key = self.cleaned_data["new_api_key"]
        if self.cleaned_data.get("new_account_token"):
            self.instance.account_token = self.cleaned_data["new_account_token"]
        return super().save(commit)


class MergeStageMappingForm(forms.ModelForm):
    """One ATS stage and the local stage its interviews bring applications into; the ATS stage's id and
    name are typed in, or picked from the ATS's list with ``for_remote_stages``."""

    remote_stages: dict[str, str] | None = None

    class Meta:
        model = MergeStageMapping
        fields = ["remote_stage_id", "remote_stage_name", "stage"]

    @classmethod
    def for_remote_stages(cls, choices: list[tuple[str, str]]) -> type[MergeStageMappingForm]:
        """The form with the ATS stage chosen from ``choices`` ((id, label) pairs); its name follows the choice."""
        declared = {
            "remote_stages": dict(choices),
            "remote_stage_id": forms.ChoiceField(label="ATS stage", choices=[("", "---------"), *choices]),
            "remote_stage_name": forms.CharField(required=False, widget=forms.HiddenInput),
        }
        return type(cls.__name__, (cls,), declared)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stage_field = cast(forms.ModelChoiceField, self.fields["stage"])
        stage_field.queryset = Stage.objects.select_related("job").order_by("job__title", "order")
        current = self.instance.remote_stage_id
        if self.remote_stages is not None and current and current not in self.remote_stages:
            field = cast(forms.ChoiceField, self.fields["remote_stage_id"])  # for_remote_stages made it a choice
            gone = f"{self.instance.remote_stage_name or current} (no longer in the ATS)"
            listed = cast("list[tuple[str, str]]", field.choices)  # the list for_remote_stages gave, normalized
            field.choices = [*listed, (current, gone)]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        assert cleaned is not None  # ModelForm.clean returns cleaned_data
        if self.remote_stages is not None:
            chosen = cleaned.get("remote_stage_id")
            name = self.remote_stages.get(chosen) if chosen is not None else None
            cleaned["remote_stage_name"] = name or self.instance.remote_stage_name
        return cleaned


class InvitationSelectionForm(ApplicationSelectionForm):
    """The ticked applications (and optionally one assessment) whose open invitations a bulk action acts on."""

    use_required_attribute = False

    # Only this assessment's invitations: the job page's assessment filter, when one is set.
    invitations_of = AssessmentChoiceField(queryset=Assessment.objects.none(), required=False)

    def __init__(self, *args: Any, job: Job, **kwargs: Any) -> None:
        super().__init__(*args, job=job, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["invitations_of"])
        field.queryset = Assessment.objects.select_related("account")


class InvitationActionForm(forms.Form):
    """The ticked invitations of a list, or every one the list's filters keep (carried as ``filter-<name>``)."""

    use_required_attribute = False

    invitations = forms.ModelMultipleChoiceField(queryset=Invitation.objects.only("pk"), required=False)
    all_matching = forms.BooleanField(required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        assert cleaned is not None  # Form.clean returns cleaned_data
        if not cleaned.get("all_matching") and not cleaned.get("invitations"):
            raise forms.ValidationError("Tick at least one invitation.")
        return cleaned

    def selected(self) -> list[Invitation]:
        rows = invitation_rows()
        if self.cleaned_data["all_matching"]:
            return list(InvitationPageFilter(self.data, queryset=rows, prefix=CARRIED_FILTER_PREFIX).qs)
        return list(rows.filter(pk__in=[invitation.pk for invitation in self.cleaned_data["invitations"]]))
