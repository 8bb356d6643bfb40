"""Sending assessments, following a send, and reading invitations over the API."""

import math

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from integrations import services
from integrations.models import BulkSend, Invitation, InvitationEvent
from integrations.states import InvitationState
from tests.api.conftest import VENDOR_KEY, WEBHOOK_SECRET
from tests.factories import (
    ApplicationFactory,
    AssessmentFactory,
    CandidateFactory,
    InvitationFactory,
    JobFactory,
    VendorAccountFactory,
)

pytestmark = pytest.mark.django_db


def send(client, assessment, applications):
    return client.post(
        reverse("api:bulk-send-create"),
        {"assessment": assessment.pk, "applications": [a.pk for a in applications]},
        format="json",
    )


def test_sending_queues_one_invitation_each_and_returns_the_send(
    recruiter_api, recruiter, job, assessment, django_capture_on_commit_callbacks
):
    applications = ApplicationFactory.create_batch(3, job=job)
    with django_capture_on_commit_callbacks() as enqueued:
        response = send(recruiter_api, assessment, applications)

    assert response.status_code == 201
    body = response.json()
    bulk = BulkSend.objects.get()
    assert response["Location"] == reverse("api:bulk-send", args=[bulk.pk])
    assert (body["id"], body["trigger"], body["created_by"], body["total"], body["skipped"]) == (
        bulk.pk,
        "manual",
        recruiter.username,
        3,
        0,
    )
    assert body["assessment"]["name"] == "Backend screen"
    progress = body["progress"]
    assert (progress["queued"], progress["sent"], progress["failed"], progress["done"]) == (3, 0, 0, False)
    assert progress["counts"]["queued"] == 3
    assert set(bulk.invitations.values_list("application_id", flat=True)) == {a.pk for a in applications}
    assert bulk.options == {"send_email": True}  # no stage of the job sends this assessment
    assert len(enqueued) == 1  # one batch for the workers, once committed


def test_a_send_carries_the_options_of_the_jobs_stage_mapped_to_the_assessment(
    recruiter_api, job, video_stage, assessment
):
    send(recruiter_api, assessment, ApplicationFactory.create_batch(2, job=job))
    options = BulkSend.objects.get().options
    assert (options["expiry_days"], options["deadline_days"], options["send_email"]) == (3, 5, True)


def test_candidates_already_invited_are_skipped_and_reported(recruiter_api, job, assessment):
    applications = ApplicationFactory.create_batch(5, job=job)
    send(recruiter_api, assessment, applications[:2])
    body = send(recruiter_api, assessment, applications).json()
    assert (body["total"], body["skipped"], body["progress"]["skipped"], body["progress"]["queued"]) == (5, 2, 2, 3)
    assert Invitation.objects.count() == 5
    assert Invitation.objects.filter(bulk_send_id=body["id"]).count() == 3


def test_a_preview_says_who_would_be_invited_and_who_left_out_and_writes_nothing(recruiter_api, job, assessment):
    applications = ApplicationFactory.create_batch(4, job=job)
    send(recruiter_api, assessment, applications[:1])
    no_email = ApplicationFactory(job=job, candidate=CandidateFactory(email=""))
    rejected = ApplicationFactory(job=job, stage=job.stages.get(kind="rejected"))
    body = {"assessment": assessment.pk, "applications": [a.pk for a in [*applications, no_email, rejected]]}

    response = recruiter_api.post(reverse("api:bulk-send-preview"), body, format="json")
    assert response.status_code == 200
    preview = response.json()
    assert (preview["invite_count"], preview["skipped_count"]) == (3, 3)
    assert sorted(preview["invite_ids"]) == sorted(a.pk for a in applications[1:])
    groups = {g["reason"]: (g["count"], g["application_ids"]) for g in preview["groups"]}
    assert groups == {
        "open": (1, [applications[0].pk]),
        "closed_stage": (1, [rejected.pk]),
        "no_email": (1, [no_email.pk]),
    }
    assert "Tick “include rejected and hired”" in next(
        g["hint"] for g in preview["groups"] if g["reason"] == "closed_stage"
    )
    assert Invitation.objects.count() == 1 and BulkSend.objects.count() == 1  # only the first, real send

    # Ticking the box the hint names includes them, in the preview as in the send.
    body["include_closed"] = True
    assert recruiter_api.post(reverse("api:bulk-send-preview"), body, format="json").json()["invite_count"] == 4
    assert send(recruiter_api, assessment, [*applications, no_email]).json()["progress"]["queued"] == 3


