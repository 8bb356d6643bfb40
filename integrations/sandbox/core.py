"""The machinery every vendor simulator shares.

A simulator (one ``VendorSim`` subclass per vendor) owns its in-memory state and
its routes; the hub around it adds what no vendor document describes but every
test and demo needs: fault injection, request and invite counters, webhook
delivery with retries, a scheduler for auto-completing candidates, and
pre-signed media URLs that expire.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import heapq
import hmac
import itertools
import json
import logging
import random
import socket
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlencode

import requests
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Map
from werkzeug.wrappers import Request, Response

from .clock import SandboxClock

logger = logging.getLogger(__name__)

# Actions the control API can apply to a candidate, whatever the vendor calls them.
ACTIONS = ("started", "completed", "scored", "shortlisted", "discarded")


def json_response(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(payload), status=status, headers=headers, content_type="application/json")


def read_json(request: Request) -> Any:
    """The request's JSON body, or None when it is absent or not JSON."""
    try:
        return json.loads(request.get_data(cache=True) or b"null")
    except ValueError:
        return None


@dataclass
class Faults:
    """Failures injected into a vendor's API (never into the control API).

    Shares are probabilities per request. ``drop_rate`` applies the request and
    then closes the connection without an answer: the client cannot know
    whether it worked, which is what idempotency keys and reconciliation are for.
    """

    latency_ms: int = 0
    error_rate: float = 0.0
    rate_limit_rate: float = 0.0
    timeout_rate: float = 0.0
    drop_rate: float = 0.0
    timeout_seconds: float = 15.0
    retry_after: int = 1

    def update(self, values: dict[str, Any]) -> None:
        known = {f.name: f.type for f in fields(self)}
        for key, value in values.items():
            if key not in known:
                raise ValueError(f"unknown fault {key!r}; known: {', '.join(known)}")
            setattr(self, key, float(value) if "float" in str(known[key]) else int(value))


@dataclass
class WebhookTarget:
    url: str
    secret: str = ""
    events: tuple[str, ...] = ()  # empty: every event

    def wants(self, event: str) -> bool:
        return not self.events or event in self.events


@dataclass
class Delivery:
    vendor: str
    event: str
    url: str
    body: bytes
    headers: dict[str, str]
    attempts: int = 0
    status: str = "pending"  # pending, delivered, failed
    last_response: str = ""

    def describe(self) -> dict[str, Any]:
        return {
            "vendor": self.vendor,
            "event": self.event,
            "url": self.url,
            "attempts": self.attempts,
            "status": self.status,
            "last_response": self.last_response,
            "payload": json.loads(self.body),
        }


class Scheduler:
    """Runs callables after a delay on one background thread (auto-complete, webhook retries).

    Jobs fall due by the sandbox clock: advancing it runs whatever became due at once.
    """

    def __init__(self, clock: SandboxClock | None = None) -> None:
        self.clock = clock or SandboxClock()
        self._heap: list[tuple[float, int, Callable[[], None]]] = []
        self._seq = itertools.count()
        self._cv = threading.Condition()
        self._generation = 0
        self.clock.on_change(self._wake)
        self._thread = threading.Thread(target=self._run, name="sandbox-scheduler", daemon=True)
        self._thread.start()

    @property
    def pending(self) -> int:
        """Jobs waiting to fall due (not counting one running now)."""
        with self._cv:
            return len(self._heap)

    def call_later(self, delay: float, fn: Callable[[], None]) -> None:
        with self._cv:
            generation = self._generation

            def guarded() -> None:
                if generation == self._generation:  # a reset cancels what was scheduled before it
                    fn()

            heapq.heappush(self._heap, (self.clock.monotonic() + max(delay, 0), next(self._seq), guarded))
            self._cv.notify()

    def clear(self) -> None:
        with self._cv:
            self._heap.clear()
            self._generation += 1

    def _wake(self) -> None:
        with self._cv:
            self._cv.notify_all()

    def _run(self) -> None:
        while True:
            with self._cv:
                # The offset only changes with a notify, so the remaining delay is also real time.
                while not self._heap or self._heap[0][0] > self.clock.monotonic():
                    timeout = self._heap[0][0] - self.clock.monotonic() if self._heap else None
                    self._cv.wait(timeout)
                _, _, fn = heapq.heappop(self._heap)
            try:
                fn()
            except Exception:
                logger.exception("sandbox scheduled job failed")


