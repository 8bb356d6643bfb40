"""The webhook endpoint: good, forged, replayed, malformed and out-of-order deliveries.

The payloads and signatures are the sandbox's own deliveries, captured and replayed here.
"""

import json
import time
from datetime import timedelta

import pytest
from django.urls import reverse

from integrations import services
from integrations.models import WebhookEvent
from integrations.services import webhooks as outbox
from integrations.states import InvitationState
from tests.integrations.test_sending import send_all
from tests.waiting import wait_for

pytestmark = pytest.mark.django_db

NOWHERE = "http://127.0.0.1:9/hook"  # deliveries are captured in the sandbox, not sent anywhere useful


@pytest.fixture
def invited(mapped_stage, applicants, control, sandbox):
    """An intervue invitation sent through the sandbox, whose later webhooks we can capture."""

    def make(vendor="intervue"):
        job, _, assessment = mapped_stage(vendor, invite_on_entry=False)
        account = assessment.account
        control.control(f"{vendor}/webhook", {"url": NOWHERE, "secret": account.webhook_secret})
        bulk = services.request_invitations(applicants(job, 1), assessment)
        send_all(bulk)
        return bulk.invitations.get(), account

    return make


def deliveries(sandbox, event=None):
    found = [d for d in sandbox.app.hub.deliveries if event is None or d.event == event]
    assert found, f"no {event or ''} delivery captured"
    return found


def post(client, account, delivery, body=None, **headers):
    url = reverse("integrations:webhook", kwargs={"vendor": account.vendor, "token": account.webhook_token})
    sent = {**{k: v for k, v in delivery.headers.items() if k != "Content-Type"}, **headers}
    return client.post(
        url, data=body if body is not None else delivery.body, content_type="application/json", headers=sent
    )


def apply_pending():
    for event in WebhookEvent.objects.filter(verdict=WebhookEvent.Verdict.ACCEPTED, processed_at=None).order_by("pk"):
        services.apply_webhook_event(event.pk)


def test_a_signed_event_is_stored_applied_and_answered_fast(client, invited, control, sandbox):
    invitation, account = invited()
    control.control("intervue/advance", {"ref": invitation.application.candidate.email, "action": "completed"})
    response = post(client, account, deliveries(sandbox, "completed")[-1])
    assert response.status_code == 200
    assert response.json() == {"accepted": 1, "duplicates": 0}
    apply_pending()
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.COMPLETED
    assert invitation.events.filter(source="webhook").exists()


def test_a_forged_signature_is_refused_with_401_and_kept(client, invited, control, sandbox):
    invitation, account = invited()
    control.control("intervue/advance", {"ref": invitation.application.candidate.email, "action": "completed"})
    delivery = deliveries(sandbox, "completed")[-1]
    response = post(client, account, delivery, **{"X-Intervue-Signature": "0" * 64})
    assert response.status_code == 401
    stored = WebhookEvent.objects.get()
    assert stored.verdict == WebhookEvent.Verdict.BAD_SIGNATURE
    assert json.loads(stored.body) == json.loads(delivery.body)
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.INVITED


def test_a_replayed_event_is_recorded_once(client, invited, control, sandbox):
    invitation, account = invited()
    control.control("intervue/advance", {"ref": invitation.application.candidate.email, "action": "completed"})
    delivery = deliveries(sandbox, "completed")[-1]
    assert post(client, account, delivery).json() == {"accepted": 1, "duplicates": 0}
    assert post(client, account, delivery).json() == {"accepted": 0, "duplicates": 1}
    apply_pending()
    assert WebhookEvent.objects.filter(verdict="accepted").count() == 1
    assert WebhookEvent.objects.filter(verdict="duplicate").count() == 1
    assert invitation.events.filter(source="webhook").count() == 1


def test_a_malformed_body_gets_400_and_is_kept(client, invited):
    url = reverse("integrations:webhook", kwargs={"vendor": "hireflix", "token": "nope"})
    assert client.post(url, data="{}", content_type="application/json").status_code == 404
    _, hireflix = invited("hireflix")
    url = reverse("integrations:webhook", kwargs={"vendor": "hireflix", "token": hireflix.webhook_token})
    response = client.post(url, data="{not json", content_type="application/json")
    assert response.status_code == 400
    verdicts = list(WebhookEvent.objects.order_by("pk").values_list("verdict", "body"))
    assert verdicts == [("unknown_account", "{}"), ("malformed", "{not json")]


