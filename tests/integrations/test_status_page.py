"""The status page an integration admin reads: per account, what the vendor said and what came back."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from config.status import status_report
from integrations import services, vendor_metrics
from integrations.models import WebhookEvent
from integrations.ratelimit import key_of
from integrations.states import InvitationState
from tests.factories import (
    DEMO_CREDENTIALS,
    AssessmentFactory,
    CandidateFactory,
    InvitationFactory,
    VendorAccountFactory,
)
from tests.integrations.test_webhooks import deliveries, invited, post  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_counts_from_earlier_tests():
    # The sandbox's keys are the same in every test, and so are the names their counts are kept under.
    vendor_metrics.reset((vendor, key_of(keys)) for vendor, keys in DEMO_CREDENTIALS.items())


def report(client):
    answer = client.get(reverse("status"), {"format": "json"})
    assert answer.status_code == 200
    return answer.json()


def row_of(body, account):
    (row,) = [row for row in body["accounts"] if row["id"] == account.pk]
    return row


def test_a_refused_key_and_an_unapplied_webhook_show_on_the_page_and_in_the_json(
    integration_admin_client,
    client,
    invited,  # noqa: F811 (the fixture imported above)
    control,
    sandbox,
):
    refused = VendorAccountFactory(
        vendor="intervue",
        name="EU production",
        base_url=sandbox.url_for("intervue"),
        credentials={"access_token": "nope", "secret_key": "wrong"},
    )
    assert services.check_connection(refused).ok is False
    invitation, account = invited()
    control.control("intervue/advance", {"ref": invitation.application.candidate.email, "action": "completed"})
    delivery = deliveries(sandbox, "completed")[-1]
    assert post(client, account, delivery).status_code == 200  # stored; no worker applies it in this test
    assert post(client, account, delivery, **{"X-Intervue-Signature": "0" * 64}).status_code == 401

    page = integration_admin_client.get(reverse("status")).content.decode()
    refused.refresh_from_db()
    assert "intervue.io · EU production: The last connection check failed just now: " in page
    assert refused.last_check_message in page
    assert f"{account}: 1 accepted webhook(s) not applied yet." in page

    body = report(integration_admin_client)
    failed = row_of(body, refused)
    assert failed["label"] == "intervue.io · EU production"
    assert failed["connection"]["ok"] is False
    assert failed["connection"]["message"] == refused.last_check_message
    assert failed["connection"]["checked_at"] == refused.last_checked_at.isoformat()
    assert failed["connection"]["summary"] in body["problems"]
    hooks = row_of(body, account)["webhooks"]
    assert (hooks["accepted_last_hour"], hooks["rejected_last_hour"], hooks["unapplied"]) == (1, 1, 1)

    # The number links to the delivery it counts; once applied, it is no longer counted.
    listed = integration_admin_client.get(row_of(body, account)["links"]["webhooks_unapplied"]).content.decode()
    assert "intervue.io" in listed and "not yet" in listed
    services.apply_webhook_event(WebhookEvent.objects.get(verdict="accepted").pk)
    assert row_of(report(integration_admin_client), account)["webhooks"]["unapplied"] == 0
    rejected = integration_admin_client.get(row_of(body, account)["links"]["webhooks_rejected"]).content.decode()
    assert "Rejected: signature does not verify" in rejected


def test_requests_and_errors_to_a_vendor_are_counted_per_account(integration_admin_client, make_account, control):
    account = make_account("wedgehr")
    other = make_account("hireflix")
    assert services.check_connection(account).ok
    services.sync_catalog(account)
    control.control("wedgehr/faults", {"error_rate": 1.0})
    assert services.check_connection(account).ok is False
    control.control("wedgehr/faults", {"error_rate": 0.0})

    row = row_of(report(integration_admin_client), account)
    # Every request the vendor received, and the one it failed.
    assert row["requests_last_hour"] == control.requests("wedgehr")
    assert row["requests_last_hour"] >= 3
    assert row["errors_last_hour"] == 1
    assert row_of(report(integration_admin_client), other)["requests_last_hour"] == 0

    page = integration_admin_client.get(reverse("status")).content.decode()
    assert f'<td class="num" data-label="Requests">{row["requests_last_hour"]}</td>' in page
    assert '<td class="num" data-label="Errors"><span class="error">1</span></td>' in page


def test_an_hour_later_the_counts_are_gone(make_account):
    account = make_account("wedgehr")
    services.check_connection(account)
    assert row_of(status_report(), account)["requests_last_hour"] == 1
    later = status_report(now=timezone.now() + timedelta(hours=1, minutes=5))
    assert row_of(later, account)["requests_last_hour"] == 0


def test_rate_limit_waits_are_counted(integration_admin_client, make_account, settings):
    settings.VENDOR_RATE_LIMITS = {**settings.VENDOR_RATE_LIMITS, "hireflix": "1/hour"}
    settings.VENDOR_RATE_LIMIT_MAX_WAIT = 0  # hand the wait over at once instead of blocking
    account = make_account("hireflix")
    assert services.check_connection(account).ok
    assert "rate limit" in services.check_connection(account).message
    row = row_of(report(integration_admin_client), account)
    assert (row["requests_last_hour"], row["rate_limit_waits_last_hour"]) == (1, 1)


def test_a_vendors_own_429_counts_as_an_error_and_a_rate_limit_wait(integration_admin_client, make_account, control):
    account = make_account("intervue")
    control.control("intervue/faults", {"rate_limit_rate": 1.0, "retry_after": 0})
    assert services.check_connection(account).ok is False
    control.control("intervue/faults", {"rate_limit_rate": 0.0})
    row = row_of(report(integration_admin_client), account)
    assert (row["requests_last_hour"], row["errors_last_hour"], row["rate_limit_waits_last_hour"]) == (1, 1, 1)


def test_a_cache_that_does_not_answer_never_fails_a_vendor_call(integration_admin_client, make_account, settings):
    account = make_account("wedgehr")
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"}
    }
    assert services.check_connection(account).ok
    body = report(integration_admin_client)
    assert body["cache"]["ok"] is False
    assert row_of(body, account)["requests_last_hour"] == 0


def test_stuck_and_failed_invitations_link_to_the_invitations_page(integration_admin_client, settings):
    now = timezone.now()
    assessment = AssessmentFactory()
    account = assessment.account
    stale_for = timedelta(seconds=settings.INVITE_STALE_AFTER + 60)

    def invitation(name, state, changed_ago):
        return InvitationFactory(
            assessment=assessment,
            application__candidate=CandidateFactory(first_name=name),
            state=state,
            state_changed_at=now - changed_ago,
        )

    invitation("Stuckqueued", InvitationState.QUEUED, stale_for)
    invitation("Stucksending", InvitationState.SENDING, stale_for)
    invitation("Freshqueued", InvitationState.QUEUED, timedelta(seconds=5))
    invitation("Failedtoday", InvitationState.FAILED, timedelta(hours=3))
    invitation("Failedlastweek", InvitationState.FAILED, timedelta(days=6))
    InvitationFactory(state=InvitationState.FAILED)  # another account's

    row = row_of(report(integration_admin_client), account)
    assert row["invitations"] == {"stale": 2, "failed_last_day": 1}
    stuck = integration_admin_client.get(row["links"]["invitations_stale"]).content.decode()
    assert "Stuckqueued" in stuck and "Stucksending" in stuck and "Freshqueued" not in stuck
    assert "Only invitations whose state changed before" in stuck
    failed = integration_admin_client.get(row["links"]["invitations_failed"]).content.decode()
    assert "Failedtoday" in failed and "Failedlastweek" not in failed

    page = integration_admin_client.get(reverse("status")).content.decode()
    assert f"{account}: 2 invitation(s) queued or sending for longer than expected." in page


def test_recruiters_get_403(recruiter_client):
    assert recruiter_client.get(reverse("status")).status_code == 403
    assert recruiter_client.get(reverse("status"), {"format": "json"}).status_code == 403
    assert recruiter_client.get(reverse("status-webhooks")).status_code == 403


def test_monitoring_reads_the_json_with_an_integration_admins_api_token(client, integration_admin, recruiter):
    from rest_framework.authtoken.models import Token

    def with_token(user):
        key = Token.objects.create(user=user).key
        return client.get(reverse("status"), {"format": "json"}, headers={"Authorization": f"Token {key}"})

    VendorAccountFactory(vendor="hireflix")
    answer = with_token(integration_admin)
    assert answer.status_code == 200
    body = answer.json()
    # The keys monitoring reads: changing them breaks someone's alerts.
    assert set(body) == {
        "generated_at", "problems", "database", "cache", "broker", "worker", "windows", "accounts",
        "webhooks_to_unknown_accounts_last_hour", "merge_links", "links",
    }  # fmt: skip
    (row,) = body["accounts"]
    assert set(row) == {
        "id", "vendor", "vendor_label", "name", "label", "enabled", "connection", "requests_last_hour",
        "errors_last_hour", "rate_limit_waits_last_hour", "webhooks", "invitations", "links",
    }  # fmt: skip
    assert set(row["connection"]) == {"checked_at", "ok", "message", "detail", "summary"}
    assert set(row["webhooks"]) == {
        "sent_by_vendor", "accepted_last_hour", "rejected_last_hour", "unapplied", "oldest_unapplied_at",
    }  # fmt: skip
    assert set(row["invitations"]) == {"stale", "failed_last_day"}
    assert with_token(recruiter).status_code == 403
    refused = client.get(reverse("status"), {"format": "json"}, headers={"Authorization": "Token nope"})
    assert refused.status_code == 401
    anonymous = client.get(reverse("status"), {"format": "json"})
    assert anonymous.status_code == 302 and anonymous.url.startswith(reverse("login"))


def test_the_deliveries_list_takes_nonsense_filters_without_failing(integration_admin_client):
    for query in ({"since": "2026-13-45T99:00:00"}, {"since": "yesterday", "account": "abc"}, {"verdict": "x"}):
        answer = integration_admin_client.get(reverse("status-webhooks"), query)
        assert answer.status_code == 200, query
        assert "Every delivery" in answer.content.decode()
