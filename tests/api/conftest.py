import pytest
from django.contrib.auth.models import Group, Permission
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from integrations.models import StageAssessment
from tests.factories import AssessmentFactory, JobFactory, UserFactory, VendorAccountFactory

# What an account holds that must never leave the server.
VENDOR_KEY = "wedge-live-key-9c41e7a2"
WEBHOOK_SECRET = "whsec-api-test-5b7d"


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def anonymous():
    return APIClient()


@pytest.fixture
def recruiter_api(recruiter):
    return token_client(recruiter)


@pytest.fixture
def admin_api(integration_admin):
    return token_client(integration_admin)


@pytest.fixture
def outsider_api(db):
    """Signed in, but in no role."""
    return token_client(UserFactory(username="outsider"))


@pytest.fixture
def reader_api(db):
    """May look at the pipeline and the invitations, but neither move nor send."""
    group = Group.objects.create(name="Reader")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="candidates", codename__startswith="view_"),
        Permission.objects.get(content_type__app_label="integrations", codename="view_invitation"),
    )
    return token_client(UserFactory(username="reader", role="Reader"))


@pytest.fixture
def account(db):
    return VendorAccountFactory(vendor="wedgehr", credentials={"api_token": VENDOR_KEY}, webhook_secret=WEBHOOK_SECRET)


@pytest.fixture
def assessment(account):
    return AssessmentFactory(account=account, name="Backend screen")


@pytest.fixture
def job(db):
    return JobFactory(title="Platform Engineer")


@pytest.fixture
def video_stage(job, assessment):
    """The job's "Video interview" stage, which invites to ``assessment`` on entry."""
    stage = job.stages.get(name="Video interview")
    StageAssessment.objects.create(stage=stage, assessment=assessment, link_expiry_days=3, deadline_days=5)
    return stage
