import os
from datetime import timedelta

import pytest

from candidates.roles import INTEGRATION_ADMIN, RECRUITER
from integrations.sandbox.clock import SandboxClock
from integrations.sandbox.server import RunningSandbox, start_in_thread
from tests.factories import PASSWORD, UserFactory
from tests.workers import REDIS_SERVER, RedisServer


def pytest_sessionstart(session: pytest.Session) -> None:
    """With REQUIRE_SERVICES=1 (CI), a missing PostgreSQL or Redis fails the run instead of skipping."""
    if os.environ.get("REQUIRE_SERVICES") != "1":
        return
    import redis
    from django.conf import settings
    from django.db import connection

    problems = []
    if connection.vendor != "postgresql":
        problems.append(f"DATABASE_URL must point at PostgreSQL, not {connection.vendor}")
    for name in ("REDIS_URL", "CELERY_BROKER_URL"):
        url = getattr(settings, name)
        if not url.startswith("redis://"):
            problems.append(f"{name} must point at Redis, not {url!r}")
            continue
        try:
            redis.Redis.from_url(url, socket_connect_timeout=3).ping()
        except redis.RedisError as exc:
            problems.append(f"{name} ({url}) does not answer: {exc}")
    if problems:
        pytest.exit("REQUIRE_SERVICES=1 but: " + "; ".join(problems), returncode=3)


@pytest.fixture
def recruiter(db):
    return UserFactory(username="riley", role=RECRUITER)


@pytest.fixture
def integration_admin(db):
    return UserFactory(username="ada", role=INTEGRATION_ADMIN, is_staff=True)


@pytest.fixture
def recruiter_client(client, recruiter):
    client.login(username=recruiter.username, password=PASSWORD)
    return client


@pytest.fixture
def integration_admin_client(client, integration_admin):
    client.login(username=integration_admin.username, password=PASSWORD)
    return client


@pytest.fixture(scope="session")
def celery_worker_thread():
    """A real Celery worker consuming the configured broker, for the whole session.

    Session scope matters: on start, Celery's Django fixup closes the calling thread's
    database connection, which must happen before any test opens its transaction.
    Tasks run on the pool's own threads, so tests whose rows a task reads need
    ``django_db(transaction=True)``.
    """
    from celery.contrib.testing.worker import start_worker

    from config.celery_app import app

    with start_worker(app, pool="threads", concurrency=2, perform_ping_check=False, shutdown_timeout=10) as worker:
        _running_workers.append(worker)
        yield worker
        _running_workers.remove(worker)


_running_workers: list = []


@pytest.fixture
def without_thread_worker():
    """Stop the session's in-process worker from consuming, for tests that run worker processes of their own."""
    queue = "celery"
    for worker in _running_workers:
        worker.consumer.cancel_task_queue(queue)
    yield
    for worker in _running_workers:
        worker.consumer.add_task_queue(queue)


@pytest.fixture(scope="session")
def sandbox_server() -> RunningSandbox:
    """One sandbox for the whole session, on a free port."""
    running = start_in_thread()
    yield running
    running.stop()


@pytest.fixture
def sandbox(sandbox_server: RunningSandbox) -> RunningSandbox:
    """The sandbox with every vendor back to its seeded state."""
    sandbox_server.app.hub.reset()
    return sandbox_server


@pytest.fixture
def sandbox_clock(sandbox: RunningSandbox) -> SandboxClock:
    """The sandbox's clock, back on real time; advance it instead of sleeping."""
    return sandbox.app.hub.clock


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Every test starts with empty rate-limit windows and an empty cache: the sandbox's keys and the
    test client's address are the same in every test, and Redis keeps its keys from one run to the next."""
    from django.core.cache import cache

    from integrations import ratelimit

    ratelimit.reset()
    cache.clear()


@pytest.fixture
def own_redis(tmp_path):
    """A Redis of the test's own, to kill. Skipped without redis-server, unless REQUIRE_SERVICES=1."""
    if REDIS_SERVER is None:
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail("REQUIRE_SERVICES=1 but redis-server is not installed")
        pytest.skip("redis-server is not installed")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    if server.process and server.process.poll() is None:
        server.kill()


class Clock:
    """``timezone.now()`` that a test moves forwards instead of sleeping."""

    def __init__(self, real_now) -> None:
        self.real_now = real_now
        self.offset = timedelta()

    def now(self):
        return self.real_now() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    from django.utils import timezone

    moved = Clock(timezone.now)
    monkeypatch.setattr(timezone, "now", moved.now)
    return moved
