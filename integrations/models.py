import secrets
import uuid
from collections.abc import Mapping

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from candidates.models import Application, Stage

from .fields import EncryptedJSONField, EncryptedTextField
from .ratelimit import key_of, throttle_for
from .states import InvitationState
from .vendors import client_class, get_client, webhooks_module
from .vendors.base import VendorClient
from .vendors.types import InvitationRef, VendorConfig

MERGE_API_URL = "https://api.merge.dev/api/ats/v1"


class IntegrationsAccess(models.Model):
    """Holds the app-wide permission that guards vendor configuration; it has no table."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("manage_integrations", "Can configure vendor accounts, keys and stage mappings")]

    def __str__(self) -> str:
        return "Integrations access"


class Vendor(models.TextChoices):
    WEDGEHR = "wedgehr", "WedgeHR"
    HIREFLIX = "hireflix", "Hireflix"
    INTERVUE = "intervue", "intervue.io"


def _webhook_token() -> str:
    return secrets.token_urlsafe(24)


class VendorAccount(models.Model):
    """One set of keys for one vendor. Keys and secrets are encrypted and never shown again."""

    vendor = models.CharField(max_length=20, choices=Vendor)
    name = models.CharField(max_length=120, help_text="To tell accounts apart, e.g. “EU production”.")
    base_url = models.URLField(
        blank=True, help_text="Leave empty for the vendor's production API; set it to use the sandbox."
    )
    credentials = EncryptedJSONField(default=dict, blank=True)
    webhook_secret = EncryptedTextField(blank=True)
    # The secret path segment of this account's webhook URL (Hireflix signs nothing, so the URL is the secret).
    webhook_token = models.CharField(max_length=64, unique=True, default=_webhook_token, editable=False)
    enabled = models.BooleanField(default=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_check_ok = models.BooleanField(null=True)
    last_check_message = models.TextField(blank=True)
    # Credential health: checked on save, daily by beat, and whenever the vendor refuses the key.
    last_check_problem = models.CharField(max_length=20, blank=True, help_text="Which part failed last.")
    last_ok_at = models.DateTimeField(null=True, blank=True)
    last_failed_at = models.DateTimeField(null=True, blank=True)
    last_failure = models.TextField(blank=True, help_text="The vendor's words when the keys last failed.")
    # A new key entered beside the one in use; it replaces it once a check passes.
    pending_credentials = EncryptedJSONField(default=dict, blank=True)
    pending_since = models.DateTimeField(null=True, blank=True)
    pending_failure = models.TextField(blank=True)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["vendor", "name"]
        constraints = [models.UniqueConstraint(fields=["vendor", "name"], name="vendoraccount_unique_name")]

    def __str__(self) -> str:
        return f"{self.get_vendor_display()} · {self.name}"

    @property
    def client_class(self) -> type[VendorClient]:
        return client_class(self.vendor)

    @property
    def api_base_url(self) -> str:
        return self.base_url or self.client_class.default_base_url

    @property
    def sends_webhooks(self) -> bool:
        return webhooks_module(self.vendor) is not None

    def client(self, credentials: Mapping[str, str] | None = None, base_url: str | None = None) -> VendorClient:
        """A client for this account, behind its key's shared rate limiter: nothing calls the vendor around it.

        ``credentials`` and ``base_url`` replace the saved ones, to test keys typed but not saved.
        """
        credentials = dict(self.credentials or {} if credentials is None else credentials)
        url = (self.base_url if base_url is None else base_url) or self.client_class.default_base_url
        config = VendorConfig(base_url=url, credentials=credentials, webhook_secret=self.webhook_secret)
        return get_client(self.vendor, config, throttle=throttle_for(self.vendor, key_of(credentials)))

    def webhook_url(self) -> str:
        path = reverse("integrations:webhook", kwargs={"vendor": self.vendor, "token": self.webhook_token})
        return f"{settings.SITE_URL.rstrip('/')}{path}"


class AssessmentKind(models.TextChoices):
    VIDEO_INTERVIEW = "video_interview", "Video interview"
    POSITION = "position", "Position"
    HIRING_ROLE = "hiring_role", "Hiring role"
    HOME_ASSIGNMENT = "home_assignment", "Home assignment"
    MOCK_INTERVIEW = "mock_interview", "Mock interview"


class Assessment(models.Model):
    """Something a candidate can be invited to at a vendor, kept in sync from its catalog."""

    account = models.ForeignKey(VendorAccount, on_delete=models.CASCADE, related_name="assessments")
    remote_id = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=AssessmentKind)
    name = models.CharField(max_length=300)
    active = models.BooleanField(default=True, help_text="Still offered by the vendor at the last sync.")
    last_synced_at = models.DateTimeField(null=True, blank=True)
    raw = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["account", "name"]
        constraints = [
            models.UniqueConstraint(fields=["account", "kind", "remote_id"], name="assessment_unique_remote"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()}, {self.account.get_vendor_display()})"


class StageAssessment(models.Model):
    """Which assessment a job stage sends, and how."""

    stage = models.OneToOneField(Stage, on_delete=models.CASCADE, related_name="assessment_mapping")
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="stage_mappings")
    invite_on_entry = models.BooleanField(
        default=True, help_text="Invite candidates as soon as they enter the stage; otherwise only on request."
    )
    send_email = models.BooleanField(default=True, help_text="Let the vendor email the invitation.")
    link_expiry_days = models.PositiveSmallIntegerField(
        default=7, help_text="How long the candidate's link stays valid, where the vendor lets us choose."
    )
    deadline_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Remind, then expire, invitations not completed within this many days."
    )
    cancel_on_exit = models.BooleanField(
        "cancel on leaving",
        default=True,
        help_text="Cancel open invitations when the candidate is rejected, hired or moved back before this stage.",
    )
    reinvite_on_reentry = models.BooleanField(
        "re-invite on re-entry",
        default=False,
        help_text="Invite again a candidate who comes back to this stage after their invitation ended.",
    )
    options = models.JSONField(default=dict, blank=True, help_text="Vendor-specific options, e.g. mock time slots.")

    class Meta:
        verbose_name = "stage assessment"

    def __str__(self) -> str:
        return f"{self.stage} → {self.assessment.name}"

    def invite_options(self) -> dict:
        """What every invite sent for this stage carries."""
        return {
            **self.options,
            "send_email": self.send_email,
            "expiry_days": self.link_expiry_days,
            "deadline_days": self.deadline_days,
        }


class BulkSend(models.Model):
    """One request to invite many applications to an assessment: by hand, or on entering a stage.

    Only what cannot be derived is stored; the progress counts come from its invitations.
    """

    class Trigger(models.TextChoices):
        MANUAL = "manual", "Sent by hand"
        STAGE = "stage", "Entered a mapped stage"
        ATS = "ats", "Scheduled in the company ATS"
        REINVITE = "reinvite", "Invited again"

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="bulk_sends")
    trigger = models.CharField(max_length=10, choices=Trigger, default=Trigger.MANUAL)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    total = models.PositiveIntegerField(help_text="Applications asked for, including the skipped ones.")
    skipped = models.PositiveIntegerField(default=0, help_text="Left out: see skipped_reasons.")
    # Why applications were left out: {reason (planning.Skip): count}.
    skipped_reasons = models.JSONField(default=dict, blank=True)
    # send_email, link_expiry_days, deadline_days, time_slots: what every invite of this send carries
    options = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.assessment.name} to {self.total} ({self.created_at:%Y-%m-%d %H:%M})"


def _idempotency_key() -> str:
    return f"inv-{uuid.uuid4().hex}"


# An invitation still under way: at most one per application and assessment.
LIVE_INVITATION = models.Q(state__in=["queued", "sending", "invited", "started"])


class Invitation(models.Model):
    """One round of one application invited to one assessment: its state and what the vendor told us.

    A new round may start once the last one ended (expired, canceled, failed, or completed for a
    retake); each round has its own idempotency key and timeline.
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="invitations")
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="invitations")
    bulk_send = models.ForeignKey(
        BulkSend, on_delete=models.SET_NULL, null=True, blank=True, related_name="invitations"
    )
    state = models.CharField(max_length=20, choices=InvitationState, default=InvitationState.QUEUED, db_index=True)
    round = models.PositiveSmallIntegerField(default=1)
    # Sent with every invite (WedgeHR uniqueId, Hireflix externalId) so a retry can never invite twice.
    idempotency_key = models.CharField(max_length=64, unique=True, default=_idempotency_key, editable=False)
    remote_id = models.CharField(max_length=200, blank=True, db_index=True)
    vendor_status = models.CharField(max_length=100, blank=True)
    candidate_url = models.URLField(max_length=1000, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True, help_text="The vendor's own words for the last failure.")
    # When the send task retries this one next, set as it schedules the retry: shown beside last_error.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Until when the task that holds this send is known to be alive; past it, the send was lost (see leases).
    lease_expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # When an attempt claimed this send, cleared when the attempt ends: set, another attempt may be at it.
    claimed_at = models.DateTimeField(null=True, blank=True)
    # When an invite for this send last went out to the vendor: the in-doubt grace counts from it.
    sent_at = models.DateTimeField(null=True, blank=True)
    # Scores, verdict, feedback and the ids needed to fetch results later; never pre-signed links.
    results = models.JSONField(default=dict, blank=True)
    invited_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    state_changed_at = models.DateTimeField(default=timezone.now)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    # When a poll last found the vendor saying what we already knew: a quiet poll writes only this, in bulk.
    last_confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["application", "assessment", "round"], name="invitation_unique_round"),
            models.UniqueConstraint(
                fields=["application", "assessment"], condition=LIVE_INVITATION, name="invitation_one_live_round"
            ),
        ]
        indexes = [models.Index(fields=["assessment", "state"])]

    def __str__(self) -> str:
        return f"{self.application.candidate} → {self.assessment.name} ({self.state})"

    def ref(self) -> InvitationRef:
        """What a vendor client needs to find this invitation again."""
        return InvitationRef(
            key=self.idempotency_key,
            assessment_id=self.assessment.remote_id,
            assessment_kind=self.assessment.kind,
            email=self.application.candidate.email,
            remote_id=self.remote_id,
        )


