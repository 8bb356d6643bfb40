"""The webhook URL's token, Hireflix's only credential, never appears in an access log line."""

from __future__ import annotations

import logging
import threading

import pytest
import requests
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
from django.core.wsgi import get_wsgi_application

from tests.waiting import wait_for

TOKEN = "k3ep-Th1s-S3cret-t0ken"
PATH = f"/integrations/webhooks/hireflix/{TOKEN}/"


@pytest.fixture
def runserver():
    """The server ``manage.py runserver`` runs, with its own request handler and access log."""
    server = WSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    server.set_app(get_wsgi_application())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def access_log():
    """What runserver's access log prints (django.server does not propagate to the root logger)."""
    lines: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(handler.format(record))  # type: ignore[method-assign]
    for name in ("django.server", "django.request"):
        logging.getLogger(name).addHandler(handler)
    yield lines
    for name in ("django.server", "django.request"):
        logging.getLogger(name).removeHandler(handler)


def test_runserver_access_log_masks_the_webhook_token(runserver, access_log):
    answer = requests.get(runserver + PATH, timeout=10)  # a GET: answered 405 without touching the database
    assert answer.status_code == 405
    # runserver writes the line once the answer is sent, on its own thread.
    masked = '"GET /integrations/webhooks/hireflix/********/ HTTP/1.1" 405'
    assert wait_for(lambda: any(masked in line for line in access_log)), access_log
    assert not any(TOKEN in line for line in access_log)


def test_gunicorn_access_lines_are_masked_too(caplog):
    # gunicorn formats its access line from a dict of atoms; the filter sees the result.
    caplog.set_level(logging.INFO)
    logging.getLogger("gunicorn.access").info(
        '%(h)s "%(r)s" %(s)s', {"h": "10.0.0.1", "r": f"POST {PATH} HTTP/1.1", "s": "200"}
    )
    assert TOKEN not in caplog.text and "hireflix/********/" in caplog.text
