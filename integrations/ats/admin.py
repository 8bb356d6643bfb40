"""The Merge link pages of the Django admin: keys, stage mappings, connection check, pull now."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import admin, messages
from django.db.models import Count
from django.http import HttpRequest
from django.urls import path

from ..admin import IntegrationAdminMixin, action_button, report_check
from ..forms import MergeLinkForm, MergeStageMappingForm
from ..models import MergeLink, MergeStageMapping, RemoteInterview
from ..vendors.errors import VendorError
from .links import check_link, position_of, remote_stage_choices
from .pull import pull

# Where _remote_stage_choices keeps the ATS's stages for the rest of the request.
_CHOICES_CACHE = "_merge_stage_choices"
ADMIN_PULL_MAX_PAGES = 10  # "Pull now" answers within a request; the scheduled pull goes on from where it stops


class MergeStageMappingInline(admin.TabularInline):
    """Shown only inside MergeLinkAdmin, which integration admins alone can open."""

    model = MergeStageMapping
    form = MergeStageMappingForm
    fields = ["remote_stage_id", "remote_stage_name", "stage"]
    extra = 1

    def get_formset(self, request: HttpRequest, obj: MergeLink | None = None, **kwargs: Any) -> type:
        choices = _remote_stage_choices(request, obj)
        if choices is not None:
            kwargs["form"] = MergeStageMappingForm.for_remote_stages(choices)
        return super().get_formset(request, obj, **kwargs)


def _remote_stage_choices(request: HttpRequest, link: MergeLink | None) -> list[tuple[str, str]] | None:
    """The ATS's stages to pick from, or None (typed ids) when the link cannot list them yet."""
    if link is None or not (link.api_key and link.account_token):
        return None
    if not hasattr(request, _CHOICES_CACHE):
        choices: list[tuple[str, str]] | None
        try:
            choices = remote_stage_choices(link)
        except VendorError as exc:
            messages.warning(request, f"Could not list the ATS's stages ({exc}); enter their ids and names.")
            choices = None
        setattr(request, _CHOICES_CACHE, choices)
    return getattr(request, _CHOICES_CACHE)


@admin.register(MergeLink)
class MergeLinkAdmin(IntegrationAdminMixin, admin.ModelAdmin):
    form = MergeLinkForm
    list_display = ["name", "ats_name", "enabled", "last_synced_at", "problems", "mapping_count"]
    list_filter = ["enabled"]
    search_fields = ["name", "ats_name"]
    actions = ["test_connection", "pull_now"]
    readonly_fields = [
        "api_base_url",
        "connection",
        "capabilities",
        "sync_state",
        "last_synced_at",
        "last_error",
        "last_push_error",
    ]
    inlines = [MergeStageMappingInline]
    fieldsets = [
        (None, {"fields": ["name", "ats_name", "enabled", "base_url", "api_base_url", "remote_user_id"]}),
        (
            "Keys",
            {
                "fields": ["new_api_key", "new_account_token"],
                "description": "Stored encrypted. Never shown again once saved.",
            },
        ),
        ("Connection", {"fields": ["connection", "capabilities"]}),
        ("Sync", {"fields": ["sync_state", "last_synced_at", "last_error", "last_push_error"]}),
    ]

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).annotate(n_mappings=Count("stage_mappings"))

    @admin.display(description="API base URL in use")
    def api_base_url(self, obj: MergeLink) -> str:
        return obj.api_base_url

    @admin.display(description="Pull position")
    def sync_state(self, obj: MergeLink) -> str:
        position = position_of(obj)
        since = f"changes since {position.watermark:%Y-%m-%d %H:%M:%S} UTC" if position.watermark else "everything"
        return f"{since}; a pull is under way (resumes from its saved page)" if position.cursor else since

    @admin.display(description="Problems")
    def problems(self, obj: MergeLink) -> str:
        failed_check = obj.last_check_message if obj.last_check_ok is False else ""
        found = (failed_check, obj.last_error, obj.last_push_error, obj.capabilities)
        return "; ".join(e for e in found if e) or "—"

    @admin.display(description="Connection")
    def connection(self, obj: MergeLink) -> str:
        if obj.last_check_ok is None:
            return "Not checked yet: press Test connection."
        verdict = "OK" if obj.last_check_ok else "Failed"
        return f"{verdict} ({obj.last_checked_at:%Y-%m-%d %H:%M} UTC): {obj.last_check_message}"

    def get_urls(self) -> list:
        button = partial(action_button, self)
        return [
            path("<path:object_id>/test-connection/", button(self.test_connection), name="integrations_mergelink_test"),
            path("<path:object_id>/pull-now/", button(self.pull_now), name="integrations_mergelink_pull"),
            *super().get_urls(),
        ]

    @admin.display(description="Stage mappings")
    def mapping_count(self, obj: MergeLink) -> int:
        return obj.n_mappings  # type: ignore[attr-defined]  # annotated by get_queryset

    @admin.action(description="Test connection", permissions=["change"])
    def test_connection(self, request: HttpRequest, queryset) -> None:
        for link in queryset:
            report_check(self, request, link, check_link(link))

    @admin.action(description="Pull now", permissions=["change"])
    def pull_now(self, request: HttpRequest, queryset) -> None:
        for link in queryset:
            report = pull(link, max_pages=ADMIN_PULL_MAX_PAGES)
            level = messages.ERROR if report.error else messages.SUCCESS
            self.message_user(request, f"{link}: {report}.", level)


@admin.register(RemoteInterview)
class RemoteInterviewAdmin(IntegrationAdminMixin, admin.ModelAdmin):
    """What was pulled from and pushed to the ATS; read-only, the ATS owns these."""

    list_display = ["remote_id", "link", "application", "status", "start_at", "remote_was_deleted", "pushed_status"]
    list_filter = ["link", "status", "remote_was_deleted", "pushed_status"]
    search_fields = ["remote_id", "remote_application_id", "application__candidate__email"]
    list_select_related = ["link", "application__candidate", "application__job"]
    readonly_fields = [f.name for f in RemoteInterview._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
