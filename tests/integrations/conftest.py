import pytest
import requests

from integrations import services
from integrations.models import Assessment, AssessmentKind, StageAssessment
from tests.api.conftest import anonymous, reader_api  # noqa: F401 (API fixtures the page tests share)
from tests.factories import ApplicationFactory, JobFactory, VendorAccountFactory

# What each vendor's demo stage sends, by kind.
KINDS = {
    "wedgehr": AssessmentKind.VIDEO_INTERVIEW,
    "hireflix": AssessmentKind.POSITION,
    "intervue": AssessmentKind.HIRING_ROLE,
}


class Sandbox:
    """The control API of the running sandbox, for tests."""

    def __init__(self, running):
        self.running = running
        self.url = running.url

    def control(self, path, body=None):
        answer = requests.post(f"{self.url}/_control/{path}", json=body or {}, timeout=10)
        answer.raise_for_status()
        return answer.json()

    def requests_by_route(self, vendor):
        """{"METHOD /route": count} of the API requests the vendor has received."""
        return requests.get(f"{self.url}/_control/counters", timeout=10).json()[vendor]["requests"]

    def requests(self, vendor):
        """How many API requests the vendor has received."""
        return sum(self.requests_by_route(vendor).values())

    def invites(self, vendor):
        """{assessment id: {email: times invited}} as the vendor saw it."""
        return requests.get(f"{self.url}/_control/counters", timeout=10).json()[vendor]["invites"]


@pytest.fixture
def control(sandbox):
    return Sandbox(sandbox)


@pytest.fixture
def make_account(sandbox):
    def make(vendor, **kwargs):
        return VendorAccountFactory(vendor=vendor, base_url=sandbox.url_for(vendor), **kwargs)

    return make


@pytest.fixture
def mapped_stage(make_account):
    """A job whose "Video interview" stage invites through ``vendor`` on entry."""

    def make(vendor, **mapping):
        account = make_account(vendor)
        services.sync_catalog(account)
        assessment = Assessment.objects.filter(account=account, kind=KINDS[vendor], active=True).order_by("pk").first()
        job = JobFactory()
        stage = job.stages.get(name="Video interview")
        StageAssessment.objects.create(stage=stage, assessment=assessment, **mapping)
        return job, stage, assessment

    return make


@pytest.fixture
def applicants():
    def make(job, count):
        return ApplicationFactory.create_batch(count, job=job)

    return make


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks):
    """Run an action and, once it commits, the tasks it enqueued, at once and in this thread, as a worker would."""
    from config.celery_app import app

    app.conf.task_always_eager = True

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    yield run
    app.conf.task_always_eager = False
