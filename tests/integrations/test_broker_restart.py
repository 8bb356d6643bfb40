"""Redis restarts under a running worker: the worker reconnects and sending goes on, no restart needed."""

import pytest
from kombu import Connection, Exchange, Queue

from config.celery_app import app
from integrations.models import Invitation
from integrations.states import InvitationState
from integrations.tasks import send_invitations
from tests import workers
from tests.factories import InvitationFactory
from tests.waiting import wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_cleaning_up_after_redis_died_closes_every_channel_and_does_not_crash(own_redis):
    """The worker's consumer state at a crash: the task channel holds an unacknowledged task and
    waits on BRPOP, the remote-control channel consumes a fanout queue. Celery then collects and
    closes the connection; kombu 5.7.0 alone raised AttributeError('hostname') there and the
    worker exited (see config/kombu_patches.py)."""
    connection = Connection(own_redis.url(5))
    tasks = Queue("tasks", Exchange("tasks"), "tasks")
    connection.Producer().publish({"n": 1}, exchange=tasks.exchange, routing_key="tasks", declare=[tasks])
    connection.Consumer([tasks], callbacks=[lambda body, message: None], accept=["json"]).consume()
    connection.drain_events(timeout=5)
    task_channel = connection.default_channel
    assert len(task_channel.qos._delivered) == 1
    control = Queue("control", Exchange("control", type="fanout"), auto_delete=True)
    connection.Consumer([control], channel=connection.channel(), no_ack=True, accept=["json"]).consume()
    task_channel._brpop_start()

    own_redis.kill()
    connection.collect(socket_timeout=5)  # what celery's consumer does on a connection error...
    connection.close()  # ...then this, which raised

    assert task_channel.closed


def test_a_worker_keeps_sending_across_redis_restarts(own_redis, mapped_stage, applicants, control, tmp_path):
    _, _, assessment = mapped_stage("wedgehr", invite_on_entry=False)
    broker = own_redis.url(5)
    log = tmp_path / "worker.log"
    worker = workers.start_worker(log, options=(), CELERY_BROKER_URL=broker)  # mingle and gossip on, as in production

    def send(count: int) -> list[int]:
        ids = [InvitationFactory(assessment=assessment).pk for _ in range(count)]
        with app.connection_for_write(broker) as connection:
            send_invitations.apply_async((ids,), connection=connection)
        return ids

    def invited(ids: list[int]) -> bool:
        return Invitation.objects.filter(pk__in=ids, state=InvitationState.INVITED).count() == len(ids)

    try:
        first = send(5)
        assert wait_for(lambda: invited(first), 60), "the worker never sent the first batch"
        for restart in range(2):
            lost_before = log.read_text().count("Connection to broker lost")
            own_redis.kill()
            assert wait_for(lambda n=lost_before: log.read_text().count("Connection to broker lost") > n, 30)
            own_redis.start()
            batch = send(5)
            assert wait_for(lambda ids=batch: invited(ids), 60), f"sending did not resume after restart {restart + 1}"
            assert worker.poll() is None, "the worker exited"
    finally:
        workers.stop_worker(worker)

    assert "Unrecoverable error" not in log.read_text()
    per_email = control.invites("wedgehr")[assessment.remote_id]
    assert len(per_email) == 15 and set(per_email.values()) == {1}
