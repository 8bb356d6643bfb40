from typing import Any, cast

from django import forms
from django.contrib import admin
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest

from . import services
from .models import Application, Candidate, Job, Stage, StageChange


class StageInline(admin.TabularInline):
    model = Stage
    extra = 0
    ordering = ["order"]


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["title", "department", "location", "status", "created_at"]
    list_filter = ["status", "department", "location"]
    search_fields = ["title", "department", "location"]
    inlines = [StageInline]


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    list_display = ["name", "job", "order", "kind"]
    list_filter = ["kind", "job"]
    search_fields = ["name", "job__title"]
    list_select_related = ["job"]


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "email", "phone", "external_ref", "created_at"]
    search_fields = ["first_name", "last_name", "email", "external_ref"]
    list_filter = ["created_at"]


class StageChangeInline(admin.TabularInline):
    model = StageChange
    extra = 0
    can_delete = False
    fields = ["changed_at", "from_stage", "to_stage", "changed_by"]
    readonly_fields = ["changed_at", "from_stage", "to_stage", "changed_by"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class ApplicationAdminForm(forms.ModelForm):
    """Adding or moving an application here does what the pages do: history, stage hooks, invitations."""

    class Meta:
        model = Application
        fields = ["candidate", "job", "stage"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        assert cleaned is not None  # ModelForm.clean returns cleaned_data
        job, stage = cleaned.get("job"), cleaned.get("stage")
        if job and stage and stage.job_id != job.pk:
            self.add_error("stage", f"“{stage.name}” is a stage of “{stage.job.title}”, not of “{job.title}”.")
        if self.instance.pk and job and job.pk != self.instance.job_id:
            self.add_error("job", "An application stays with its job; add the candidate to the other job instead.")
        return cleaned


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    form = ApplicationAdminForm
    list_display = ["candidate", "job", "stage", "stage_entered_at"]
    list_filter = ["job", "stage__kind"]
    search_fields = ["candidate__first_name", "candidate__last_name", "candidate__email", "job__title"]
    list_select_related = ["candidate", "job", "stage"]
    raw_id_fields = ["candidate"]
    readonly_fields = ["stage_entered_at", "created_at"]
    inlines = [StageChangeInline]

    def save_model(self, request: HttpRequest, obj: Application, form: forms.ModelForm, change: bool) -> None:
        with transaction.atomic():
            if not change:
                added = services.apply_to_job(obj.candidate, obj.job, obj.stage, by=cast(User, request.user))
                obj.pk, obj.stage_entered_at, obj.created_at = added.pk, added.stage_entered_at, added.created_at
                obj._state.adding = False
            elif "stage" in form.changed_data:
                services.move_to_stage([obj], obj.stage, by=cast(User, request.user))
                obj.refresh_from_db()


@admin.register(StageChange)
class StageChangeAdmin(admin.ModelAdmin):
    list_display = ["application", "from_stage", "to_stage", "changed_by", "changed_at"]
    list_filter = ["to_stage__kind", "changed_at"]
    search_fields = ["application__candidate__email", "application__job__title"]
    list_select_related = ["application__candidate", "application__job", "from_stage", "to_stage", "changed_by"]
    date_hierarchy = "changed_at"

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # history is a record, not something to edit
