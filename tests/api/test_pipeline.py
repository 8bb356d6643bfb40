"""Jobs, stages, applications and candidates over the API, and moving applications."""

import pytest
from django.urls import reverse

from candidates.models import Application, StageChange
from candidates.services import move_to_stage
from integrations.models import BulkSend, InvitationEvent
from integrations.states import InvitationState
from tests.factories import ApplicationFactory, CandidateFactory, InvitationFactory, JobFactory

pytestmark = pytest.mark.django_db


def move(client, applications, stage):
    return client.post(
        reverse("api:move-applications"),
        {"applications": [a.pk for a in applications], "stage": stage.pk},
        format="json",
    )


def test_jobs_list_their_counts_per_stage(recruiter_api, job):
    ApplicationFactory.create_batch(3, job=job)
    ApplicationFactory(job=job, stage=job.stages.get(name="Offer"))
    JobFactory(title="Product Designer")

    body = recruiter_api.get(reverse("api:job-list")).json()
    assert body["count"] == 2
    listed = {j["title"]: j for j in body["results"]}
    platform = listed["Platform Engineer"]
    assert platform["application_count"] == 4
    counts = {s["name"]: s["application_count"] for s in platform["stages"]}
    assert (counts["Applied"], counts["Offer"], counts["Hired"]) == (3, 1, 0)
    assert [s["order"] for s in platform["stages"]] == sorted(s["order"] for s in platform["stages"])
    assert listed["Product Designer"]["application_count"] == 0


def test_a_job_and_its_stages(recruiter_api, job):
    ApplicationFactory.create_batch(2, job=job)
    detail = recruiter_api.get(reverse("api:job-detail", args=[job.pk])).json()
    assert (detail["title"], detail["status"], detail["application_count"]) == ("Platform Engineer", "open", 2)
    assert detail["stages"][0] == {
        "id": job.stages.get(name="Applied").pk,
        "name": "Applied",
        "order": 1,
        "kind": "applied",
        "application_count": 2,
    }
    stages = recruiter_api.get(reverse("api:job-stages", args=[job.pk])).json()
    assert stages == detail["stages"]


def test_applications_filter_by_stage_and_search_by_name_or_email(recruiter_api, job):
    zelda = ApplicationFactory(job=job, candidate=CandidateFactory(first_name="Zelda", last_name="Quint"))
    omar = ApplicationFactory(
        job=job,
        stage=job.stages.get(name="Offer"),
        candidate=CandidateFactory(first_name="Omar", last_name="Ode", email="omar.ode@mail.test"),
    )
    ApplicationFactory()  # another job's
    url = reverse("api:job-applications", args=[job.pk])

    def ids(**params):
        return [row["id"] for row in recruiter_api.get(url, params).json()["results"]]

    assert sorted(ids()) == sorted([zelda.pk, omar.pk])
    assert ids(stage=job.stages.get(name="Offer").pk) == [omar.pk]
    assert ids(q="zel") == [zelda.pk]
    assert ids(q="mail.test") == [omar.pk]
    assert ids(q="omar quint") == []  # every word must match
    row = recruiter_api.get(url, {"q": "zelda"}).json()["results"][0]
    assert row["candidate"]["full_name"] == "Zelda Quint"
    assert row["stage"]["name"] == "Applied"


def test_filtering_by_another_jobs_stage_matches_nothing(recruiter_api, job):
    ApplicationFactory(job=job)
    other = JobFactory()
    response = recruiter_api.get(reverse("api:job-applications", args=[job.pk]), {"stage": other.stages.first().pk})
    assert (response.status_code, response.json()["results"]) == (200, [])


@pytest.mark.parametrize("value", ["", "abc", "1.5", "0"])
def test_a_stage_filter_that_is_no_id_is_a_400_naming_it(recruiter_api, job, value):
    response = recruiter_api.get(reverse("api:job-applications", args=[job.pk]), {"stage": value})
    assert response.status_code == 400
    assert set(response.json()) == {"detail", "stage"}
    assert response.json()["detail"].startswith("stage: ")


def test_applications_come_in_pages_of_50(recruiter_api, job):
    ApplicationFactory.create_batch(51, job=job)
    url = reverse("api:job-applications", args=[job.pk])
    first = recruiter_api.get(url).json()
    assert (first["count"], len(first["results"]), first["previous"]) == (51, 50, None)
    second = recruiter_api.get(first["next"]).json()
    assert len(second["results"]) == 1
    assert {r["id"] for r in first["results"]} | {second["results"][0]["id"]} == set(
        Application.objects.values_list("pk", flat=True)
    )