class VendorSim:
    """One vendor's simulator. Subclasses declare routes and handlers.

    ``url_map`` rules carry an endpoint naming a method of the subclass; the
    method receives the werkzeug Request and the rule's values. ``authenticate``
    runs before every handler and returns an error Response to refuse.
    """

    name: ClassVar[str]
    url_map: ClassVar[Map]
    default_options: ClassVar[dict[str, Any]] = {}
    # Credentials the simulator accepts; the demo and the tests read them from here.
    credentials: ClassVar[dict[str, str]] = {}

    def __init__(self, hub: Sandbox) -> None:
        self.hub = hub
        self.lock = threading.RLock()
        self.faults = Faults()
        self.options: dict[str, Any] = dict(self.default_options)
        self.webhook: WebhookTarget | None = None
        self.requests: Counter[str] = Counter()
        self.invites: defaultdict[str, Counter[str]] = defaultdict(Counter)
        self.random = random.Random(f"{self.name}-faults")
        self.reset()

    # --- for subclasses -----------------------------------------------------------
    def reset(self) -> None:
        """Rebuild the deterministic seeded state."""
        raise NotImplementedError

    def error_response(self, status: int, message: str) -> Response:
        """An error in the vendor's own documented shape."""
        return json_response({"status": status, "message": message}, status=status)

    def authenticate(self, request: Request) -> Response | None:
        return None

    def advance(self, ref: str, action: str) -> dict[str, Any]:
        """Move a candidate along (started, completed, scored, shortlisted, discarded)."""
        raise NotImplementedError

    def sign_webhook(self, body: bytes, secret: str) -> dict[str, str]:
        """Headers that sign a webhook body the way the vendor documents it."""
        return {}

    def webhook_targets(self, event: str) -> list[WebhookTarget]:
        """Where an event goes: the control API's target, plus any the vendor API registered."""
        return [self.webhook] if self.webhook and self.webhook.wants(event) else []

    def control(self, parts: list[str], method: str, body: dict[str, Any]) -> Response | None:
        """Vendor-specific control endpoints under /_control/<vendor>/...; None when unknown."""
        return None

    def counters(self) -> dict[str, Any]:
        return {"requests": dict(self.requests), "invites": {k: dict(v) for k, v in self.invites.items()}}

    # --- helpers for subclasses -------------------------------------------------------
    def option(self, key: str) -> Any:
        return self.options[key]

    def count_invite(self, assessment_id: str, email: str) -> None:
        """Record one invite actually created, to prove exactly-once delivery."""
        self.invites[str(assessment_id)][email.lower()] += 1

    def emit_webhook(self, event: str, payload: dict[str, Any]) -> None:
        self.hub.deliver(self, event, payload)

    def on_invited(self, ref: str) -> None:
        """Call when an invite is created: the demo's auto-complete drives it to completed."""
        seconds = self.hub.auto_complete_seconds
        if seconds is None:
            return

        def step(action: str) -> Callable[[], None]:
            def run() -> None:
                # KeyError/ValueError: deleted or canceled meanwhile
                with self.lock, contextlib.suppress(KeyError, ValueError):
                    self.advance(ref, action)

            return run

        self.hub.scheduler.call_later(seconds / 2, step("started"))
        self.hub.scheduler.call_later(seconds, step("completed"))

    def presign(self, request_or_base: Request | str | None, path: str, ttl: float | None = None) -> str:
        return self.hub.presign(request_or_base, f"{self.name}/{path}", ttl)

    @property
    def clock(self) -> SandboxClock:
        """The hub's clock: every simulator reads the time from it, never from the system."""
        return self.hub.clock

    # --- request handling ---------------------------------------------------------------
    def handle(self, request: Request, path: str) -> Response:
        adapter = self.url_map.bind("sandbox", path_info=path)
        try:
            rule, values = adapter.match(path, method=request.method, return_rule=True)
        except NotFound:
            return self.error_response(404, f"Cannot {request.method} {path}")
        except MethodNotAllowed:
            return self.error_response(405, f"Method {request.method} not allowed on {path}")
        except HTTPException as exc:  # a redirect for a missing slash, for instance
            return exc.get_response(request.environ)
        with self.lock:
            self.requests[f"{request.method} {rule.rule}"] += 1

        fault = self._roll_fault()
        if fault == "error":
            return self.error_response(503, "Service temporarily unavailable")
        if fault == "rate_limit":
            response = self.error_response(429, "Too many requests")
            response.headers["Retry-After"] = str(self.faults.retry_after)
            return response
        if fault == "timeout":
            time.sleep(self.faults.timeout_seconds)
            return self.error_response(504, "Gateway timeout")

        with self.lock:
            refused = self.authenticate(request)
            response = refused or getattr(self, rule.endpoint)(request, **values)
        if fault == "drop":
            _drop_connection(request)
        return response

    def _roll_fault(self) -> str | None:
        f = self.faults
        if f.latency_ms:
            time.sleep(f.latency_ms / 1000)
        roll = self.random.random()
        for name, share in (
            ("error", f.error_rate),
            ("rate_limit", f.rate_limit_rate),
            ("timeout", f.timeout_rate),
            ("drop", f.drop_rate),
        ):
            if roll < share:
                return name
            roll -= share
        return None