def test_a_preview_is_refused_like_the_send_it_previews(reader_api, recruiter_api, job, assessment):
    body = {"assessment": assessment.pk, "applications": [ApplicationFactory(job=job).pk, ApplicationFactory().pk]}
    assert reader_api.post(reverse("api:bulk-send-preview"), body, format="json").status_code == 403
    refused = recruiter_api.post(reverse("api:bulk-send-preview"), body, format="json")
    assert refused.status_code == 400
    assert refused.json()["applications"] == ["Send to the applications of one job at a time."]


@pytest.mark.parametrize(
    ("problem", "status", "field", "message"),
    [
        ("inactive", 404, "assessment", "cannot be sent: it is unknown, inactive, or its vendor account is disabled"),
        ("disabled", 404, "assessment", "cannot be sent"),
        ("two jobs", 400, "applications", "Send to the applications of one job at a time."),
        ("unknown", 404, "applications", "No such applications: 999999."),
        ("none", 400, "applications", "This list may not be empty."),
    ],
)
def test_a_send_that_cannot_be_made_says_why_and_sends_nothing(
    recruiter_api, job, assessment, problem, status, field, message
):
    applications = ApplicationFactory.create_batch(2, job=job)
    body = {"assessment": assessment.pk, "applications": [a.pk for a in applications]}
    if problem == "inactive":
        assessment.active = False
        assessment.save()
    elif problem == "disabled":
        assessment.account.enabled = False
        assessment.account.save()
    elif problem == "two jobs":
        body["applications"].append(ApplicationFactory().pk)
    elif problem == "unknown":
        body["applications"].append(999_999)
    else:
        body["applications"] = []

    response = recruiter_api.post(reverse("api:bulk-send-create"), body, format="json")
    assert response.status_code == status
    assert message in " ".join(response.json()[field])
    assert message in response.json()["detail"]
    assert not BulkSend.objects.exists()
    assert not Invitation.objects.exists()


def test_a_sends_progress_counts_states_and_lists_failures_with_the_vendors_words(recruiter_api, job, assessment):
    applications = ApplicationFactory.create_batch(3, job=job)
    applications[1].candidate.first_name, applications[1].candidate.last_name = "Ola", "Berg"
    applications[1].candidate.save()
    bulk_id = send(recruiter_api, assessment, applications).json()["id"]
    first, second, third = Invitation.objects.filter(bulk_send_id=bulk_id).order_by("application_id")
    Invitation.objects.filter(pk=first.pk).update(state=InvitationState.INVITED)
    Invitation.objects.filter(pk=second.pk).update(state=InvitationState.FAILED, last_error="Mailbox does not exist")
    url = reverse("api:bulk-send", args=[bulk_id])

    progress = recruiter_api.get(url).json()["progress"]
    assert {state: n for state, n in progress["counts"].items() if n} == {"queued": 1, "invited": 1, "failed": 1}
    assert (progress["queued"], progress["sent"], progress["failed"], progress["done"]) == (1, 1, 1, False)
    assert progress["failures"] == [
        {
            "id": second.pk,
            "application": applications[1].pk,
            "candidate": {
                "id": applications[1].candidate_id,
                "full_name": "Ola Berg",
                "email": applications[1].candidate.email,
            },
            "last_error": "Mailbox does not exist",
        }
    ]

    Invitation.objects.filter(pk=third.pk).update(state=InvitationState.COMPLETED)
    assert recruiter_api.get(url).json()["progress"]["done"] is True


