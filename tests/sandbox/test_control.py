"""The control API and the shared machinery: faults, counters, media links, webhooks."""

import time

import requests


def test_state_lists_every_vendor(sandbox):
    state = requests.get(f"{sandbox.url}/_control/state", timeout=5).json()
    assert set(state["vendors"]) == {"wedgehr", "hireflix", "intervue", "merge"}


def test_unknown_fault_is_refused(sandbox):
    answer = requests.post(f"{sandbox.url}/_control/wedgehr/faults", json={"explode": 1}, timeout=5)
    assert answer.status_code == 400
    assert "unknown fault" in answer.json()["message"]


def test_presigned_media_expires(sandbox):
    hub = sandbox.app.hub
    fresh = hub.presign(sandbox.url, "hireflix/answer/1.mp4", ttl=60)
    stale = hub.presign(sandbox.url, "hireflix/answer/1.mp4", ttl=-1)
    assert requests.get(fresh, timeout=5).status_code == 200
    assert requests.get(stale, timeout=5).status_code == 403
    forged = fresh.replace("answer/1", "answer/2")
    assert requests.get(forged, timeout=5).status_code == 403


def test_webhook_delivery_is_retried_until_the_receiver_answers(sandbox):
    import threading

    from werkzeug.serving import make_server
    from werkzeug.wrappers import Response

    calls = []

    def receiver(environ, start_response):
        calls.append(environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)))
        status = 500 if len(calls) < 3 else 200
        return Response("ok", status=status)(environ, start_response)

    server = make_server("127.0.0.1", 0, receiver, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        hub = sandbox.app.hub
        hub.webhook_backoff = 0.05
        vendor = hub.vendors["intervue"]
        requests.post(
            f"{sandbox.url}/_control/intervue/webhook",
            json={"url": f"http://127.0.0.1:{server.server_port}/hook", "secret": "s3cret"},
            timeout=5,
        )
        vendor.emit_webhook("ping", {"hello": "world"})
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and hub.deliveries[0].status == "pending":
            time.sleep(0.05)
        assert hub.deliveries[0].status == "delivered"
        assert hub.deliveries[0].attempts == 3
        assert calls[-1] == b'{"hello": "world"}'
    finally:
        server.shutdown()
