"""Admin forms: vendor keys are write-only, stage mappings are chosen from the synced catalog."""

from __future__ import annotations

from typing import Any

from django import forms

from candidates.forms import ApplicationSelectionForm
from candidates.models import Job, Stage

from .models import Assessment, StageAssessment, VendorAccount
from .selectors import mappable_assessments

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
        self.fields["new_webhook_secret"] = _secret_field("Webhook secret", bool(self.instance.webhook_secret))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        merged = dict(self.instance.credentials or {})
        for name in self.credential_names:
            if cleaned.get(f"credential_{name}"):
                merged[name] = cleaned[f"credential_{name}"]
        missing = [self.instance.client_class.credential_fields[n] for n in self.credential_names if not merged.get(n)]
        if missing and cleaned.get("enabled"):
            raise forms.ValidationError(f"An enabled account needs: {', '.join(missing)}.")
        cleaned["credentials"] = merged
        return cleaned

    def save(self, commit: bool = True) -> VendorAccount:
        self.instance.credentials = self.cleaned_data["credentials"]
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
        fields = ["assessment", "invite_on_entry", "send_email", "link_expiry_days", "deadline_days"]

    def __init__(self, *args: Any, stage: Stage, assessments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stage = stage
        self.fields["assessment"].queryset = assessments


class SendAssessmentForm(ApplicationSelectionForm):
    """Send an assessment to the ticked applications of a job, or to all that match the page's filters."""

    assessment = AssessmentChoiceField(queryset=Assessment.objects.none(), empty_label="Send assessment…")

    def __init__(self, *args: Any, job: Job, **kwargs: Any) -> None:
        super().__init__(*args, job=job, **kwargs)
        self.fields["assessment"].queryset = mappable_assessments()

    def invite_options(self) -> dict[str, Any]:
        """The options of the job's stage mapped to this assessment, if any; the vendor's defaults otherwise."""
        mapping = (
            StageAssessment.objects.filter(stage__job=self.job, assessment=self.cleaned_data["assessment"])
            .order_by("stage__order")
            .first()
        )
        return mapping.invite_options() if mapping else {"send_email": True}