@pytest.fixture
def spread():
    """Invitations across two vendors, two jobs and several states."""
    wedge = AssessmentFactory(account=VendorAccountFactory(vendor="wedgehr"), name="Wedge screen")
    flix = AssessmentFactory(account=VendorAccountFactory(vendor="hireflix"), name="Flix position")
    job, other_job = JobFactory(), JobFactory()
    nia = CandidateFactory()
    rows = {
        "wedge-invited": InvitationFactory(
            assessment=wedge, application=ApplicationFactory(job=job, candidate=nia), state="invited"
        ),
        "wedge-failed": InvitationFactory(assessment=wedge, application=ApplicationFactory(job=job), state="failed"),
        "flix-invited": InvitationFactory(
            assessment=flix, application=ApplicationFactory(job=other_job, candidate=nia), state="invited"
        ),
        "flix-expired": InvitationFactory(
            assessment=flix, application=ApplicationFactory(job=other_job), state="expired"
        ),
    }
    bulk = services.request_invitations([ApplicationFactory(job=job)], wedge)
    rows["wedge-queued"] = bulk.invitations.get()
    return {"wedge": wedge, "flix": flix, "job": job, "nia": nia, "bulk": bulk, "rows": rows}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (lambda s: {}, {"wedge-invited", "wedge-failed", "flix-invited", "flix-expired", "wedge-queued"}),
        (lambda s: {"state": "invited"}, {"wedge-invited", "flix-invited"}),
        (lambda s: {"state": ["failed", "expired"]}, {"wedge-failed", "flix-expired"}),
        (lambda s: {"assessment": s["flix"].pk}, {"flix-invited", "flix-expired"}),
        (lambda s: {"vendor": "wedgehr"}, {"wedge-invited", "wedge-failed", "wedge-queued"}),
        (lambda s: {"vendor": "hireflix", "state": "expired"}, {"flix-expired"}),
        (lambda s: {"application": s["rows"]["flix-invited"].application_id}, {"flix-invited"}),
        (lambda s: {"candidate": s["nia"].pk}, {"wedge-invited", "flix-invited"}),
        (lambda s: {"job": s["job"].pk}, {"wedge-invited", "wedge-failed", "wedge-queued"}),
        (lambda s: {"bulk_send": s["bulk"].pk}, {"wedge-queued"}),
    ],
)
def test_invitations_filter_by_state_assessment_vendor_and_application(recruiter_api, spread, params, expected):
    response = recruiter_api.get(reverse("api:invitation-list"), params(spread))
    assert response.status_code == 200
    names = {pk: name for name, pk in ((n, i.pk) for n, i in spread["rows"].items())}
    assert {names[row["id"]] for row in response.json()["results"]} == expected


@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("state", "lost"),
        ("vendor", "acme"),
        ("vendor", ""),
        ("state", ""),
        ("assessment", "x"),
        ("application", "1.5"),
        ("candidate", "0"),
        ("job", ""),
        ("bulk_send", "-3"),
        ("page", ""),
        ("page", "0"),
        ("page", "two"),
    ],
)
def test_an_unknown_filter_value_is_a_400_naming_the_parameter(recruiter_api, parameter, value):
    response = recruiter_api.get(reverse("api:invitation-list"), {parameter: value})
    assert response.status_code == 400
    assert set(response.json()) == {"detail", parameter}


def test_an_unknown_id_in_a_filter_matches_nothing(recruiter_api, assessment):
    InvitationFactory(assessment=assessment)
    for parameter in ("assessment", "application", "candidate", "job", "bulk_send"):
        response = recruiter_api.get(reverse("api:invitation-list"), {parameter: 999_999})
        assert (response.status_code, response.json()["results"]) == (200, []), parameter


def test_an_invitation_shows_its_timeline_newest_first(recruiter_api, assessment):
    invitation = InvitationFactory(assessment=assessment, state=InvitationState.STARTED, vendor_status="in_progress")
    now = timezone.now()
    for minutes, to_state in ((2, "invited"), (1, "started")):
        InvitationEvent.objects.create(
            invitation=invitation,
            source="poll",
            to_state=to_state,
            occurred_at=now - timezone.timedelta(minutes=minutes),
        )
    InvitationEvent.objects.create(
        invitation=invitation, source="webhook", vendor_status="in_progress", message="Replayed.", occurred_at=now
    )

    body = recruiter_api.get(reverse("api:invitation-detail", args=[invitation.pk])).json()
    assert (body["state"], body["vendor_status"], body["application"]) == (
        "started",
        "in_progress",
        invitation.application_id,
    )
    assert body["candidate"]["email"] == invitation.application.candidate.email
    assert [(e["source"], e["to_state"], e["message"]) for e in body["timeline"]] == [
        ("webhook", "", "Replayed."),
        ("poll", "started", ""),
        ("poll", "invited", ""),
    ]


