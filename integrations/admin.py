from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from celery.schedules import ParseException
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.views.decorators.http import require_POST
from django_celery_beat import admin as beat_admin
from django_celery_beat.models import CrontabSchedule

from candidates.models import Job
from candidates.roles import MANAGE_INTEGRATIONS

from . import services
from .forms import StageMappingForm, VendorAccountAddForm, VendorAccountForm
from .models import (
    Assessment,
    Invitation,
    InvitationEvent,
    StageAssessment,
    VendorAccount,
    WebhookEvent,
)
from .selectors import mappable_assessments
from .vendors.errors import VendorError
from .vendors.types import ConnectionCheck

if TYPE_CHECKING:
    _AdminBase = admin.ModelAdmin  # the mixin is only ever mixed into ModelAdmins
else:
    _AdminBase = object


class IntegrationAdminMixin(_AdminBase):
    """Vendor configuration is for integration admins only, whatever the model permissions say."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(MANAGE_INTEGRATIONS) and super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm(MANAGE_INTEGRATIONS) and super().has_view_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm(MANAGE_INTEGRATIONS) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm(MANAGE_INTEGRATIONS) and super().has_delete_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(MANAGE_INTEGRATIONS) and super().has_add_permission(request)


def action_button(model_admin: admin.ModelAdmin, action: Callable[[HttpRequest, QuerySet], None]) -> Callable:
    """A list action as a button of the change page: runs on that one object, then back to its page."""
    model = model_admin.model

    @require_POST
    def view(request: HttpRequest, object_id: str) -> HttpResponse:
        obj = get_object_or_404(model, pk=object_id)
        if not model_admin.has_change_permission(request, obj):
            raise PermissionDenied
        action(request, model._default_manager.filter(pk=obj.pk))
        return redirect(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", obj.pk)

    return model_admin.admin_site.admin_view(view)


def report_check(model_admin: admin.ModelAdmin, request: HttpRequest, subject: object, result: ConnectionCheck) -> None:
    """Show a connection check the way the vendor answered it."""
    verdict = "connected" if result.ok else "failed"
    level = messages.SUCCESS if result.ok else messages.ERROR
    model_admin.message_user(request, f"{subject}: {verdict}. {result.message}", level)


@admin.register(VendorAccount)
class VendorAccountAdmin(IntegrationAdminMixin, admin.ModelAdmin):
    list_display = ["name", "vendor", "enabled", "connection", "last_synced_at", "assessment_count"]
    list_filter = ["vendor", "enabled"]
    search_fields = ["name"]
    actions = ["test_connection", "sync_catalog"]
    readonly_fields = [
        "vendor",
        "api_base_url",
        "key_check",
        "webhook_address",
        "recent_deliveries",
        "connection",
        "health",
        "last_checked_at",
        "last_synced_at",
    ]

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm]:
        form = VendorAccountForm if obj else VendorAccountAddForm
        # The key fields are added per vendor in the form's __init__; only model fields go to the factory.
        kwargs.update(form=form, fields=form.Meta.fields)
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request: HttpRequest, obj: VendorAccount | None = None) -> list:
        if obj is None:
            return [(None, {"fields": ["vendor", "name", "base_url", "enabled"]})]
        form = VendorAccountForm(instance=obj)
        secrets = [name for name in form.fields if name.startswith("credential_") or name == "new_webhook_secret"]
        return [
            (None, {"fields": ["vendor", "name", "enabled", "base_url", "api_base_url"]}),
            (
                "Keys",
                {"fields": [*secrets, "key_check"], "description": "Stored encrypted. Never shown again once saved."},
            ),
            ("Webhooks", {"fields": ["webhook_address", "recent_deliveries"]}),
            ("Status", {"fields": ["connection", "health", "last_checked_at", "last_synced_at"]}),
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return self.readonly_fields if obj else []

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).annotate(n_assessments=Count("assessments"))

    @admin.display(description="Check before saving")
    def key_check(self, obj: VendorAccount) -> str:
        """Beside the keys it tests (static/js/admin-account.js posts them as typed); nothing is saved."""
        url = reverse("admin:integrations_vendoraccount_test_typed", args=[obj.pk])
        return format_html(
            '<span class="typed-check"><button type="button" class="button" data-test-typed="{}">'
            "Test the keys typed above</button> "
            '<span id="typed-check" role="status" aria-live="polite"></span></span>',
            url,
        )

    @admin.display(description="Connection")
    def connection(self, obj: VendorAccount) -> str:
        if obj.last_check_ok is None:
            return "Not checked yet"
        verdict = "OK" if obj.last_check_ok else "Failed"
        return f"{verdict}: {obj.last_check_message}" if obj.last_check_message else verdict

    @admin.display(description="Assessments")
    def assessment_count(self, obj: VendorAccount) -> int:
        return obj.n_assessments  # type: ignore[attr-defined]  # annotated by get_queryset

    @admin.display(description="API base URL in use")
    def api_base_url(self, obj: VendorAccount) -> str:
        return obj.api_base_url

    @admin.display(description="Webhook URL")
    def webhook_address(self, obj: VendorAccount) -> str:
        if not obj.sends_webhooks:
            return f"{obj.get_vendor_display()} sends no webhooks; its status is polled."
        return format_html(
            "<span class='webhook-url'><code>{}</code> "
            "<button type='button' class='button' data-copy='{}'>Copy</button></span><br>"
            "<span class='help'>Paste it into {}'s webhook settings, with the secret above. "
            "Keep it private: for Hireflix, which signs nothing, the address is the only secret.</span>",
            obj.webhook_url(),
            obj.webhook_url(),
            obj.get_vendor_display(),
        )

    @admin.display(description="Last deliveries")
    def recent_deliveries(self, obj: VendorAccount) -> str:
        if not obj.sends_webhooks:
            return "-"
        events = list(WebhookEvent.objects.filter(account=obj).only("received_at", "verdict", "event_type")[:10])
        if not events:
            return f"{obj.get_vendor_display()} has not posted to this address yet."
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (date_format(localtime(e.received_at), "M j, H:i:s"), e.get_verdict_display(), e.event_type or "-")
                for e in events
            ),
        )
        return format_html(
            "<table class='deliveries'><thead><tr><th>Received</th><th>Verdict</th><th>Event</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            rows,
        )

    @admin.display(description="Key health")
    def health(self, obj: VendorAccount) -> str:
        parts = []
        if obj.last_ok_at:
            parts.append(f"Last worked: {date_format(localtime(obj.last_ok_at), 'M j, Y H:i')}.")
        if obj.last_failed_at:
            parts.append(f"Last failed: {date_format(localtime(obj.last_failed_at), 'M j, Y H:i')}: {obj.last_failure}")
        if obj.pending_credentials:
            since = date_format(localtime(obj.pending_since), "M j, H:i") if obj.pending_since else "?"
            parts.append(
                f"A new key entered {since} waits beside the current one and takes over once a check passes. "
                f"Its last check: {obj.pending_failure or 'not yet'}"
            )
        return " ".join(parts) or "Not checked yet."

    def save_model(self, request: HttpRequest, obj: VendorAccount, form: forms.ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            return
        typed = form.cleaned_data.get("typed_credentials") or {}
        if typed:
            result = services.change_keys(obj, typed)
            self.message_user(request, result.sentence(obj), messages.SUCCESS if result.check.ok else messages.WARNING)
        elif obj.credentials and {"base_url", "enabled"} & set(form.changed_data):
            report_check(self, request, obj, services.check_connection(obj))

    def response_add(self, request: HttpRequest, obj: VendorAccount, post_url_continue: str | None = None):
        # The keys are entered on the change page, in the fields of the vendor just chosen.
        messages.info(request, f"Now enter the keys of {obj}.")
        return HttpResponseRedirect(reverse("admin:integrations_vendoraccount_change", args=[obj.pk]))

    # --- actions: on the list and as buttons on the change page ------------------------------
    @admin.action(description="Test connection", permissions=["change"])
    def test_connection(self, request: HttpRequest, queryset) -> None:
        for account in queryset:
            report_check(self, request, account, services.check_connection(account))

    @admin.action(description="Sync catalog", permissions=["change"])
    def sync_catalog(self, request: HttpRequest, queryset) -> None:
        for account in queryset:
            try:
                report = services.sync_catalog(account)
            except VendorError as exc:
                self.message_user(request, f"{account}: sync failed. {exc}", messages.ERROR)
            else:
                self.message_user(request, f"{account}: catalog synced ({report}).", messages.SUCCESS)

    def get_urls(self) -> list:
        button = partial(action_button, self)
        return [
            path(
                "<path:object_id>/test-typed-keys/",
                self.admin_site.admin_view(self.test_typed_keys),
                name="integrations_vendoraccount_test_typed",
            ),
            path(
                "<path:object_id>/test-connection/",
                button(self.test_connection),
                name="integrations_vendoraccount_test",
            ),
            path("<path:object_id>/sync-catalog/", button(self.sync_catalog), name="integrations_vendoraccount_sync"),
            *super().get_urls(),
        ]

    def test_typed_keys(self, request: HttpRequest, object_id: str) -> JsonResponse:
        """Test the keys and base URL as typed in the change form, saved or not; nothing is stored."""
        if request.method != "POST":
            return JsonResponse({"ok": False, "message": "Use the button on the account's page."}, status=405)
        account = get_object_or_404(VendorAccount, pk=object_id)
        if not self.has_change_permission(request, account):
            raise PermissionDenied
        typed = {
            name: request.POST.get(f"credential_{name}", "").strip() for name in account.client_class.credential_fields
        }
        credentials = {**(account.credentials or {}), **{k: v for k, v in typed.items() if v}}
        try:
            base_url = forms.URLField(required=False, assume_scheme="https").clean(request.POST.get("base_url", ""))
        except forms.ValidationError:
            return JsonResponse({"ok": False, "message": "The base URL is not a web address (https://…)."})
        check = services.check_keys(account, credentials, base_url)
        which = "typed" if any(typed.values()) else "saved"
        verdict = "work" if check.ok else "do not work"
        return JsonResponse({"ok": check.ok, "message": f"The {which} keys {verdict}. {check.message}"})


@admin.register(Assessment)
class AssessmentAdmin(IntegrationAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "account", "active", "last_synced_at"]
    list_filter = ["account__vendor", "kind", "active"]
    search_fields = ["name", "remote_id"]
    list_select_related = ["account"]
    readonly_fields = ["account", "remote_id", "kind", "name", "active", "last_synced_at", "raw"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the catalog comes from the vendor (Sync catalog)


@admin.register(StageAssessment)
class StageAssessmentAdmin(IntegrationAdminMixin, admin.ModelAdmin):
    """Mappings are edited a job at a time, on the job's mapping page."""

    list_display = ["stage", "job", "assessment", "invite_on_entry", "send_email", "deadline_days"]
    list_filter = ["assessment__account__vendor", "invite_on_entry"]
    list_select_related = ["stage__job", "assessment__account"]
    search_fields = ["stage__job__title", "stage__name", "assessment__name"]

    @admin.display(description="Job")
    def job(self, obj: StageAssessment) -> str:
        url = reverse("admin:integrations_stageassessment_job", args=[obj.stage.job_id])
        return format_html('<a href="{}">{}</a>', url, obj.stage.job.title)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_urls(self) -> list:
        return [
            path(
                "job/<int:job_id>/", self.admin_site.admin_view(self.map_job), name="integrations_stageassessment_job"
            ),
            *super().get_urls(),
        ]

    def map_job(self, request: HttpRequest, job_id: int) -> HttpResponse:
        """Every stage of a job, each with the assessment it sends (chosen from the synced catalog)."""
        if not (request.user.has_perm(MANAGE_INTEGRATIONS) and self.has_change_permission(request)):
            raise PermissionDenied
        job = get_object_or_404(Job, pk=job_id)
        stages = list(job.stages.select_related("assessment_mapping").order_by("order"))
        assessments = mappable_assessments()
        forms = [
            StageMappingForm(
                request.POST or None,
                prefix=f"stage-{stage.pk}",
                instance=getattr(stage, "assessment_mapping", None),
                stage=stage,
                assessments=assessments,
            )
            for stage in stages
        ]
        if request.method == "POST" and all(form.is_valid() for form in forms):
            with transaction.atomic():
                for form in forms:
                    options = {k: v for k, v in form.cleaned_data.items() if k != "assessment"}
                    services.map_stage(form.stage, form.cleaned_data["assessment"], **options)
            messages.success(request, f"Saved the assessments of {job.title}.")
            return redirect("admin:integrations_stageassessment_job", job.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Assessments per stage: {job.title}",
            "job": job,
            "forms": forms,
            "has_catalog": assessments.exists(),
            "opts": self.model._meta,
        }
        return render(request, "admin/integrations/map_job.html", context)


