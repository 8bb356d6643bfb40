"""The sandbox as one WSGI app: every vendor under its prefix, plus the control API.

/wedgehr/connect/v2/...     WedgeHR Connect API
/hireflix/me                Hireflix GraphQL API
/intervue/...               intervue.io API
/merge/api/ats/v1/...       Merge unified ATS API
/_media/...                 pre-signed answer videos and thumbnails (they expire)
/_control/...               test and demo switches; no part of any vendor contract
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.wrappers import Request, Response

from .core import ACTIONS, Sandbox, VendorSim, WebhookTarget, json_response, read_json
from .hireflix import HireflixSim
from .intervue import IntervueSim
from .merge import MergeSim
from .wedgehr import WedgeHRSim

SIMULATORS: list[type[VendorSim]] = [WedgeHRSim, HireflixSim, IntervueSim, MergeSim]


class SandboxApp:
    """WSGI entry point. ``app.hub`` is the live state, for in-process tests."""

    def __init__(self, base_url: str = "") -> None:
        self.hub = Sandbox(SIMULATORS, base_url=base_url)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        return self.route(request)(environ, start_response)

    def route(self, request: Request) -> Response:
        head, _, rest = request.path.lstrip("/").partition("/")
        if head == "_control":
            return self.control(request, rest)
        if head == "_media":
            return self.hub.serve_media(request, rest)
        vendor = self.hub.vendors.get(head)
        if vendor is None:
            return json_response({"message": f"no simulator at /{head}", "vendors": list(self.hub.vendors)}, 404)
        return vendor.handle(request, "/" + rest)

    # --- control API ---------------------------------------------------------------
    def control(self, request: Request, path: str) -> Response:
        parts = [p for p in path.split("/") if p]
        body = read_json(request) or {}
        method = request.method
        hub = self.hub
        try:
            match parts:
                case [] | ["state"] if method == "GET":
                    return json_response(hub.state())
                case ["reset"] if method == "POST":
                    hub.reset()
                    return json_response(hub.state())
                case ["counters"] if method == "GET":
                    return json_response({name: v.counters() for name, v in hub.vendors.items()})
                case ["auto-complete"] if method == "POST":
                    seconds = body.get("seconds")
                    hub.auto_complete_seconds = None if seconds is None else float(seconds)
                    return json_response({"auto_complete_seconds": hub.auto_complete_seconds})
                case ["presign-ttl"] if method == "POST":
                    hub.presign_ttl = float(body["seconds"])
                    return json_response({"presign_ttl": hub.presign_ttl})
                case ["clock"] if method == "GET":
                    return json_response(hub.clock.describe())
                case ["clock"] if method == "POST":
                    hub.clock.advance(body.get("advance") if isinstance(body, dict) else body)
                    return json_response(hub.clock.describe())
                case ["webhooks", "deliveries"] if method == "GET":
                    return json_response([d.describe() for d in hub.deliveries])
                case [name, *rest] if name in hub.vendors:
                    return self.vendor_control(hub.vendors[name], rest, method, body)
        except (KeyError, TypeError, ValueError) as exc:
            return json_response({"message": f"bad control request: {exc}"}, 400)
        return json_response({"message": f"no control endpoint {method} /_control/{path}"}, 404)

    def vendor_control(self, vendor: VendorSim, parts: list[str], method: str, body: dict[str, Any]) -> Response:
        match parts:
            case ["reset"] if method == "POST":
                self.hub.vendors[vendor.name] = type(vendor)(self.hub)
                return json_response({"reset": vendor.name})
            case ["faults"] if method == "POST":
                vendor.faults.update(body)
                return json_response(self.hub.state()["vendors"][vendor.name]["faults"])
            case ["options"] if method == "POST":
                unknown = set(body) - set(vendor.default_options)
                if unknown:
                    raise ValueError(f"unknown options {sorted(unknown)}; known: {sorted(vendor.default_options)}")
                vendor.options.update(body)
                return json_response(vendor.options)
            case ["webhook"] if method == "POST":
                vendor.webhook = (
                    WebhookTarget(body["url"], body.get("secret", ""), tuple(body.get("events", ())))
                    if body.get("url")
                    else None
                )
                return json_response({"url": body.get("url")})
            case ["advance"] if method == "POST":
                if body.get("action") not in ACTIONS:
                    raise ValueError(f"action must be one of {', '.join(ACTIONS)}")
                with vendor.lock:
                    try:
                        return json_response(vendor.advance(str(body["ref"]), body["action"]))
                    except LookupError:
                        return json_response({"message": f"no candidate {body['ref']!r} in {vendor.name}"}, 404)
            case ["counters"] if method == "GET":
                return json_response(vendor.counters())
        with vendor.lock:
            answer = vendor.control(parts, method, body)
        if answer is not None:
            return answer
        return json_response({"message": f"no control endpoint {method} {parts} for {vendor.name}"}, 404)


@dataclass
class RunningSandbox:
    url: str
    app: SandboxApp
    server: BaseWSGIServer
    thread: threading.Thread

    def url_for(self, vendor: str) -> str:
        return f"{self.url}/{vendor}"

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)


def start_in_thread(host: str = "127.0.0.1", port: int = 0) -> RunningSandbox:
    """Serve the sandbox on a background thread; port 0 picks a free one."""
    app = SandboxApp()
    server = make_server(host, port, app, threaded=True)
    url = f"http://{host}:{server.server_port}"
    app.hub.base_url = url
    thread = threading.Thread(target=server.serve_forever, name="sandbox-http", daemon=True)
    thread.start()
    return RunningSandbox(url, app, server, thread)
