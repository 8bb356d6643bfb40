"""Reminders and expiry past a stage's deadline; polling as the webhook fallback."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from integrations import services
from integrations.models import Invitation, InvitationEvent
from integrations.services.polling import invitations_to_poll
from integrations.states import InvitationState
from tests.integrations.test_sending import send_all

pytestmark = pytest.mark.django_db


def invited_days_ago(invitation, days):
    Invitation.objects.filter(pk=invitation.pk).update(
        invited_at=timezone.now() - timedelta(days=days), state_changed_at=timezone.now() - timedelta(days=days)
    )


def test_an_invitation_is_reminded_then_expired(mapped_stage, applicants, control, run_tasks):
    job, _, assessment = mapped_stage("wedgehr", invite_on_entry=False)
    bulk = services.request_invitations(applicants(job, 3), assessment, options={"deadline_days": 6})
    send_all(bulk)
    fresh, due, late = bulk.invitations.order_by("pk")
    invited_days_ago(fresh, 1)
    invited_days_ago(due, 5)  # past two thirds of the deadline
    invited_days_ago(late, 7)

    assert run_tasks(services.enforce_deadlines) == (1, 1)
    assert run_tasks(services.enforce_deadlines) == (0, 0)  # reminded once, expired once

    states = dict(bulk.invitations.values_list("pk", "state"))
    assert states == {fresh.pk: "invited", due.pk: "invited", late.pk: "expired"}
    reminder = due.events.filter(message__startswith="The deadline is").get()
    assert "reminder" in reminder.message
    assert due.events.filter(message="WedgeHR sent the candidate a reminder.").exists()
    # The reminder went through WedgeHR's own resend, once.
    assert control.requests_by_route("wedgehr")["POST /connect/v2/wedges/<wedge_id>/resend-invite"] == 1


def test_without_a_deadline_nothing_expires(mapped_stage, applicants):
    job, _, assessment = mapped_stage("wedgehr", invite_on_entry=False)
    bulk = services.request_invitations(applicants(job, 1), assessment, options={"deadline_days": None})
    send_all(bulk)
    invited_days_ago(bulk.invitations.get(), 400)
    assert services.enforce_deadlines() == (0, 0)


def test_webhook_vendors_are_polled_only_once_their_webhook_is_overdue(mapped_stage, applicants, settings):
    settings.WEBHOOK_OVERDUE_AFTER = 600
    job, _, assessment = mapped_stage("hireflix", invite_on_entry=False)
    bulk = services.request_invitations(applicants(job, 2), assessment)
    send_all(bulk)
    quiet, _just_invited = bulk.invitations.order_by("pk")
    Invitation.objects.filter(pk=quiet.pk).update(state_changed_at=timezone.now() - timedelta(hours=1))
    assert [i.pk for i in invitations_to_poll(assessment.account)] == [quiet.pk]


def test_a_poll_moves_wedgehr_invitations_forward_only(mapped_stage, applicants, control):
    job, _, assessment = mapped_stage("wedgehr", invite_on_entry=False)
    bulk = services.request_invitations(applicants(job, 2), assessment)
    send_all(bulk)
    done, waiting = bulk.invitations.order_by("pk")
    control.control("wedgehr/advance", {"ref": done.application.candidate.email, "action": "completed"})

    assert services.poll_account(assessment.account) == 1
    assert services.poll_account(assessment.account) == 0  # nothing new: nothing moves
    assert dict(bulk.invitations.values_list("pk", "state")) == {
        done.pk: InvitationState.COMPLETED,
        waiting.pk: InvitationState.INVITED,
    }


def polled_twice(account):
    """Poll until the vendor has nothing new to say (the first poll may still keep its details)."""
    services.poll_account(account)
    with CaptureQueriesContext(connection) as queries:
        moved = services.poll_account(account)
    return moved, len(queries)


def test_a_quiet_poll_writes_no_timeline_row_and_stamps_last_confirmed(mapped_stage, applicants):
    job, _, assessment = mapped_stage("wedgehr", invite_on_entry=False)
    bulk = services.request_invitations(applicants(job, 3), assessment)
    send_all(bulk)
    services.poll_account(assessment.account)
    events = InvitationEvent.objects.count()
    before = {i.pk: (i.updated_at, i.last_confirmed_at) for i in bulk.invitations.all()}

    assert services.poll_account(assessment.account) == 0

    assert InvitationEvent.objects.count() == events  # nothing changed: nothing in the timeline
    for invitation in bulk.invitations.all():
        updated_at, confirmed_at = before[invitation.pk]
        assert invitation.updated_at == updated_at
        assert invitation.last_confirmed_at > confirmed_at
        assert invitation.state == InvitationState.INVITED


def test_a_poll_costs_the_same_queries_for_10_and_for_100_open_invitations(mapped_stage, applicants):
    costs = {}
    for size in (10, 100):
        job, _, assessment = mapped_stage("wedgehr", invite_on_entry=False)
        send_all(services.request_invitations(applicants(job, size), assessment))
        costs[size] = polled_twice(assessment.account)
    assert costs[10] == costs[100]
    assert costs[10][0] == 0


def test_a_changed_invitation_still_moves_with_its_event_among_quiet_ones(mapped_stage, applicants, control):
    job, _, assessment = mapped_stage("wedgehr", invite_on_entry=False)
    bulk = services.request_invitations(applicants(job, 4), assessment)
    send_all(bulk)
    services.poll_account(assessment.account)
    done = bulk.invitations.order_by("pk").first()
    control.control("wedgehr/advance", {"ref": done.application.candidate.email, "action": "completed"})
    events = InvitationEvent.objects.count()

    assert services.poll_account(assessment.account) == 1

    assert InvitationEvent.objects.count() == events + 1  # only the one that moved
    move = done.events.get(source=InvitationEvent.Source.POLL, to_state=InvitationState.COMPLETED)
    assert (move.from_state, move.vendor_status) == (InvitationState.INVITED, "complete")
    done.refresh_from_db()
    assert done.state == InvitationState.COMPLETED
    assert done.completed_at is not None
    assert bulk.invitations.filter(state=InvitationState.INVITED).count() == 3


def test_a_poll_reporting_an_earlier_step_never_moves_back(mapped_stage, applicants):
    job, _, assessment = mapped_stage("wedgehr", invite_on_entry=False)
    bulk = services.request_invitations(applicants(job, 1), assessment)
    send_all(bulk)
    invitation = bulk.invitations.get()
    Invitation.objects.filter(pk=invitation.pk).update(state=InvitationState.STARTED)  # a webhook got there first

    assert services.poll_account(assessment.account) == 0

    invitation.refresh_from_db()
    assert invitation.state == InvitationState.STARTED
