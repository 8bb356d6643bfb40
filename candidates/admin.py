from django.contrib import admin

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


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["candidate", "job", "stage", "stage_entered_at"]
    list_filter = ["job", "stage__kind"]
    search_fields = ["candidate__first_name", "candidate__last_name", "candidate__email", "job__title"]
    list_select_related = ["candidate", "job", "stage"]
    raw_id_fields = ["candidate"]
    readonly_fields = ["stage_entered_at", "created_at"]
    inlines = [StageChangeInline]


@admin.register(StageChange)
class StageChangeAdmin(admin.ModelAdmin):
    list_display = ["application", "from_stage", "to_stage", "changed_by", "changed_at"]
    list_filter = ["to_stage__kind", "changed_at"]
    search_fields = ["application__candidate__email", "application__job__title"]
    list_select_related = ["application__candidate", "application__job", "from_stage", "to_stage", "changed_by"]
    date_hierarchy = "changed_at"

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # history is a record, not something to edit
