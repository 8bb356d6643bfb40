from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse


class Job(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    title = models.CharField(max_length=200)
    department = models.CharField(max_length=120, blank=True)
    location = models.CharField(max_length=120, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.OPEN, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["status", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("candidates:job-detail", args=[self.pk])


class Stage(models.Model):
    """One step of a job's pipeline; ``order`` sorts them left to right."""

    class Kind(models.TextChoices):
        APPLIED = "applied", "Applied"
        SCREENING = "screening", "Screening"
        ASSESSMENT = "assessment", "Assessment"
        INTERVIEW = "interview", "Interview"
        OFFER = "offer", "Offer"
        HIRED = "hired", "Hired"
        REJECTED = "rejected", "Rejected"

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="stages")
    name = models.CharField(max_length=120)
    order = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.SCREENING)

    class Meta:
        ordering = ["job", "order"]
        constraints = [
            models.UniqueConstraint(fields=["job", "order"], name="stage_unique_order_per_job"),
            models.UniqueConstraint(fields=["job", "name"], name="stage_unique_name_per_job"),
        ]

    def __str__(self) -> str:
        return f"{self.job.title} / {self.name}"


class Candidate(models.Model):
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField()
    phone = models.CharField(max_length=40, blank=True)
    external_ref = models.CharField(
        max_length=120, blank=True, help_text="The candidate's id in another system, such as the company ATS."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="candidate_unique_email_ci"),
            models.UniqueConstraint(
                fields=["external_ref"], condition=~models.Q(external_ref=""), name="candidate_unique_external_ref"
            ),
        ]
        indexes = [models.Index(fields=["last_name", "first_name"])]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("candidates:candidate-detail", args=[self.pk])

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Application(models.Model):
    """A candidate in one job's pipeline, standing in one of its stages."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="applications")
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="applications")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="applications")
    created_at = models.DateTimeField(auto_now_add=True)
    stage_entered_at = models.DateTimeField()

    class Meta:
        ordering = ["-stage_entered_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["candidate", "job"], name="application_unique_candidate_job"),
        ]
        indexes = [models.Index(fields=["job", "stage"])]

    def __str__(self) -> str:
        return f"{self.candidate} for {self.job}"


class StageChange(models.Model):
    """The history of an application: every move, who made it and when."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    to_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        get_latest_by = "changed_at"

    def __str__(self) -> str:
        origin = self.from_stage.name if self.from_stage else "(new)"
        return f"{origin} -> {self.to_stage.name}"