def test_an_application_row_shows_its_invitations(recruiter_api, job, assessment):
    application = ApplicationFactory(job=job)
    InvitationFactory(application=application, assessment=assessment, state=InvitationState.INVITED)
    row = recruiter_api.get(reverse("api:job-applications", args=[job.pk])).json()["results"][0]
    assert row["invitations"] == [
        {
            "id": application.invitations.get().pk,
            "assessment": assessment.pk,
            "assessment_name": "Backend screen",
            "state": "invited",
        }
    ]


def test_a_move_records_who_moved_what_from_where(recruiter_api, recruiter, job):
    picked, left = ApplicationFactory.create_batch(2, job=job)
    screen = job.stages.get(name="Phone screen")

    response = move(recruiter_api, [picked], screen)
    assert response.status_code == 200
    assert response.json() == {
        "moved": 1,
        "applications": [picked.pk],
        "stage": {"id": screen.pk, "name": "Phone screen", "kind": "screening"},
    }
    picked.refresh_from_db()
    left.refresh_from_db()
    assert (picked.stage, left.stage.name) == (screen, "Applied")
    change = StageChange.objects.get()
    assert (change.from_stage.name, change.to_stage, change.changed_by) == ("Applied", screen, recruiter)


def test_moving_into_the_stage_they_are_in_changes_nothing(recruiter_api, job):
    application = ApplicationFactory(job=job)
    response = move(recruiter_api, [application], application.stage)
    assert response.json()["moved"] == 0
    assert not StageChange.objects.exists()


def test_a_move_into_a_mapped_stage_invites_them(
    recruiter_api, recruiter, job, video_stage, assessment, django_capture_on_commit_callbacks
):
    applications = ApplicationFactory.create_batch(3, job=job)
    with django_capture_on_commit_callbacks() as enqueued:
        assert move(recruiter_api, applications, video_stage).status_code == 200

    bulk = BulkSend.objects.get()
    assert (bulk.trigger, bulk.assessment, bulk.total, bulk.created_by) == ("stage", assessment, 3, recruiter)
    assert bulk.options["deadline_days"] == 5
    assert set(bulk.invitations.values_list("application_id", flat=True)) == {a.pk for a in applications}
    assert len(enqueued) == 1  # one batch for the workers, once the move is committed

    invitations = recruiter_api.get(reverse("api:invitation-list"), {"job": job.pk}).json()["results"]
    assert {i["state"] for i in invitations} == {"queued"}
    assert invitations[0]["timeline"][0]["message"] == f"Queued ({recruiter.username})."