def test_events_out_of_order_never_move_an_invitation_backwards(client, invited, control, sandbox):
    invitation, account = invited()
    email = invitation.application.candidate.email
    control.control("intervue/advance", {"ref": email, "action": "started"})
    control.control("intervue/advance", {"ref": email, "action": "completed"})
    scheduled = deliveries(sandbox, "scheduled")[-1]
    completed = deliveries(sandbox, "completed")[-1]
    post(client, account, completed)  # the completion overtakes the scheduling
    post(client, account, scheduled)
    apply_pending()
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.COMPLETED
    kept = invitation.events.filter(source="webhook", to_state="")
    assert kept.count() == 1 and "Kept completed" in kept.get().message


def test_hireflix_webhooks_are_authenticated_by_the_account_url(client, invited, control, sandbox):
    invitation, account = invited("hireflix")
    control.control("hireflix/advance", {"ref": invitation.remote_id, "action": "completed"})
    finish = deliveries(sandbox, "interview.finish")[-1]
    wrong = reverse("integrations:webhook", kwargs={"vendor": "hireflix", "token": "guessed-token"})
    assert client.post(wrong, data=finish.body, content_type="application/json").status_code == 404
    assert post(client, account, finish).status_code == 200
    apply_pending()
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.COMPLETED


# --- the outbox: what is stored is applied, whatever the broker does ----------------------------------
@pytest.fixture
def broker_down(monkeypatch):
    """Every publish fails the way kombu does when Redis refuses the connection."""
    from kombu.exceptions import OperationalError

    from integrations.tasks import apply_webhook_event

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(apply_webhook_event, "apply_async", refuse)


def test_webhooks_received_while_the_broker_is_down_are_answered_and_later_applied_once(
    client, invited, control, sandbox, broker_down, settings, django_capture_on_commit_callbacks
):
    from integrations.tasks import apply_pending_webhooks

    invitation, account = invited()
    email = invitation.application.candidate.email
    control.control("intervue/advance", {"ref": email, "action": "started"})
    control.control("intervue/advance", {"ref": email, "action": "completed"})
    sent = [deliveries(sandbox, "scheduled")[-1], deliveries(sandbox, "completed")[-1]]
    with django_capture_on_commit_callbacks(execute=True):
        answers = [post(client, account, delivery) for delivery in sent + sent]  # each delivered twice
    assert [a.status_code for a in answers] == [200, 200, 200, 200]
    assert [a.json()["accepted"] for a in answers] == [1, 1, 0, 0]
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.INVITED  # nothing applied yet: no task reached a worker

    settings.WEBHOOK_APPLY_AFTER = 0  # instead of waiting out the delay
    assert apply_pending_webhooks() == 2
    assert apply_pending_webhooks() == 0  # the next sweep finds nothing left
    services.apply_webhook_event(WebhookEvent.objects.filter(verdict="accepted").first().pk)  # a late task
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.COMPLETED
    assert invitation.events.filter(source="webhook").count() == 2
    assert not WebhookEvent.objects.filter(verdict="accepted", processed_at=None).exists()


@pytest.fixture
def dead_broker():
    """The Celery app pointed at a Redis that refuses connections, for this test only."""
    from config.celery_app import app

    def use(url):
        app.conf.broker_url = url
        app._pool = None  # the connection and producer pools were built for the old URL
        app.amqp._producer_pool = None

    live = app.conf.broker_url
    use("redis://127.0.0.1:9/0")
    yield
    use(live)


def test_with_redis_refusing_connections_webhooks_are_answered_at_once(
    client, invited, control, sandbox, dead_broker, settings, django_capture_on_commit_callbacks
):
    from integrations.tasks import apply_pending_webhooks

    invitation, account = invited()
    control.control("intervue/advance", {"ref": invitation.application.candidate.email, "action": "completed"})
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        answer = post(client, account, deliveries(sandbox, "completed")[-1])
    took = time.monotonic() - started
    assert answer.status_code == 200
    assert took < 2, f"answered in {took:.1f} s"  # a publish to a dead Redis takes about 6 s
    settings.WEBHOOK_APPLY_AFTER = 0
    assert apply_pending_webhooks() == 1
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.COMPLETED


