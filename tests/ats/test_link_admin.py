"""The Merge link's page: Test connection and Pull now on it, and what the linked ATS cannot do, in words."""

import pytest
from django.urls import reverse

from integrations.models import MergeLink

pytestmark = pytest.mark.django_db


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def test_a_lever_link_says_it_takes_no_writes_and_a_greenhouse_one_has_no_problems(integration_admin_client, make_link):
    lever, greenhouse = make_link("Lever"), make_link("Greenhouse")
    for link in (lever, greenhouse):
        url = reverse("admin:integrations_mergelink_test", args=[link.pk])
        tested = integration_admin_client.post(url, follow=True)
        assert any("connected" in m for m in messages_of(tested)), messages_of(tested)
    lever.refresh_from_db()
    assert lever.capabilities.startswith("Lever accepts no new interviews through Merge")
    listing = integration_admin_client.get(reverse("admin:integrations_mergelink_changelist")).content.decode()
    assert "Lever accepts no new interviews through Merge" in listing

    page = integration_admin_client.get(reverse("admin:integrations_mergelink_change", args=[lever.pk]))
    body = page.content.decode()
    assert reverse("admin:integrations_mergelink_pull", args=[lever.pk]) in body
    assert "invitations are not written back to it" in body
    assert MergeLink.objects.get(pk=greenhouse.pk).capabilities == ""


def test_pull_now_from_the_link_page_reports_what_it_read(integration_admin_client, make_link):
    link = make_link("Greenhouse")
    pulled = integration_admin_client.post(reverse("admin:integrations_mergelink_pull", args=[link.pk]), follow=True)
    assert pulled.redirect_chain[-1][0] == reverse("admin:integrations_mergelink_change", args=[link.pk])
    assert any(m.startswith(f"{link}: ") for m in messages_of(pulled)), messages_of(pulled)


def test_a_refused_merge_key_is_said_on_the_link(integration_admin_client, make_link):
    link = make_link("Greenhouse")
    link.api_key = "revoked"
    link.save()
    integration_admin_client.post(reverse("admin:integrations_mergelink_test", args=[link.pk]))
    link.refresh_from_db()
    assert (link.last_check_ok, link.last_check_problem) == (False, "refused")
    listing = integration_admin_client.get(reverse("admin:integrations_mergelink_changelist")).content.decode()
    assert link.last_check_message in listing
