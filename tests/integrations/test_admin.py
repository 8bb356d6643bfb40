"""An integration admin connects each vendor, syncs its catalog and maps stages, all in the admin."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from candidates.models import Application
from integrations.demo import ACCOUNTS
from integrations.models import Assessment, StageAssessment, VendorAccount
from tests.factories import CandidateFactory, JobFactory, UserFactory, VendorAccountFactory

pytestmark = pytest.mark.django_db

VENDORS = ["wedgehr", "hireflix", "intervue"]


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


@pytest.mark.parametrize("vendor", VENDORS)
def test_admin_adds_an_account_enters_keys_tests_syncs_and_maps(integration_admin_client, sandbox, vendor):
    client = integration_admin_client
    added = client.post(
        reverse("admin:integrations_vendoraccount_add"),
        {"vendor": vendor, "name": "Main", "base_url": sandbox.url_for(vendor), "enabled": "on"},
    )
    account = VendorAccount.objects.get(vendor=vendor, name="Main")
    assert added.url == reverse("admin:integrations_vendoraccount_change", args=[account.pk])

    keys = {f"credential_{name}": value for name, value in ACCOUNTS[vendor].items()}
    client.post(
        reverse("admin:integrations_vendoraccount_change", args=[account.pk]),
        {"name": "Main", "base_url": sandbox.url_for(vendor), "enabled": "on", **keys, "new_webhook_secret": "s3"},
    )
    account.refresh_from_db()
    assert account.credentials == ACCOUNTS[vendor]
    assert account.webhook_secret == ("" if vendor == "wedgehr" else "s3")  # WedgeHR sends no webhooks

    tested = client.post(reverse("admin:integrations_vendoraccount_test", args=[account.pk]), follow=True)
    assert any("connected" in m for m in messages_of(tested)), messages_of(tested)

    synced = client.post(reverse("admin:integrations_vendoraccount_sync", args=[account.pk]), follow=True)
    assert any("catalog synced" in m for m in messages_of(synced)), messages_of(synced)
    assessment = Assessment.objects.filter(account=account, active=True).first()
    assert assessment is not None

    job = JobFactory()
    stage = job.stages.get(name="Video interview")
    form = {f"stage-{s.pk}-link_expiry_days": 7 for s in job.stages.all()}
    form.update({f"stage-{stage.pk}-assessment": assessment.pk, f"stage-{stage.pk}-invite_on_entry": "on"})
    saved = client.post(reverse("admin:integrations_stageassessment_job", args=[job.pk]), form, follow=True)
    assert f"Saved the assessments of {job.title}." in messages_of(saved)
    mapping = StageAssessment.objects.get()
    assert (mapping.stage, mapping.assessment, mapping.invite_on_entry) == (stage, assessment, True)


def test_a_wrong_key_shows_the_vendors_answer(integration_admin_client, sandbox):
    account = VendorAccountFactory(
        vendor="intervue",
        base_url=sandbox.url_for("intervue"),
        credentials={"access_token": "nope", "secret_key": "wrong"},
    )
    tested = integration_admin_client.post(
        reverse("admin:integrations_vendoraccount_test", args=[account.pk]), follow=True
    )
    (message,) = messages_of(tested)
    assert "failed" in message
    account.refresh_from_db()
    assert account.last_check_ok is False
    assert account.last_check_message


def test_an_enabled_account_cannot_be_saved_without_its_keys(integration_admin_client):
    account = VendorAccountFactory(vendor="hireflix", credentials={})
    page = integration_admin_client.post(
        reverse("admin:integrations_vendoraccount_change", args=[account.pk]),
        {"name": account.name, "base_url": "", "enabled": "on"},
    )
    assert "An enabled account needs: API key." in page.content.decode()


@pytest.mark.parametrize("vendor", VENDORS)
def test_keys_saved_without_a_webhook_secret_are_kept_and_the_secret_asked_only_where_webhooks_come(
    integration_admin_client, vendor
):
    account = VendorAccountFactory(vendor=vendor, credentials={}, webhook_secret="")
    url = reverse("admin:integrations_vendoraccount_change", args=[account.pk])
    assert ('name="new_webhook_secret"' in integration_admin_client.get(url).content.decode()) == (vendor != "wedgehr")
    keys = {f"credential_{name}": value for name, value in ACCOUNTS[vendor].items()}
    saved = integration_admin_client.post(url, {"name": "Main", "base_url": "", "enabled": "on", **keys})
    assert saved.status_code == 302
    account.refresh_from_db()
    assert (account.credentials, account.webhook_secret) == (ACCOUNTS[vendor], "")


def test_an_application_added_in_the_admin_gets_its_history_and_a_wrong_stage_is_named(admin_client):
    candidate, job, other = CandidateFactory(), JobFactory(title="Data Analyst"), JobFactory(title="Designer")
    url = reverse("admin:candidates_application_add")
    inline = {"stage_changes-TOTAL_FORMS": 0, "stage_changes-INITIAL_FORMS": 0}
    wrong = admin_client.post(
        url, {"candidate": candidate.pk, "job": job.pk, "stage": other.stages.first().pk, **inline}
    )
    assert wrong.status_code == 200
    assert "is a stage of “Designer”, not of “Data Analyst”." in wrong.content.decode()

    stage = job.stages.get(name="Video interview")
    added = admin_client.post(url, {"candidate": candidate.pk, "job": job.pk, "stage": stage.pk, **inline})
    assert added.status_code == 302
    application = Application.objects.get(candidate=candidate)
    assert application.stage == stage and application.stage_entered_at is not None
    assert list(application.stage_changes.values_list("to_stage", flat=True)) == [stage.pk]


def test_the_webhook_address_to_paste_is_shown(integration_admin_client):
    account = VendorAccountFactory(vendor="intervue")
    page = integration_admin_client.get(reverse("admin:integrations_vendoraccount_change", args=[account.pk]))
    assert account.webhook_url() in page.content.decode()


def test_recruiters_and_other_staff_cannot_reach_vendor_configuration(client, recruiter):
    account = VendorAccountFactory()
    urls = [
        reverse("admin:integrations_vendoraccount_changelist"),
        reverse("admin:integrations_vendoraccount_change", args=[account.pk]),
        reverse("admin:integrations_stageassessment_job", args=[JobFactory().pk]),
    ]
    client.force_login(recruiter)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("admin:login")), url

    # Staff with model permissions but not the integrations role still get nothing.
    staff = UserFactory(username="staffer", is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="integrations"))
    staff.user_permissions.remove(Permission.objects.get(codename="manage_integrations"))
    client.force_login(staff)
    for url in urls:
        assert client.get(url).status_code == 403, url