def test_a_delivery_publishes_nothing_and_the_next_sweep_applies_it(
    client, invited, control, sandbox, monkeypatch, django_capture_on_commit_callbacks
):
    from django.conf import settings

    from integrations.tasks import apply_pending_webhooks, apply_webhook_event

    published = []
    monkeypatch.setattr(apply_webhook_event, "apply_async", lambda *a, **k: published.append(a))
    invitation, account = invited()
    control.control("intervue/advance", {"ref": invitation.application.candidate.email, "action": "completed"})
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, account, deliveries(sandbox, "completed")[-1]).status_code == 200
    assert published == []  # the stored row is the work item
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.INVITED
    # Beat sends the sweep every second or two, so an event is applied soon after it is stored.
    assert settings.CELERY_BEAT_SCHEDULE["apply-pending-webhooks"]["schedule"] <= 2
    assert apply_pending_webhooks() == 1
    assert apply_pending_webhooks() == 0
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.COMPLETED
    assert invitation.events.filter(source="webhook").count() == 1


def test_a_worker_coming_up_applies_what_piled_up_while_it_was_away(
    client, invited, control, sandbox, broker_down, django_capture_on_commit_callbacks, run_tasks
):
    from celery.signals import worker_ready

    invitation, account = invited()
    control.control("intervue/advance", {"ref": invitation.application.candidate.email, "action": "completed"})
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, account, deliveries(sandbox, "completed")[-1]).status_code == 200
    run_tasks(worker_ready.send, sender=None)
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.COMPLETED


@pytest.mark.django_db(transaction=True)  # the worker's threads read what the test commits
def test_once_the_broker_is_back_a_real_worker_applies_each_event_once(
    celery_worker_thread, client, invited, control, sandbox, monkeypatch
):
    from kombu.exceptions import OperationalError

    from integrations.tasks import apply_pending_webhooks, apply_webhook_event

    invitation, account = invited()
    email = invitation.application.candidate.email
    control.control("intervue/advance", {"ref": email, "action": "started"})
    control.control("intervue/advance", {"ref": email, "action": "completed"})
    sent = [deliveries(sandbox, "scheduled")[-1], deliveries(sandbox, "completed")[-1]]

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    with monkeypatch.context() as down:
        down.setattr(apply_webhook_event, "apply_async", refuse)
        assert [post(client, account, d).status_code for d in sent + sent] == [200] * 4

    apply_pending_webhooks.delay(older_than=0)  # what beat sends every 30 s, and a worker at start
    applied = WebhookEvent.objects.filter(verdict="accepted").exclude(processed_at=None)
    assert wait_for(lambda: applied.count() == 2, 15)
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.COMPLETED
    assert invitation.events.filter(source="webhook").count() == 2  # each applied once


def test_a_signed_event_older_than_the_replay_window_is_kept_and_not_applied(
    client, invited, control, sandbox, settings
):
    invitation, account = invited()
    control.control("intervue/advance", {"ref": invitation.application.candidate.email, "action": "discarded"})
    canceled = deliveries(sandbox, "canceled")[-1]
    settings.WEBHOOK_MAX_EVENT_AGE_DAYS = 0  # what the default window makes of a delivery replayed 5 days later
    assert post(client, account, canceled).json() == {"accepted": 0, "duplicates": 0, "stale": 1}
    apply_pending()
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.INVITED
    stored = WebhookEvent.objects.get(verdict=WebhookEvent.Verdict.STALE)
    assert "replay window" in stored.error and stored.processed_at is None


# --- the least work per request ------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)  # autocommit, as in production: no test transaction around the view
def test_a_delivery_costs_one_account_lookup_and_one_insert(client, invited, control, sandbox):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    invitation, account = invited()
    control.control("intervue/advance", {"ref": invitation.application.candidate.email, "action": "completed"})
    delivery = deliveries(sandbox, "completed")[-1]
    with CaptureQueriesContext(connection) as queries:
        assert post(client, account, delivery).json() == {"accepted": 1, "duplicates": 0}
    statements = [q["sql"].split()[0].upper() for q in queries]
    assert statements == ["SELECT", "INSERT"]
    with CaptureQueriesContext(connection) as queries:
        assert post(client, account, delivery).json() == {"accepted": 0, "duplicates": 1}  # still stored once
    assert WebhookEvent.objects.filter(verdict="accepted").count() == 1