class InvitationEvent(models.Model):
    """The timeline of an invitation: every state change and every vendor event, with its source."""

    class Source(models.TextChoices):
        SYSTEM = "system", "System"
        USER = "user", "User"
        VENDOR_API = "vendor_api", "Vendor API answer"
        WEBHOOK = "webhook", "Webhook"
        POLL = "poll", "Polling"

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="events")
    source = models.CharField(max_length=20, choices=Source)
    from_state = models.CharField(max_length=20, choices=InvitationState, blank=True)
    to_state = models.CharField(max_length=20, choices=InvitationState, blank=True)
    vendor_status = models.CharField(max_length=100, blank=True)
    message = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True)
    occurred_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]

    def __str__(self) -> str:
        change = f"{self.from_state} → {self.to_state}" if self.to_state else self.vendor_status or self.message
        return f"{self.get_source_display()}: {change}"


class WebhookEvent(models.Model):
    """Every webhook delivery, stored before anything else happens to it, whatever its verdict."""

    class Verdict(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        DUPLICATE = "duplicate", "Duplicate (already received)"
        STALE = "stale", "Kept, not applied: older than the replay window"
        BAD_SIGNATURE = "bad_signature", "Rejected: signature does not verify"
        MALFORMED = "malformed", "Rejected: malformed"
        UNKNOWN_ACCOUNT = "unknown_account", "Rejected: unknown account"

    account = models.ForeignKey(VendorAccount, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    vendor = models.CharField(max_length=20)
    event_id = models.CharField(max_length=200, blank=True)
    event_type = models.CharField(max_length=100, blank=True)
    verdict = models.CharField(max_length=20, choices=Verdict)
    error = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    # Whole when the delivery authenticated; else its first few KB (invalid UTF-8 and NULs escaped).
    body = models.TextField(blank=True)
    body_length = models.PositiveIntegerField(null=True, blank=True, help_text="Bytes received.")
    body_sha256 = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the bytes received, in hex.")
    # The normalized StatusUpdate the vendor module read from this event, replayed by the apply task.
    update = models.JSONField(null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    processing_error = models.TextField(blank=True)
    # Failed tries to apply it; at WEBHOOK_MAX_APPLY_ATTEMPTS the sweep gives up, the error kept.
    apply_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            # The same event delivered twice is stored once as accepted, then as duplicate.
            models.UniqueConstraint(
                fields=["account", "event_id"],
                condition=models.Q(verdict="accepted"),
                name="webhookevent_unique_accepted_event",
            ),
        ]
        # The sweep's queue, read every second: only the accepted rows not applied yet, so it stays small.
        indexes = [
            models.Index(
                fields=["id"],
                condition=models.Q(verdict="accepted", processed_at=None),
                name="webhookevent_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vendor} {self.event_type or '?'} ({self.verdict})"


# --- Merge: the company's own ATS ---------------------------------------------------------------------------
class MergeLink(models.Model):
    """One company ATS linked through Merge: its keys, and where the incremental pull of interviews stands."""

    name = models.CharField(max_length=120, unique=True, help_text="To tell links apart, e.g. “Acme Greenhouse”.")
    base_url = models.URLField(blank=True, help_text=f"Leave empty for Merge's production API ({MERGE_API_URL}).")
    api_key = EncryptedTextField(blank=True)
    account_token = EncryptedTextField(blank=True)
    remote_user_id = models.CharField(
        max_length=200,
        blank=True,
        help_text="The ATS user (Merge RemoteUser id) on whose behalf interviews are created in the ATS.",
    )
    ats_name = models.CharField(max_length=100, blank=True, help_text="The ATS behind this link, e.g. Greenhouse.")
    enabled = models.BooleanField(default=True)
    # MergeClient's SyncPosition: what changed after the watermark, read from the cursor on.
    sync_watermark = models.DateTimeField(null=True, blank=True)
    # The pull under way, if any: {"cursor", "pull_started_at", "high_water"}.
    sync_cursor = models.JSONField(default=dict, blank=True)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, help_text="Merge's words for the last failed pull.")
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_check_ok = models.BooleanField(null=True)
    last_check_message = models.TextField(blank=True)
    last_check_problem = models.CharField(max_length=20, blank=True)
    capabilities = models.TextField(blank=True, help_text="What the linked ATS cannot do, as Merge describes it.")
    last_push_error = models.TextField(blank=True, help_text="Why the last interview could not be created in the ATS.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "Merge ATS link"

    def __str__(self) -> str:
        return f"{self.name} ({self.ats_name})" if self.ats_name else self.name

    @property
    def api_base_url(self) -> str:
        return self.base_url or MERGE_API_URL

    @property
    def ats_label(self) -> str:
        return self.ats_name or "the ATS"


class MergeStageMapping(models.Model):
    """An ATS job interview stage whose interviews bring the application into a local stage."""

    link = models.ForeignKey(MergeLink, on_delete=models.CASCADE, related_name="stage_mappings")
    remote_stage_id = models.CharField("ATS stage id", max_length=200, help_text="Merge's JobInterviewStage id.")
    remote_stage_name = models.CharField("ATS stage", max_length=300, blank=True)
    stage = models.ForeignKey(
        Stage, on_delete=models.CASCADE, related_name="merge_mappings", verbose_name="local stage"
    )

    class Meta:
        ordering = ["link", "remote_stage_name"]
        verbose_name = "ATS stage mapping"
        constraints = [
            models.UniqueConstraint(fields=["link", "remote_stage_id"], name="mergestagemapping_unique_remote"),
        ]

    def __str__(self) -> str:
        return f"{self.remote_stage_name or self.remote_stage_id} → {self.stage}"


class RemoteInterview(models.Model):
    """A ScheduledInterview of the ATS: pulled from it, or pushed to it for one of our invitations."""

    link = models.ForeignKey(MergeLink, on_delete=models.CASCADE, related_name="interviews")
    remote_id = models.CharField(max_length=200, help_text="Merge's ScheduledInterview id.")
    application = models.ForeignKey(
        Application, on_delete=models.SET_NULL, null=True, blank=True, related_name="remote_interviews"
    )
    remote_application_id = models.CharField(max_length=200, blank=True, db_index=True)
    remote_stage_id = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=100, blank=True, help_text="Merge's status; empty where the ATS has none.")
    start_at = models.DateTimeField(null=True, blank=True)
    end_at = models.DateTimeField(null=True, blank=True)
    remote_was_deleted = models.BooleanField(default=False)
    remote_modified_at = models.DateTimeField(null=True, blank=True)
    # Set on the interviews we created: for which invitation, and as which status (one each at most).
    pushed_invitation = models.ForeignKey(
        Invitation, on_delete=models.SET_NULL, null=True, blank=True, related_name="ats_interviews"
    )
    pushed_status = models.CharField(max_length=20, blank=True)
    raw = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["link", "remote_id"], name="remoteinterview_unique_remote"),
            models.UniqueConstraint(
                fields=["pushed_invitation", "pushed_status"],
                condition=models.Q(pushed_invitation__isnull=False),
                name="remoteinterview_unique_push",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.link.name} interview {self.remote_id} ({self.status or 'no status'})"