def test_only_sendable_assessments_are_listed_with_their_vendor_and_nothing_of_the_account(recruiter_api, assessment):
    AssessmentFactory(account=assessment.account, active=False, name="Retired")
    AssessmentFactory(account=VendorAccountFactory(vendor="hireflix", enabled=False), name="Switched off")
    results = recruiter_api.get(reverse("api:assessment-list")).json()["results"]
    assert results == [
        {
            "id": assessment.pk,
            "name": "Backend screen",
            "kind": "video_interview",
            "vendor": "wedgehr",
            "vendor_label": "WedgeHR",
            "active": True,
        }
    ]


def test_no_key_secret_vendor_payload_or_results_link_appears_in_any_response(
    recruiter_api, admin_api, job, account, assessment
):
    application = ApplicationFactory(job=job)
    invitation = InvitationFactory(
        application=application,
        assessment=assessment,
        state=InvitationState.COMPLETED,
        results={"score": 4, "verdict": "yes", "admin_url": "https://vendor.test/admin/private-7731"},
    )
    presigned = "https://media.vendor.test/answer.mp4?X-Amz-Signature=f00dfeed"
    InvitationEvent.objects.create(
        invitation=invitation,
        source="webhook",
        to_state="completed",
        payload={"video": presigned, "api_token": VENDOR_KEY},
        occurred_at=timezone.now(),
    )
    bulk = services.request_invitations([ApplicationFactory(job=job)], assessment)
    never = [VENDOR_KEY, WEBHOOK_SECRET, account.webhook_token, presigned, "private-7731", "credentials"]

    for client in (recruiter_api, admin_api):
        responses = [
            client.get(reverse("api:job-list")),
            client.get(reverse("api:job-applications", args=[job.pk])),
            client.get(reverse("api:candidate-detail", args=[application.candidate_id])),
            client.get(reverse("api:assessment-list")),
            client.get(reverse("api:invitation-list")),
            client.get(reverse("api:invitation-detail", args=[invitation.pk])),
            client.get(reverse("api:bulk-send", args=[bulk.pk])),
            send(client, assessment, [ApplicationFactory(job=job)]),
            client.get(reverse("api:schema")),
        ]
        for response in responses:
            assert response.status_code in (200, 201)
            text = response.content.decode()
            for secret in never:
                assert secret not in text, (response.request["PATH_INFO"], secret)


def insert_batches(model, count):
    """How many INSERTs bulk_create needs: SQLite caps a statement's parameters, PostgreSQL does not."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    return math.ceil(count / connection.ops.bulk_batch_size(fields, [None] * count))


@pytest.mark.parametrize("rows", [10, 100])
def test_invitation_reads_and_sends_run_a_bounded_number_of_queries(
    recruiter_api, django_assert_max_num_queries, job, assessment, rows
):
    applications = ApplicationFactory.create_batch(rows, job=job)
    bulk = services.request_invitations(applications, assessment)
    Invitation.objects.filter(pk__in=bulk.invitations.values("pk")[: rows // 2]).update(
        state=InvitationState.FAILED, last_error="No such mailbox"
    )
    for invitation in Invitation.objects.all():
        InvitationEvent.objects.create(
            invitation=invitation, source="poll", to_state="failed", occurred_at=timezone.now()
        )
    for _ in range(rows):
        AssessmentFactory(account=assessment.account)
    fresh = ApplicationFactory.create_batch(rows, job=job)
    first = bulk.invitations.first()

    # token, the user's permissions (2), then the endpoint's own: the same bound at 10 and at 100 rows
    with django_assert_max_num_queries(6):
        page = recruiter_api.get(reverse("api:invitation-list"), {"state": "failed"}).json()
        assert page["count"] == rows // 2
    with django_assert_max_num_queries(5):
        assert recruiter_api.get(reverse("api:invitation-detail", args=[first.pk])).status_code == 200
    with django_assert_max_num_queries(6):
        progress = recruiter_api.get(reverse("api:bulk-send", args=[bulk.pk])).json()["progress"]
        assert len(progress["failures"]) == rows // 2
    with django_assert_max_num_queries(5):
        assert recruiter_api.get(reverse("api:assessment-list")).json()["count"] == rows + 1
    # the send's own statements (two of them read the latest rounds and the stages), plus the
    # extra INSERTs of SQLite's bulk_create batches
    with django_assert_max_num_queries(17 + insert_batches(Invitation, 2 * rows) - 1):
        assert send(recruiter_api, assessment, [*applications, *fresh]).json()["skipped"] == rows
