"""Every operation of the schema, fuzzed by schemathesis with all its checks: the schema tells the truth.

A fixed seed and a bounded number of examples per operation keep the run short and the same on every
machine; the data below puts real rows (a null score, an email no validator would pass) behind the ids.
"""

from collections import Counter

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, seed, settings

from integrations import services
from integrations.models import Invitation
from integrations.states import InvitationState
from tests.factories import ApplicationFactory, CandidateFactory, InvitationFactory
from tests.integrations.conftest import control, make_account, mapped_stage  # noqa: F401 (sandbox fixtures)

MAX_EXAMPLES = 80

# Built at import: schemathesis makes one test per operation before any fixture runs.
schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
schema.app = get_wsgi_application()
calls: Counter[str] = Counter()


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    print(f"\nschemathesis: {len(calls)} operations, {sum(calls.values())} cases")


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Requests go through the WSGI handler, which would close the test's database connection after each."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def rows(mapped_stage, control):  # noqa: F811
    """Ids 1, 2, … name real objects, invitations real at the vendor's sandbox, so that generated requests
    reach past the 404s: one completed and scored, one invited, one to an email no validator would pass."""
    job, _, assessment = mapped_stage("wedgehr", invite_on_entry=False)
    odd = ApplicationFactory(job=job, candidate=CandidateFactory(email="not an address"))
    bulk = services.request_invitations([*ApplicationFactory.create_batch(2, job=job), odd], assessment)
    services.send_batch(list(bulk.invitations.values_list("pk", flat=True)))
    done = bulk.invitations.exclude(remote_id="").first()
    control.control("wedgehr/advance", {"ref": done.remote_id, "action": "completed"})
    Invitation.objects.filter(pk=done.pk).update(state=InvitationState.COMPLETED, results={"score": 72.5})
    InvitationFactory(application=ApplicationFactory(job=job), assessment=assessment, state=InvitationState.FAILED)


@pytest.fixture
def auth_header(admin_api):
    return {"Authorization": admin_api._credentials["HTTP_AUTHORIZATION"]}


@pytest.mark.django_db
@schema.parametrize()
@seed(20261204)
# No example database: every run is the seed's, whatever earlier runs found.
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_every_operation_keeps_to_the_schema(case, auth_header, rows):
    calls[case.operation.label] += 1
    case.call_and_validate(headers=auth_header)
