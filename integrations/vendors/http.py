"""HTTP plumbing shared by every vendor client: one pooled session, timeouts, error mapping.

Connection failures before anything was sent are Retryable. A read timeout or a
dropped connection after a non-idempotent request was sent is UnknownOutcome:
the vendor may have applied it, so the caller reconciles before retrying.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.exceptions import NewConnectionError
from urllib3.util.retry import Retry

from .. import vendor_metrics
from .errors import Permanent, Retryable, UnknownOutcome, VendorError
from .parsing import json_or_text, message_in

logger = logging.getLogger("integrations.vendors")

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        try:
            return max(parsedate_to_datetime(value).timestamp() - time.time(), 0.0)
        except (TypeError, ValueError):
            return None


def _never_sent(exc: requests.ConnectionError) -> bool:
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = exc.args[0] if exc.args else None
    return isinstance(getattr(reason, "reason", reason), NewConnectionError)


class VendorHTTP:
    """A requests.Session bound to one vendor account's base URL and auth headers."""

    def __init__(
        self,
        vendor: str,
        base_url: str,
        *,
        headers: Mapping[str, str] | None = None,
        auth: Any = None,
        error_message: Callable[[requests.Response], str] | None = None,
        timeout: tuple[float, float] | None = None,
        pool_size: int = 10,
        throttle: Callable[[], None] | None = None,
    ) -> None:
        self.vendor = vendor
        # Called before every request: the shared per-key rate limiter blocks (or raises Retryable) here.
        self.throttle = throttle
        # Counted for the status page under the throttle's vendor key, the identity the rate limit uses.
        self.metrics_key: str = getattr(throttle, "account_key", "")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout or settings.VENDOR_HTTP_TIMEOUT
        self.error_message = error_message or _default_error_message
        self.session = requests.Session()
        self.session.headers.update({"Accept": "application/json", **(headers or {})})
        self.session.auth = auth
        # Only connection attempts are retried here: nothing was sent, so it is safe for any method.
        # Retry-After is the caller's to honour (a Celery countdown), never a blocking wait in here.
        retry = Retry(
            total=2, connect=2, read=0, status=0, other=0, backoff_factor=0.2, respect_retry_after_header=False
        )
        adapter = HTTPAdapter(pool_connections=pool_size, pool_maxsize=pool_size, max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """Send a request; return a 2xx response or raise the matching VendorError."""
        method = method.upper()
        url = f"{self.base_url}{path}"
        kwargs.setdefault("timeout", self.timeout)
        if self.throttle is not None:
            self.throttle()
        vendor_metrics.record(self.vendor, self.metrics_key, vendor_metrics.REQUESTS)
        try:
            return self._send(method, path, url, **kwargs)
        except VendorError as exc:
            vendor_metrics.record(self.vendor, self.metrics_key, vendor_metrics.ERRORS)
            if exc.status_code == 429:  # the vendor's own limit: the caller waits out its Retry-After
                vendor_metrics.record(self.vendor, self.metrics_key, vendor_metrics.RATE_LIMIT_WAITS)
            raise

    def _send(self, method: str, path: str, url: str, **kwargs: Any) -> requests.Response:
        started = time.monotonic()
        try:
            response = self.session.request(method, url, **kwargs)
        except requests.ConnectionError as exc:
            if _never_sent(exc) or method in IDEMPOTENT_METHODS:
                raise Retryable(f"{self.vendor} could not be reached: {type(exc).__name__}") from exc
            raise UnknownOutcome(f"{self.vendor} closed the connection before answering") from exc
        except requests.Timeout as exc:
            if method in IDEMPOTENT_METHODS:
                raise Retryable(f"{self.vendor} did not answer in time") from exc
            raise UnknownOutcome(f"{self.vendor} did not answer in time; the request may have been applied") from exc
        except requests.RequestException as exc:
            raise Retryable(f"{self.vendor} request failed: {type(exc).__name__}") from exc
        elapsed_ms = (time.monotonic() - started) * 1000
        # Path and status only: URLs here carry no secrets, headers and bodies might.
        logger.info(
            "%s %s %s -> %s in %.0fms", self.vendor, method, path.split("?")[0], response.status_code, elapsed_ms
        )
        answered = getattr(self.throttle, "answered", None)
        if answered is not None:  # the shared limiter slows the key down on a 429, speeds it up otherwise
            answered(response.status_code, parse_retry_after(response.headers.get("Retry-After")))
        self.raise_for_status(response)
        return response

    def raise_for_status(self, response: requests.Response) -> None:
        status = response.status_code
        if status < 400:
            return
        message = self.error_message(response)
        error_kwargs = {"status_code": status, "payload": json_or_text(response)}
        if status == 429:
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            raise Retryable(message, retry_after=retry_after, **error_kwargs)
        if status == 504 and response.request.method not in IDEMPOTENT_METHODS:
            raise UnknownOutcome(message, **error_kwargs)
        if status >= 500 or status == 408:
            raise Retryable(message, **error_kwargs)
        raise Permanent(message, **error_kwargs)

    def get_json(self, path: str, **kwargs: Any) -> Any:
        return json_of(self.request("GET", path, **kwargs), self.vendor)

    def post_json(self, path: str, payload: Any, **kwargs: Any) -> Any:
        return json_of(self.request("POST", path, json=payload, **kwargs), self.vendor)


def json_of(response: requests.Response, vendor: str) -> Any:
    """The JSON body of a 2xx answer; a body that is not JSON is a Retryable vendor fault."""
    try:
        return response.json()
    except ValueError as exc:
        raise Retryable(f"{vendor} answered {response.status_code} with a body that is not JSON") from exc


def _default_error_message(response: requests.Response) -> str:
    return message_in(json_or_text(response)) or f"HTTP {response.status_code}"
