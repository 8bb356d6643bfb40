from django import forms

from .models import Application, Job, Stage


class MoveApplicationsForm(forms.Form):
    """Move the ticked applications of one job, or every one matching the page's filters, to a stage."""

    stage = forms.ModelChoiceField(queryset=Stage.objects.none(), empty_label="Move to stage…")
    applications = forms.ModelMultipleChoiceField(queryset=Application.objects.none(), required=False)
    all_matching = forms.BooleanField(required=False)

    def __init__(self, *args, job: Job, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = job.stages.order_by("order")
        self.fields["stage"].label_from_instance = lambda stage: stage.name
        self.fields["applications"].queryset = Application.objects.filter(job=job)

    def clean(self) -> dict:
        cleaned = super().clean()
        if not cleaned.get("all_matching") and not cleaned.get("applications"):
            raise forms.ValidationError("Select at least one candidate.")
        return cleaned