def _drop_connection(request: Request) -> None:
    """Close the client's socket so that it never reads the (already applied) answer."""
    sock = request.environ.get("werkzeug.socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


class Sandbox:
    """The hub: holds every vendor simulator and the state shared between them."""

    def __init__(self, sims: list[type[VendorSim]], media_secret: bytes = b"sandbox-media", base_url: str = "") -> None:
        self.clock = SandboxClock()
        self.scheduler = Scheduler(self.clock)
        self.media_secret = media_secret
        # Where the sandbox is served, for links built outside a request (webhooks, auto-complete).
        self.base_url = base_url
        self._sims = sims
        self._http = requests.Session()
        self.vendors: dict[str, VendorSim] = {}
        self.deliveries: list[Delivery] = []
        self.reset()

    def reset(self) -> None:
        """Back to the seeded state, with every switch at its default."""
        self.scheduler.clear()
        self.clock.reset()
        self.auto_complete_seconds: float | None = None
        self.presign_ttl = 300.0
        self.webhook_backoff = 0.5  # seconds before the first retry; doubles each time
        self.webhook_attempts = 6
        self.deliveries.clear()
        self.vendors = {sim.name: sim(self) for sim in self._sims}

    # --- webhooks ----------------------------------------------------------------------
    def deliver(self, vendor: VendorSim, event: str, payload: dict[str, Any]) -> None:
        body = json.dumps(payload).encode()
        for target in vendor.webhook_targets(event):
            headers = {"Content-Type": "application/json", "User-Agent": f"{vendor.name}-sandbox-webhooks"}
            if target.secret:
                headers.update(vendor.sign_webhook(body, target.secret))
            delivery = Delivery(vendor.name, event, target.url, body, headers)
            self.deliveries.append(delivery)
            self.scheduler.call_later(0, functools.partial(self._attempt, delivery))

    def _attempt(self, delivery: Delivery) -> None:
        delivery.attempts += 1
        try:
            answer = self._http.post(delivery.url, data=delivery.body, headers=delivery.headers, timeout=10)
            delivery.last_response = f"{answer.status_code}"
            ok = 200 <= answer.status_code < 300
        except requests.RequestException as exc:
            delivery.last_response = type(exc).__name__
            ok = False
        if ok:
            delivery.status = "delivered"
        elif delivery.attempts >= self.webhook_attempts:
            delivery.status = "failed"
        else:
            delay = self.webhook_backoff * 2 ** (delivery.attempts - 1)
            self.scheduler.call_later(delay, lambda: self._attempt(delivery))

    # --- pre-signed media -----------------------------------------------------------------
    def presign(self, request_or_base: Request | str | None, path: str, ttl: float | None = None) -> str:
        """A URL to ``path`` under /_media/ that stops working after ``ttl`` seconds."""
        base = request_or_base.host_url if isinstance(request_or_base, Request) else request_or_base or self.base_url
        expires = int((self.clock.time() + (self.presign_ttl if ttl is None else ttl)) * 1000)
        signature = self._media_signature(path, expires)
        return f"{base.rstrip('/')}/_media/{path}?{urlencode({'Expires': expires, 'Signature': signature})}"

    def _media_signature(self, path: str, expires: int) -> str:
        digest = hmac.new(self.media_secret, f"{path}:{expires}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def serve_media(self, request: Request, path: str) -> Response:
        try:
            expires = int(request.args["Expires"])
            signature = request.args["Signature"]
        except (KeyError, ValueError):
            return _access_denied("Missing Key-Pair-Id query parameter or cookie value")
        if not hmac.compare_digest(signature, self._media_signature(path, expires)):
            return _access_denied("Invalid signature")
        if expires < self.clock.time() * 1000:
            return _access_denied("Access denied: the URL has expired")
        data, kind = _MEDIA["poster.png" if path.endswith(".png") else "answer.mp4"]
        response = Response(data, content_type=kind)
        # Browsers ask for byte ranges to start and seek a video.
        return response.make_conditional(request, accept_ranges=True, complete_length=len(data))

    # --- control API state ------------------------------------------------------------------
    def state(self) -> dict[str, Any]:
        return {
            "auto_complete_seconds": self.auto_complete_seconds,
            "presign_ttl": self.presign_ttl,
            "clock": self.clock.describe(),
            "vendors": {
                name: {
                    "faults": asdict(v.faults),
                    "options": v.options,
                    "webhook": {"url": v.webhook.url, "events": list(v.webhook.events)} if v.webhook else None,
                    "credentials": v.credentials,
                }
                for name, v in self.vendors.items()
            },
        }


def _load_media() -> dict[str, tuple[bytes, str]]:
    """Every answer plays the same few-KB clip (media/README.md says how it is made)."""
    folder = Path(__file__).with_name("media")
    return {
        name: ((folder / name).read_bytes(), kind)
        for name, kind in (("answer.mp4", "video/mp4"), ("poster.png", "image/png"))
    }


_MEDIA = _load_media()


def _access_denied(message: str) -> Response:
    body = f"<?xml version='1.0' encoding='UTF-8'?><Error><Code>AccessDenied</Code><Message>{message}</Message></Error>"
    return Response(body, status=403, content_type="text/xml")
