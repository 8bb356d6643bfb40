"""The WSGI entry point sends vendors' webhooks past the middleware and every other URL through it."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.http import HttpRequest
from django.test import RequestFactory
from django.urls import reverse

from config import wsgi

pytestmark = pytest.mark.django_db


def call(environ: dict[str, Any]) -> tuple[str, bytes]:
    answer: list[str] = []
    # As Django's test client does: closing the connection would end the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        body = b"".join(wsgi.application(environ, lambda status, headers, *_: answer.append(status)))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return answer[0], body


def test_the_webhook_prefix_is_the_webhook_url():
    url = reverse("integrations:webhook", kwargs={"vendor": "intervue", "token": "t"})
    assert url.startswith(wsgi.WEBHOOK_PREFIX)


def test_a_webhook_skips_the_middleware_and_a_page_does_not(monkeypatch):
    seen: list[str] = []
    through = SessionMiddleware.process_request

    def noted(self: SessionMiddleware, request: HttpRequest) -> None:
        seen.append(request.path)
        through(self, request)

    monkeypatch.setattr(SessionMiddleware, "process_request", noted)
    webhook = reverse("integrations:webhook", kwargs={"vendor": "intervue", "token": "unknown"})
    status, body = call(RequestFactory().post(webhook, b"{}", content_type="application/json").environ)
    assert status.startswith("404") and b"unknown or disabled account" in body
    assert seen == []
    status, _ = call(RequestFactory().get("/healthz").environ)
    assert status.startswith("200")
    assert seen == ["/healthz"]