def test_a_move_to_another_jobs_stage_is_refused_whole(recruiter_api, job):
    applications = ApplicationFactory.create_batch(2, job=job)
    elsewhere = JobFactory().stages.get(name="Offer")

    response = move(recruiter_api, applications, elsewhere)
    assert response.status_code == 400
    message = "“Offer” belongs to another job than some of the selected applications."
    assert response.json() == {"detail": message, "non_field_errors": [message]}
    assert set(Application.objects.values_list("stage__name", flat=True)) == {"Applied"}
    assert not StageChange.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"applications": [], "stage": 1}, "applications"),
        ({"applications": ["x"], "stage": 1}, "applications"),
        ({"applications": [1]}, "stage"),
        ({"applications": [1], "stage": 1.5}, "stage"),
        ({"applications": [1], "stage": "1"}, "stage"),
        ({"applications": [1], "stage": True}, "stage"),
        ({"applications": [1.5], "stage": 1}, "applications"),
    ],
)
def test_a_malformed_move_says_which_field_is_wrong(recruiter_api, job, body, field):
    response = recruiter_api.post(reverse("api:move-applications"), body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert response.json()["detail"]


def test_a_fractional_stage_id_is_refused_not_truncated(recruiter_api, job):
    application = ApplicationFactory(job=job)
    offer = job.stages.get(name="Offer")
    response = recruiter_api.post(
        reverse("api:move-applications"), {"applications": [application.pk], "stage": offer.pk + 0.5}, format="json"
    )
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.stage.name == "Applied"


def test_a_move_into_a_stage_that_does_not_exist_is_a_404_naming_the_field(recruiter_api, job):
    application = ApplicationFactory(job=job)
    response = move(recruiter_api, [application], job.stages.get(name="Offer"))
    body = {"applications": [application.pk], "stage": 999_999}
    response = recruiter_api.post(reverse("api:move-applications"), body, format="json")
    assert response.status_code == 404
    assert "stage" in response.json()


def test_a_move_of_applications_that_no_longer_exist_is_refused(recruiter_api, job):
    application = ApplicationFactory(job=job)
    response = move(recruiter_api, [application], job.stages.get(name="Offer"))
    assert response.status_code == 200
    gone = recruiter_api.post(
        reverse("api:move-applications"),
        {"applications": [application.pk, 999_999], "stage": job.stages.get(name="Hired").pk},
        format="json",
    )
    assert gone.status_code == 404
    message = "Some of the selected applications no longer exist."
    assert gone.json() == {"detail": message, "non_field_errors": [message]}


def test_candidate_detail_has_every_application_its_history_and_invitations(recruiter_api, recruiter, assessment):
    candidate = CandidateFactory(first_name="Nia", last_name="Long", email="nia@example.com")
    first = ApplicationFactory(candidate=candidate)
    ApplicationFactory(candidate=candidate)
    move_to_stage([first], first.job.stages.get(name="Phone screen"), by=recruiter)
    move_to_stage([first], first.job.stages.get(name="Offer"), by=None)
    invitation = InvitationFactory(
        application=first,
        assessment=assessment,
        state=InvitationState.COMPLETED,
        results={"score": 87, "verdict": "strong yes", "interview_id": "iv-1"},
    )
    InvitationEvent.objects.create(
        invitation=invitation,
        source="webhook",
        from_state="invited",
        to_state="completed",
        vendor_status="finished",
        occurred_at=invitation.created_at,
    )

    body = recruiter_api.get(reverse("api:candidate-detail", args=[candidate.pk])).json()
    assert (body["full_name"], body["email"], len(body["applications"])) == ("Nia Long", "nia@example.com", 2)
    moved = next(a for a in body["applications"] if a["id"] == first.pk)
    assert moved["stage"]["name"] == "Offer"
    history = [
        (h["from_stage"] and h["from_stage"]["name"], h["to_stage"]["name"], h["changed_by"])
        for h in moved["stage_history"]
    ]
    assert history == [("Phone screen", "Offer", None), ("Applied", "Phone screen", "riley")]

    (shown,) = moved["invitations"]
    assert (shown["state"], shown["score"], shown["verdict"]) == ("completed", 87.0, "strong yes")
    assert shown["assessment"] == {
        "id": assessment.pk,
        "name": "Backend screen",
        "kind": "video_interview",
        "vendor": "wedgehr",
        "vendor_label": "WedgeHR",
        "active": True,
    }
    assert [(e["source"], e["to_state"], e["vendor_status"]) for e in shown["timeline"]] == [
        ("webhook", "completed", "finished")
    ]
    assert "interview_id" not in str(shown)  # vendor ids in results stay on the server


@pytest.mark.parametrize("rows", [10, 100])
def test_reads_and_moves_run_a_bounded_number_of_queries(
    recruiter_api, django_assert_max_num_queries, assessment, rows
):
    job = JobFactory()
    JobFactory.create_batch(rows - 1)
    applications = ApplicationFactory.create_batch(rows, job=job)
    candidate = CandidateFactory()
    for other in JobFactory.create_batch(rows // 10):
        ApplicationFactory(candidate=candidate, job=other)
    mine = ApplicationFactory(candidate=candidate, job=job)
    for application in [*applications, mine]:
        InvitationFactory(application=application, assessment=assessment)
    offer, hired, applied = (job.stages.get(name=name) for name in ("Offer", "Hired", "Applied"))
    move_to_stage(applications, offer)
    move_to_stage([mine], hired)

    # token, the user's permissions (2), then the endpoint's own: the same bound at 10 and at 100 rows
    with django_assert_max_num_queries(5):
        assert recruiter_api.get(reverse("api:job-list")).json()["count"] == rows + rows // 10
    with django_assert_max_num_queries(5):
        assert recruiter_api.get(reverse("api:job-detail", args=[job.pk])).status_code == 200
    with django_assert_max_num_queries(5):
        assert recruiter_api.get(reverse("api:job-stages", args=[job.pk])).status_code == 200
    with django_assert_max_num_queries(9):
        page = recruiter_api.get(reverse("api:job-applications", args=[job.pk]), {"stage": offer.pk})
        assert page.json()["count"] == rows
    with django_assert_max_num_queries(11):
        detail = recruiter_api.get(reverse("api:candidate-detail", args=[candidate.pk])).json()
        assert len(detail["applications"]) == rows // 10 + 1
    with django_assert_max_num_queries(10):
        moved = recruiter_api.post(
            reverse("api:move-applications"),
            {"applications": [a.pk for a in applications], "stage": applied.pk},
            format="json",
        )
        assert moved.json()["moved"] == rows