class InvitationEventInline(admin.TabularInline):
    model = InvitationEvent
    extra = 0
    can_delete = False
    fields = ["occurred_at", "source", "from_state", "to_state", "vendor_status", "message"]
    readonly_fields = ["occurred_at", "source", "from_state", "to_state", "vendor_status", "message"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Invitation)
class InvitationAdmin(IntegrationAdminMixin, admin.ModelAdmin):
    list_display = ["application", "assessment", "state", "vendor_status", "attempts", "state_changed_at"]
    list_filter = ["state", "assessment__account__vendor"]
    search_fields = ["application__candidate__email", "remote_id", "idempotency_key"]
    list_select_related = ["application__candidate", "application__job", "assessment"]
    readonly_fields = [f.name for f in Invitation._meta.fields]
    inlines = [InvitationEventInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class CrontabScheduleAdmin(beat_admin.CrontabScheduleAdmin):
    """django-celery-beat's, except that a schedule typed wrong is described as such instead of crashing the page."""

    list_display = ("__str__", "described")
    fields = ("described", "minute", "hour", "day_of_month", "month_of_year", "day_of_week", "timezone")
    readonly_fields = ("described",)

    @admin.display(description="Human readable")
    def described(self, obj: CrontabSchedule) -> str:
        try:
            return obj.human_readable
        except (ParseException, ValueError, TypeError):
            return "Not a valid schedule: correct the fields below."


admin.site.unregister(CrontabSchedule)
admin.site.register(CrontabSchedule, CrontabScheduleAdmin)
