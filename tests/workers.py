"""Celery worker processes and a Redis server of their own, for tests that kill them."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import redis
from django.conf import settings
from django.db import connection

from tests.waiting import wait_for

REDIS_SERVER = shutil.which("redis-server")


def database_url() -> str:
    """The test database, for processes started by a test."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def start_worker(
    log: Path | None = None, options: Sequence[str] = ("--without-mingle", "--without-gossip"), **env: str
) -> subprocess.Popen:
    """A worker process on the test database, with fast retries; ``env`` overrides settings."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(),
        "VAR_DIR": str(settings.VAR_DIR),  # the same filesystem broker, when there is no Redis
        "INVITE_RETRY_BACKOFF": "0.05",
        "INVITE_RETRY_BACKOFF_MAX": "0.5",
        "INVITE_IN_DOUBT_GRACE": "1",
        "INVITE_SETTLE_AFTER": "0.5",
        **env,
    }
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=threads", "--concurrency=2"]
    output = open(log, "w") if log else None  # noqa: SIM115 (the worker writes to it until it stops)
    return subprocess.Popen(
        [*command, "--loglevel=WARNING", *options],
        env=environment,
        cwd=settings.BASE_DIR,
        start_new_session=True,
        stdout=output,
        stderr=subprocess.STDOUT if output else None,
    )


def stop_worker(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(15)


class RedisServer:
    """A redis-server on a free port that a test may kill and start again."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                REDIS_SERVER or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",  # as the README asks of the broker: what was queued survives a restart
                "yes",
            ],
            cwd=self.directory,
            stdout=subprocess.DEVNULL,
        )
        assert wait_for(self.answers, 10, every=0.05), "redis-server did not start"

    def kill(self) -> None:
        """SIGKILL, as a crash does: clients see their connections drop."""
        assert self.process is not None
        self.process.kill()
        self.process.wait(10)

    def answers(self) -> bool:
        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=0.5).ping())
        except redis.RedisError:
            return False
