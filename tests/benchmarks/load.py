"""The production web stack in a subprocess (gunicorn, as Procfile.production runs it) and a small load generator.

The generator keeps one HTTP/1.1 keep-alive connection per thread (http.client: far less client
CPU per request than requests), sends bodies prepared beforehand, and reports its own CPU time,
so that a run can show the client was not the bottleneck.
"""

from __future__ import annotations

import http.client
import os
import shlex
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    """The URL of the database the test run uses (pytest-django's test database), for the subprocess."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{db['NAME']}"


def web_command(port: int) -> list[str]:
    """Procfile.production's web line, on this port, with this virtualenv's gunicorn."""
    line = next(
        line.split(":", 1)[1]
        for line in (ROOT / "Procfile.production").read_text().splitlines()
        if line.startswith("web:")
    )
    words = shlex.split(line.replace("${PORT:-8000}", str(port)))
    gunicorn = Path(sys.executable).with_name("gunicorn")
    return [str(gunicorn), *words[1:]]


@contextmanager
def gunicorn(env: dict[str, str]) -> Iterator[str]:
    """Start the production web stack on a free port (DEBUG off); yields its base URL."""
    port = free_port()
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DEBUG": "0",
        "SECRET_KEY": settings.SECRET_KEY,
        "FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
        "DATABASE_URL": database_url(),
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "LOG_LEVEL": "WARNING",
        **env,
    }
    process = subprocess.Popen(web_command(port), cwd=ROOT, env=environment)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not come up on {url}")
            time.sleep(0.2)  # waiting for a real subprocess, not the test clock
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


@dataclass
class Run:
    seconds: float
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    client_cpu_seconds: float = 0.0

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies)


def hammer(
    url: str,
    method: str,
    requests: Sequence[tuple[str, bytes | None, dict[str, str]]],
    connections: int,
) -> Run:
    """Send every (path, body, headers) once, over ``connections`` keep-alive connections at once."""
    host, port = url.removeprefix("http://").split(":")
    lock = threading.Lock()
    position = 0
    latencies: list[list[float]] = [[] for _ in range(connections)]
    statuses: list[dict[int, int]] = [{} for _ in range(connections)]
    start = threading.Barrier(connections + 1)

    def worker(n: int) -> None:
        nonlocal position
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        start.wait()
        while True:
            with lock:
                if position >= len(requests):
                    break
                path, body, headers = requests[position]
                position += 1
            began = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException):
                conn.close()
                status = 0
            latencies[n].append(time.perf_counter() - began)
            statuses[n][status] = statuses[n].get(status, 0) + 1
        conn.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(connections)]
    for thread in threads:
        thread.start()
    cpu = time.process_time()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    run = Run(time.perf_counter() - began, client_cpu_seconds=time.process_time() - cpu)
    for part in latencies:
        run.latencies.extend(part)
    for part in statuses:
        for status, count in part.items():
            run.statuses[status] = run.statuses.get(status, 0) + count
    return run
