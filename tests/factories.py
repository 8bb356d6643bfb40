import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from factory.django import DjangoModelFactory

from candidates.demo import PIPELINE
from candidates.models import Application, Candidate, Job, Stage
from integrations.demo import ACCOUNTS as DEMO_CREDENTIALS
from integrations.models import Assessment, AssessmentKind, Invitation, VendorAccount
from integrations.vendors.types import InviteRequest

PASSWORD = "correct-horse-battery"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        """UserFactory(role="Recruiter") puts the user in that role's group."""
        if extracted:
            self.groups.add(Group.objects.get(name=extracted))
        if create:
            self.save()


class JobFactory(DjangoModelFactory):
    """A job with the demo pipeline of stages unless ``stages=False``."""

    class Meta:
        model = Job
        skip_postgeneration_save = True

    title = factory.Faker("job")
    department = factory.Faker("word")
    location = factory.Faker("city")

    @factory.post_generation
    def stages(self, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        Stage.objects.bulk_create(
            Stage(job=self, name=name, order=order, kind=kind) for order, (name, kind) in enumerate(PIPELINE, 1)
        )


class StageFactory(DjangoModelFactory):
    class Meta:
        model = Stage

    job = factory.SubFactory(JobFactory, stages=False)
    name = factory.Sequence(lambda n: f"Stage {n}")
    order = factory.Sequence(lambda n: n + 1)
    kind = Stage.Kind.SCREENING


class CandidateFactory(DjangoModelFactory):
    class Meta:
        model = Candidate

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.Sequence(lambda n: f"candidate{n}@example.com")
    phone = factory.Faker("numerify", text="+1 ### ### ####")


class ApplicationFactory(DjangoModelFactory):
    class Meta:
        model = Application

    candidate = factory.SubFactory(CandidateFactory)
    job = factory.SubFactory(JobFactory)
    stage = factory.LazyAttribute(lambda a: a.job.stages.order_by("order").first())
    stage_entered_at = factory.LazyFunction(timezone.now)


class VendorAccountFactory(DjangoModelFactory):
    """A vendor account; pass base_url=sandbox.url_for(vendor) to talk to the sandbox."""

    class Meta:
        model = VendorAccount

    vendor = "wedgehr"
    name = factory.Sequence(lambda n: f"Account {n}")
    credentials = factory.LazyAttribute(lambda a: dict(DEMO_CREDENTIALS[a.vendor]))
    webhook_secret = "whsec-test-secret"


class AssessmentFactory(DjangoModelFactory):
    class Meta:
        model = Assessment

    account = factory.SubFactory(VendorAccountFactory)
    remote_id = factory.Sequence(lambda n: f"remote-{n}")
    kind = AssessmentKind.VIDEO_INTERVIEW
    name = factory.Sequence(lambda n: f"Assessment {n}")


class InvitationFactory(DjangoModelFactory):
    class Meta:
        model = Invitation

    application = factory.SubFactory(ApplicationFactory)
    assessment = factory.SubFactory(AssessmentFactory)


def invite_requests(assessment: Assessment, prefix: str, count: int) -> list[InviteRequest]:
    """``count`` requests to invite to ``assessment``, as a vendor client is handed them; keys and
    emails made from ``prefix``."""
    return [
        InviteRequest(
            key=f"{prefix}-{n}",
            assessment_id=assessment.remote_id,
            assessment_kind=assessment.kind,
            email=f"{prefix}{n}@example.com",
            first_name="Pat",
            last_name=f"Lee{n}",
        )
        for n in range(count)
    ]
