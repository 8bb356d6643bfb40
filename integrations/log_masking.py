"""Webhook URL tokens never reach a log: for Hireflix the token is the only credential a delivery carries.

The filter sits on the loggers that write request paths (runserver's access log, Django's
request warnings, gunicorn's access and error logs where gunicorn serves the app), so it
rewrites the record before any handler formats, prints or mails it.
"""

from __future__ import annotations

import logging
import re

# /webhooks/<vendor>/<token>/ as in integrations/urls.py.
TOKEN_IN_PATH = re.compile(r"(/webhooks/[^/\s]+/)[^/\s?#\"']+")
MASK = "********"
LOGGERS = ("django.server", "django.request", "gunicorn.access", "gunicorn.error")


def mask(text: str) -> str:
    return TOKEN_IN_PATH.sub(rf"\g<1>{MASK}", text)


class MaskWebhookTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


def install() -> None:
    """Add the filter to every logger that writes request paths (once, however often Django sets up)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, MaskWebhookTokens) for f in logger.filters):
            logger.addFilter(MaskWebhookTokens())
