"""The WSGI entry point: webhooks on a lean handler, every other URL through the full middleware stack."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
site = get_wsgi_application()

# Vendors' deliveries: no session, user, messages, CSRF (the view is exempt) or htmx to load.
WEBHOOK_PREFIX = "/integrations/webhooks/"


class LeanHandler(WSGIHandler):
    """Django's handler without middleware: about a third of a webhook request's CPU went to it."""

    def load_middleware(self, is_async: bool = False) -> None:
        self._view_middleware: list[Any] = []
        self._template_response_middleware: list[Any] = []
        self._exception_middleware: list[Any] = []
        # _get_response (URL, view, response) is BaseHandler's, missing from the stubs.
        self._middleware_chain = convert_exception_to_response(self._get_response)  # type: ignore[attr-defined]


webhooks = LeanHandler()


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    handler = webhooks if environ.get("PATH_INFO", "").startswith(WEBHOOK_PREFIX) else site
    return handler(environ, start_response)