def test_a_task_carrying_several_events_applies_each_once(client, invited, control, sandbox):
    from integrations.tasks import apply_webhook_event

    invitation, account = invited()
    email = invitation.application.candidate.email
    control.control("intervue/advance", {"ref": email, "action": "started"})
    control.control("intervue/advance", {"ref": email, "action": "completed"})
    for delivery in (deliveries(sandbox, "scheduled")[-1], deliveries(sandbox, "completed")[-1]):
        assert post(client, account, delivery).status_code == 200
    pks = list(WebhookEvent.objects.filter(verdict="accepted").order_by("pk").values_list("pk", flat=True))
    apply_webhook_event(pks)
    apply_webhook_event(pks)  # delivered twice by the broker: applied once
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.COMPLETED
    assert invitation.events.filter(source="webhook").count() == 2


def test_an_event_that_keeps_failing_to_apply_is_given_up_with_its_error(
    client, invited, control, sandbox, broker_down, settings, monkeypatch
):
    settings.WEBHOOK_MAX_APPLY_ATTEMPTS = 3
    invitation, account = invited()
    control.control("intervue/advance", {"ref": invitation.application.candidate.email, "action": "started"})
    assert post(client, account, deliveries(sandbox, "scheduled")[-1]).status_code == 200
    event = WebhookEvent.objects.get(verdict="accepted")
    calls = []

    def broken(*args, **kwargs):
        calls.append(1)
        raise ValueError("a status this version cannot read")

    monkeypatch.setattr(outbox, "apply_update", broken)
    for tries in (1, 2):
        assert services.apply_pending_webhook_events(timedelta(0)) == 0
        event.refresh_from_db()
        assert (event.apply_attempts, event.processed_at) == (tries, None)
        assert event.processing_error == "ValueError: a status this version cannot read"

    assert services.apply_pending_webhook_events(timedelta(0)) == 0
    event.refresh_from_db()
    assert event.apply_attempts == 3 and event.processed_at is not None
    assert event.processing_error.startswith("Gave up after 3 failed tries to apply it: ValueError")
    assert services.apply_pending_webhook_events(timedelta(0)) == 0
    assert len(calls) == 3, "the sweep kept retrying an event it gave up"


def test_an_event_that_failed_once_is_applied_by_the_next_sweep(
    client, invited, control, sandbox, broker_down, settings, monkeypatch
):
    invitation, account = invited()
    control.control("intervue/advance", {"ref": invitation.application.candidate.email, "action": "started"})
    assert post(client, account, deliveries(sandbox, "scheduled")[-1]).status_code == 200
    real = outbox.apply_update

    def fails_once(*args, **kwargs):
        monkeypatch.setattr(outbox, "apply_update", real)
        raise ValueError("deadlock detected")

    monkeypatch.setattr(outbox, "apply_update", fails_once)
    assert services.apply_pending_webhook_events(timedelta(0)) == 0
    assert services.apply_pending_webhook_events(timedelta(0)) == 1
    event = WebhookEvent.objects.get(verdict="accepted")
    assert (event.apply_attempts, event.processing_error) == (1, "")
    assert event.processed_at is not None
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.STARTED


@pytest.mark.django_db(transaction=True)
def test_a_database_connection_that_died_costs_the_vendor_no_5xx(client, invited, control, sandbox):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs a PostgreSQL server whose backend can be terminated")
    import psycopg

    invitation, account = invited()
    control.control("intervue/advance", {"ref": invitation.application.candidate.email, "action": "completed"})
    connection.ensure_connection()
    settings = connection.get_connection_params()
    with psycopg.connect(**settings, autocommit=True) as other:  # as a PostgreSQL restart would
        other.execute("SELECT pg_terminate_backend(%s)", [connection.connection.info.backend_pid])

    response = post(client, account, deliveries(sandbox, "completed")[-1])

    assert response.status_code == 200
    assert response.json() == {"accepted": 1, "duplicates": 0}
    assert WebhookEvent.objects.filter(verdict="accepted").count() == 1
