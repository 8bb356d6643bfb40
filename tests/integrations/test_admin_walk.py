"""Every admin add and change page, sent empty and sent nonsense: each answers with the form and its
messages, never a server error."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.db.models import Model
from django.test import Client
from django.urls import NoReverseMatch, reverse

from candidates.services import move_to_stage
from integrations.models import MergeLink, MergeStageMapping, RemoteInterview, StageAssessment
from tests.factories import (
    PASSWORD,
    ApplicationFactory,
    AssessmentFactory,
    InvitationFactory,
    UserFactory,
    VendorAccountFactory,
)

pytestmark = pytest.mark.django_db

NONSENSE = ["", "  ", "not a number", "-1", "99999999999999999999", "x" * 400, "http//bad url", "1.5", "<b>&"]
UNLISTED = ["", "999999", "not listed"]


@pytest.fixture
def one_of_each(db) -> None:
    """At least one row of every model the admin shows, so that every change page can be opened."""
    application = ApplicationFactory()
    stage = application.job.stages.get(name="Video interview")
    move_to_stage([application], stage)
    for vendor in ("wedgehr", "hireflix", "intervue"):
        account = VendorAccountFactory(vendor=vendor, name=f"{vendor} account")
    assessment = AssessmentFactory(account=account)
    StageAssessment.objects.create(stage=application.stage, assessment=assessment)
    InvitationFactory(application=application, assessment=assessment)
    link = MergeLink.objects.create(name="Greenhouse", api_key="k", account_token="t")
    MergeStageMapping.objects.create(
        link=link, remote_stage_id="s1", remote_stage_name="Screen", stage=application.stage
    )
    RemoteInterview.objects.create(link=link, remote_id="r1", application=application)


def admin_pages() -> list[tuple[str, type[Model]]]:
    return [(f"{m._meta.app_label}.{m._meta.model_name}", m) for m in admin.site._registry]


def form_data(response) -> dict[str, Any]:
    """What the page's form would post untouched: the main form's and every inline's initial values."""
    data: dict[str, Any] = {}
    forms = [response.context["adminform"].form]
    for inline in response.context.get("inline_admin_formsets") or []:
        formset = inline.formset
        management = formset.management_form
        data.update({management.add_prefix(k): v for k, v in management.initial.items()})
        data[management.add_prefix("TOTAL_FORMS")] = len(formset.forms)
        forms.extend(formset.forms)
    for form in forms:
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            if value is None or value is False:
                continue
            if hasattr(value, "pk"):
                value = value.pk
            if isinstance(value, list | tuple):
                value = [getattr(v, "pk", v) for v in value]
            data[form.add_prefix(name)] = value
    return data


def posted(client: Client, url: str, data: dict[str, Any]) -> int:
    response = client.post(url, data)  # the test client raises what would be a 500
    assert response.status_code in (200, 302, 403), (url, response.status_code)
    return response.status_code


def nonsense_for(data: dict[str, Any], choices: set[str], seed: int) -> dict[str, Any]:
    """Anything typed into the text boxes; for a list to choose from, a choice it does not offer."""
    bad = dict(data)
    for n, key in enumerate(sorted(data)):
        if key.endswith(("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")):
            continue
        words = UNLISTED if key in choices else NONSENSE
        bad[key] = words[(n + seed) % len(words)]
    return bad


def choice_fields(response) -> set[str]:
    forms = [response.context["adminform"].form]
    for inline in response.context.get("inline_admin_formsets") or []:
        forms.extend(inline.formset.forms)
    return {form.add_prefix(name) for form in forms for name, f in form.fields.items() if hasattr(f, "choices")}


@pytest.fixture
def superuser_client(db) -> Client:
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client()
    client.login(username=user.username, password=PASSWORD)
    return client


@pytest.mark.parametrize(("label", "model"), admin_pages(), ids=[label for label, _ in admin_pages()])
def test_every_admin_page_answers_empty_and_nonsense_input_without_a_server_error(
    superuser_client, one_of_each, label, model
):
    app, name = label.split(".")
    try:
        add_url = reverse(f"admin:{app}_{name}_add")
    except NoReverseMatch:
        add_url = None
    if add_url:
        page = superuser_client.get(add_url)
        assert page.status_code in (200, 403), (add_url, page.status_code)
        if page.status_code == 200:
            untouched, choices = form_data(page), choice_fields(page)
            posted(superuser_client, add_url, {})
            for seed in range(3):
                posted(superuser_client, add_url, nonsense_for(untouched, choices, seed))

    instance = model._default_manager.first()
    if instance is None:
        return
    change_url = reverse(f"admin:{app}_{name}_change", args=[instance.pk])
    page = superuser_client.get(change_url)
    assert page.status_code == 200, (change_url, page.status_code)
    if "adminform" not in (page.context or {}):
        return
    untouched, choices = form_data(page), choice_fields(page)
    posted(superuser_client, change_url, {})
    for seed in range(3):
        posted(superuser_client, change_url, nonsense_for(untouched, choices, seed))
