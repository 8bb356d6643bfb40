from typing import Any, cast

from django import forms
from django.db.models import QuerySet

from .filters import job_page_filter
from .models import Application, Job, Stage

# Bulk forms carry the page's filters under this prefix: their own fields (a target "stage") must not clash.
CARRIED_FILTER_PREFIX = "filter"


class ApplicationSelectionForm(forms.Form):
    """The ticked applications of one job, or every one matching the filters the page carried along."""

    applications = forms.ModelMultipleChoiceField(queryset=Application.objects.none(), required=False)
    all_matching = forms.BooleanField(required=False)

    def __init__(self, *args: Any, job: Job, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.job = job
        cast(forms.ModelMultipleChoiceField, self.fields["applications"]).queryset = Application.objects.filter(job=job)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        assert cleaned is not None  # Form.clean returns cleaned_data
        if not cleaned.get("all_matching") and not cleaned.get("applications"):
            raise forms.ValidationError("Select at least one candidate.")
        return cleaned

    def selected(self) -> QuerySet[Application] | Any:
        """What the recruiter meant: "all matching" is what the page showed, not the whole job."""
        if self.cleaned_data["all_matching"]:
            matching = job_page_filter()(self.data, job=self.job, prefix=CARRIED_FILTER_PREFIX)
            return matching.qs.values_list("pk", flat=True)
        return self.cleaned_data["applications"]


class MoveApplicationsForm(ApplicationSelectionForm):
    # The bulk bar is one form with several buttons (move, send assessment): the browser must not
    # demand a target stage before sending an assessment. The server still requires it for a move.
    use_required_attribute = False

    stage = forms.ModelChoiceField(queryset=Stage.objects.none(), empty_label="Move to stage…")

    def __init__(self, *args: Any, job: Job, **kwargs: Any) -> None:
        super().__init__(*args, job=job, **kwargs)
        stage_field = cast(forms.ModelChoiceField, self.fields["stage"])
        stage_field.queryset = job.stages.order_by("order")
        stage_field.label_from_instance = lambda stage: stage.name  # type: ignore[assignment]  # Django's own hook
